"""Registers the cloud providers' builders with the factory (imported on first use)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from imageai.core.models import (
    ProviderName,
    ProviderSettingsT,
    SoraSettings,
    VeoBackend,
    VeoSettings,
)
from imageai.core.secrets import KeyName
from imageai.providers.factory import missing_key_error, register_builder

if TYPE_CHECKING:
    from collections.abc import Mapping

    from pydantic import SecretStr

    from imageai.core.catalog import Catalog
    from imageai.core.jobs import VideoProvider


def build_sora(
    settings: ProviderSettingsT, key: SecretStr | None, catalog: Catalog, env: Mapping[str, str]
) -> VideoProvider:
    from imageai.providers.sora_client import SoraClient

    assert isinstance(settings, SoraSettings)
    if key is None:
        raise missing_key_error(KeyName.OPENAI)
    base_url = settings.base_url or env.get("OPENAI_BASE_URL") or None
    return SoraClient(key, base_url=base_url, catalog=catalog)


def build_veo(
    settings: ProviderSettingsT, key: SecretStr | None, catalog: Catalog, env: Mapping[str, str]
) -> VideoProvider:
    from imageai.providers.veo_client import VeoClient

    assert isinstance(settings, VeoSettings)
    if key is None and settings.backend is VeoBackend.GEMINI:
        raise missing_key_error(KeyName.GOOGLE)
    base_url = env.get("GOOGLE_GEMINI_BASE_URL") or None
    # Start at 5 s; run_job backs off by 1.5x to 20 s, as renders take one to several minutes.
    return VeoClient(settings, api_key=key, base_url=base_url, catalog=catalog, poll_interval=5.0)


register_builder(ProviderName.SORA, KeyName.OPENAI, build_sora)
register_builder(ProviderName.VEO, KeyName.GOOGLE, build_veo)
