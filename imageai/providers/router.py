"""`ProviderRouter`: picks and builds the provider for each scene's job."""

from __future__ import annotations

import threading
from collections.abc import Callable

from imageai.core.jobs import JobRequest, VideoProvider
from imageai.core.models import ProviderName, ProviderSettingsT

ProviderFactory = Callable[[ProviderName, ProviderSettingsT], VideoProvider]


class ProviderRouter:
    """Maps a request to a provider instance, built once per (provider, settings) and reused."""

    def __init__(self, factory: ProviderFactory) -> None:
        self._factory = factory
        self._cache: dict[tuple[ProviderName, str], VideoProvider] = {}
        self._lock = threading.Lock()

    def provider_for(self, request: JobRequest) -> VideoProvider:
        return self.get(request.provider, request.settings)

    def get(self, name: ProviderName, settings: ProviderSettingsT) -> VideoProvider:
        key = (name, settings.model_dump_json())
        with self._lock:
            provider = self._cache.get(key)
            if provider is None:
                provider = self._factory(name, settings)
                self._cache[key] = provider
            return provider

    def close(self) -> None:
        """Close every provider built so far."""
        with self._lock:
            providers, self._cache = list(self._cache.values()), {}
        for provider in providers:
            provider.close()
