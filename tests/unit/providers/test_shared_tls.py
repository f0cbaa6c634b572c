"""The API clients share one TLS context: the trust store is read once per process."""

from __future__ import annotations

import subprocess
import sys

CODE = """
import ssl
loads = [0]
real = ssl.SSLContext.load_verify_locations
def counting(self, *args, **kwargs):
    loads[0] += 1
    return real(self, *args, **kwargs)
ssl.SSLContext.load_verify_locations = counting

from pydantic import SecretStr
from imageai.core.models import OmniSettings
from imageai.providers.google.omni_sdk import OmniSdk
from imageai.providers.openai.sora_client import SoraClient

key = SecretStr("test-key")
for _ in range(2):
    OmniSdk(OmniSettings(), api_key=key, base_url="http://127.0.0.1:9")
    SoraClient(key, base_url="http://127.0.0.1:9/v1")
print(loads[0])
"""


def test_omni_and_sora_clients_read_the_trust_store_once() -> None:
    # A fresh process: this one may have made the shared context already.
    out = subprocess.run(
        [sys.executable, "-c", CODE], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.strip() == "1"
