"""Veo and Omni poll every 5 s at first, /v1/videos without a hint every 2 s;
``IMAGEAI_POLL_INTERVAL_S`` sets it for all, and ``IMAGEAI_RETRY_PAUSE_SCALE`` shortens the
pauses before a retry (end-to-end tests against a faulty fake use both)."""

from __future__ import annotations

import time

import pytest

from imageai.core.catalog import default_catalog
from imageai.core.models import OmniSettings, ProviderName, SoraSettings, VeoSettings
from imageai.core.secrets import InMemorySecretStore, KeyName
from imageai.providers.factory import (
    GOOGLE_POLL_INTERVAL_S,
    SORA_POLL_INTERVAL_S,
    provider_factory,
    retry_sleep,
)

SETTINGS = {
    ProviderName.OMNI: OmniSettings(),
    ProviderName.VEO: VeoSettings(),
    ProviderName.SORA: SoraSettings(),
}


def _interval(provider: ProviderName, env: dict[str, str]) -> float:
    store = InMemorySecretStore({KeyName.GOOGLE: "fake-gemini-key", KeyName.OPENAI: "sk-fake"})
    built = provider_factory(store, default_catalog(), environ=env)(provider, SETTINGS[provider])
    return built.poll_interval


@pytest.mark.parametrize(
    ("provider", "default"),
    [(ProviderName.OMNI, 5.0), (ProviderName.VEO, 5.0), (ProviderName.SORA, 2.0)],
)
def test_providers_poll_at_their_interval_unless_told(
    provider: ProviderName, default: float
) -> None:
    assert (GOOGLE_POLL_INTERVAL_S, SORA_POLL_INTERVAL_S) == (5.0, 2.0)
    assert _interval(provider, {}) == default
    assert _interval(provider, {"IMAGEAI_POLL_INTERVAL_S": "0.25"}) == 0.25


@pytest.mark.parametrize("raw", ["soon", "0", "-1", "inf", "nan", ""])
def test_an_unusable_interval_keeps_five_seconds(raw: str) -> None:
    assert _interval(ProviderName.OMNI, {"IMAGEAI_POLL_INTERVAL_S": raw}) == 5.0


@pytest.mark.parametrize("provider", [ProviderName.OMNI, ProviderName.VEO, ProviderName.SORA])
def test_retry_pauses_are_real_unless_scaled(
    provider: ProviderName, monkeypatch: pytest.MonkeyPatch
) -> None:
    slept: list[float] = []
    monkeypatch.setattr(time, "sleep", slept.append)
    assert retry_sleep({}) is time.sleep
    assert retry_sleep({"IMAGEAI_RETRY_PAUSE_SCALE": "0"}) is time.sleep  # unusable: kept
    scaled = retry_sleep({"IMAGEAI_RETRY_PAUSE_SCALE": "0.01"})
    scaled(4.0)
    assert slept == [pytest.approx(0.04)]
    # The adapters get it: their create and download retries pause through it.
    store = InMemorySecretStore({KeyName.GOOGLE: "fake-gemini-key", KeyName.OPENAI: "sk-fake"})
    env = {"IMAGEAI_RETRY_PAUSE_SCALE": "0.01"}
    built = provider_factory(store, default_catalog(), environ=env)(provider, SETTINGS[provider])
    pause = built._sleep if provider is not ProviderName.SORA else built._creator._sleep  # type: ignore[attr-defined]
    pause(4.0)
    assert slept == [pytest.approx(0.04)] * 2
