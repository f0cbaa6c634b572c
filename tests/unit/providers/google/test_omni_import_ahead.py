"""The Interactions API's modules load with the Omni adapter, not at the first create."""

from __future__ import annotations

import subprocess
import sys


def test_the_first_use_of_client_interactions_imports_nothing_more() -> None:
    # Run fresh: this test process may have imported everything already.
    code = (
        "import sys\n"
        "import imageai.providers.google.omni_sdk\n"
        "from google import genai\n"
        "client = genai.Client(api_key='unused-key')\n"
        "before = set(sys.modules)\n"
        "client.interactions\n"
        "print(len(set(sys.modules) - before))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.strip() == "0"


def test_the_cli_imports_each_providers_sdk_before_qt() -> None:
    code = (
        "import sys\n"
        "from imageai.core.models import ProviderName\n"
        "from imageai.providers.factory import import_adapters\n"
        "import_adapters([ProviderName.OMNI, ProviderName.VEO, ProviderName.SORA])\n"
        "print(sorted(m for m in ('google.genai', 'openai', 'PySide6') if m in sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.strip() == "['google.genai', 'openai']"
