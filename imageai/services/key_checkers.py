"""The cheap key checks the settings dialog runs (off the GUI thread), one per API key."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from imageai.core.secrets import KeyName

if TYPE_CHECKING:
    from collections.abc import Mapping

    from pydantic import SecretStr

    from imageai.core.key_check import KeyCheck
    from imageai.services.key_check_service import Checker


def check_openai(key: SecretStr) -> KeyCheck:
    """401 bad key, 403 no video access, 404 endpoint gone (Sora retired), or no network."""
    from imageai.providers.openai.sora_client import SoraClient

    client = SoraClient(key, base_url=os.environ.get("OPENAI_BASE_URL") or None)
    try:
        return client.check_key()
    finally:
        client.close()


def check_google(key: SecretStr) -> KeyCheck:
    """The Gemini API key (Gemini Omni); Veo runs on Vertex AI with Cloud credentials instead."""
    import httpx

    from imageai.providers.google.gemini_key import check_gemini_key
    from imageai.providers.google.http import TIMEOUT

    base = os.environ.get("GOOGLE_GEMINI_BASE_URL") or "https://generativelanguage.googleapis.com"
    with httpx.Client(timeout=TIMEOUT) as http:
        return check_gemini_key(key, base, http)


def default_checkers() -> Mapping[KeyName, Checker]:
    return {KeyName.OPENAI: check_openai, KeyName.GOOGLE: check_google}
