"""Builds the provider for a project's settings: the composition point for keys and endpoints."""

from __future__ import annotations

import importlib
import os
import time
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING

from pydantic import SecretStr

from imageai.core.catalog import Catalog
from imageai.core.env_numbers import env_number
from imageai.core.errors import AuthError
from imageai.core.jobs import VideoProvider
from imageai.core.models import (
    OmniSettings,
    ProviderName,
    ProviderSettingsT,
    SoraSettings,
    VeoSettings,
)
from imageai.core.secrets import ENV_VARS, KeyName, SecretStore, lookup_key

if TYPE_CHECKING:
    from imageai.providers.router import ProviderFactory

#: Seconds between Veo and Omni polls at first; run_job backs off from it (1.5x to 20 s, 2x after
#: a failed poll), as their renders take one to several minutes.
GOOGLE_POLL_INTERVAL_S = 5.0
#: /v1/videos polls on the endpoint's ``openai-poll-after-ms``; this is for when it sends none,
#: and the start of the backoff after a failed poll.
SORA_POLL_INTERVAL_S = 2.0
#: Overrides both (tests against a fake server that answers in under a second).
POLL_INTERVAL_ENV = "IMAGEAI_POLL_INTERVAL_S"
#: Multiplies the pauses before a create or download is tried again (1 in the app; tests
#: against a fake server that fails on purpose make them short).
RETRY_PAUSE_SCALE_ENV = "IMAGEAI_RETRY_PAUSE_SCALE"

#: Builders for the providers: (settings, key or None, catalog, environ) -> provider.
Builder = Callable[[ProviderSettingsT, SecretStr | None, Catalog, Mapping[str, str]], VideoProvider]


def missing_key_error(key: KeyName) -> AuthError:
    env = " or ".join(ENV_VARS[key])
    return AuthError(
        f"No {key.value.title()} API key. Set {env}, or store one with `imageai keys set {key.value}`."
    )


# Each builder imports its provider's module itself, so the CLI starts fast and the animatic
# path never imports an SDK.


def poll_interval(env: Mapping[str, str], default: float) -> float:
    """``IMAGEAI_POLL_INTERVAL_S`` if a finite number > 0, else ``default``."""
    return env_number(env, POLL_INTERVAL_ENV, default)


def retry_sleep(env: Mapping[str, str]) -> Callable[[float], None]:
    """How adapters pause before trying again: ``time.sleep``, scaled by
    ``IMAGEAI_RETRY_PAUSE_SCALE`` when that is a finite number > 0."""
    scale = env_number(env, RETRY_PAUSE_SCALE_ENV, 1.0)
    if scale == 1.0:
        return time.sleep
    return lambda seconds: time.sleep(seconds * scale)


def build_animatic(
    settings: ProviderSettingsT, key: SecretStr | None, catalog: Catalog, env: Mapping[str, str]
) -> VideoProvider:
    from imageai.providers.animatic.provider import AnimaticProvider

    return AnimaticProvider(catalog=catalog)


def build_sora(
    settings: ProviderSettingsT, key: SecretStr | None, catalog: Catalog, env: Mapping[str, str]
) -> VideoProvider:
    from imageai.core.videos_endpoint import endpoint_for
    from imageai.providers.openai.sora_client import SoraClient

    assert isinstance(settings, SoraSettings)
    if key is None:
        raise missing_key_error(KeyName.OPENAI)
    base_url = endpoint_for(settings, env)
    return SoraClient(
        key,
        base_url=base_url,
        catalog=catalog,
        usd_per_second=settings.usd_per_second,
        poll_interval=poll_interval(env, SORA_POLL_INTERVAL_S),
        sleep=retry_sleep(env),
    )


def build_veo(
    settings: ProviderSettingsT, key: SecretStr | None, catalog: Catalog, env: Mapping[str, str]
) -> VideoProvider:
    from imageai.providers.google.veo_client import VeoClient

    assert isinstance(settings, VeoSettings)
    base_url = env.get("GOOGLE_GEMINI_BASE_URL") or None
    return VeoClient(
        settings,
        api_key=key,
        base_url=base_url,
        catalog=catalog,
        poll_interval=poll_interval(env, GOOGLE_POLL_INTERVAL_S),
        sleep=retry_sleep(env),
    )


def build_omni(
    settings: ProviderSettingsT, key: SecretStr | None, catalog: Catalog, env: Mapping[str, str]
) -> VideoProvider:
    from imageai.providers.google.omni_client import OmniClient

    assert isinstance(settings, OmniSettings)
    base_url = env.get("GOOGLE_GEMINI_BASE_URL") or None
    return OmniClient(
        settings,
        api_key=key,
        base_url=base_url,
        catalog=catalog,
        poll_interval=poll_interval(env, GOOGLE_POLL_INTERVAL_S),
        sleep=retry_sleep(env),
    )


#: Each provider's key (None: it needs none) and builder.
BUILDERS: dict[ProviderName, tuple[KeyName | None, Builder]] = {
    ProviderName.ANIMATIC: (None, build_animatic),
    ProviderName.SORA: (KeyName.OPENAI, build_sora),
    ProviderName.VEO: (KeyName.GOOGLE, build_veo),
    ProviderName.OMNI: (KeyName.GOOGLE, build_omni),
}


#: The modules a provider renders with: its adapter and the ones that import its SDK (the
#: Google adapters load google-genai only when first used).
ADAPTER_MODULES: dict[ProviderName, tuple[str, ...]] = {
    ProviderName.ANIMATIC: ("imageai.providers.animatic.provider",),
    ProviderName.SORA: ("imageai.providers.openai.sora_client",),
    ProviderName.VEO: (
        "imageai.providers.google.veo_client",
        "imageai.providers.google.veo_vertex",
    ),
    ProviderName.OMNI: (
        "imageai.providers.google.omni_client",
        "imageai.providers.google.omni_sdk",
    ),
}


def import_adapters(names: Iterable[ProviderName]) -> None:
    """Import the adapters (with their SDKs) for ``names`` now, ahead of Qt.

    Once PySide6 is imported, its import hook reads the source of every module imported
    after it; the SDKs are hundreds of modules (``openai.types`` alone), so importing them
    first saves 0.05-0.15 s of a command's start-up. Imported here, they are also not
    imported by the first job's worker thread, holding the GIL, after its create is journalled.
    """
    for module in adapter_modules(names):
        importlib.import_module(module)


def adapter_modules(names: Iterable[ProviderName]) -> list[str]:
    """The modules the providers ``names`` render with, each once, in a stable order."""
    return [module for name in sorted(set(names)) for module in ADAPTER_MODULES[name]]


def provider_factory(
    secrets: SecretStore,
    catalog: Catalog,
    environ: Mapping[str, str] | None = None,
    *,
    require_keys: bool = True,
) -> ProviderFactory:
    """A factory for `ProviderRouter`; cloud providers without a key raise `AuthError`."""
    env = dict(os.environ if environ is None else environ)

    def build(name: ProviderName, settings: ProviderSettingsT) -> VideoProvider:
        key_name, builder = BUILDERS[name]
        key: SecretStr | None = None
        if key_name is not None:
            key, _source, _var = lookup_key(secrets, key_name, env)
            if key is None and require_keys and not _keyless_allowed(settings):
                raise missing_key_error(key_name)
        return builder(settings, key, catalog, env)

    return build


def _keyless_allowed(settings: ProviderSettingsT) -> bool:
    # Vertex AI authenticates with application default credentials, not an API key.
    return getattr(settings, "backend", None) == "vertex"
