"""Fixtures for the Python API tests: a scripted provider behind the real factory and router."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from imageai.core.models import ProviderName
from imageai.core.secrets import KeyName
from imageai.providers import factory
from tests.fakes.fake_provider import FakeProvider

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from imageai.api import VideoClient

KEY = "api-test-google-key"


@pytest.fixture
def omni_fake(monkeypatch: pytest.MonkeyPatch) -> Callable[..., FakeProvider]:
    """Install a `FakeProvider` named Omni as what the factory builds for ``omni``."""

    def install(**kwargs: Any) -> FakeProvider:
        fake = FakeProvider(name=ProviderName.OMNI, **kwargs)
        monkeypatch.setitem(factory.BUILDERS, ProviderName.OMNI, (KeyName.GOOGLE, lambda *_: fake))
        return fake

    return install


@pytest.fixture
def omni_client(tmp_path: Path) -> Callable[..., VideoClient]:
    from imageai.api import VideoClient

    def make(**kwargs: Any) -> VideoClient:
        return VideoClient("omni", api_key=KEY, output_dir=tmp_path / "out", **kwargs)

    return make
