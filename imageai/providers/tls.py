"""One TLS context for the process's API clients: the trust store is read once, not per client."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

import httpx2

if TYPE_CHECKING:
    import ssl


@functools.cache
def shared_ssl_context() -> ssl.SSLContext:
    """httpx2's default context (the OS trust store, or ``SSL_CERT_FILE``/``SSL_CERT_DIR``),
    made once and shared: a context is safe to share between clients and threads.

    Each client built with its own reads the trust store again (25-50 ms here); a Gemini Omni
    provider builds three SDK clients, each making two more, so its first create waited
    ~0.25 s for ten copies of the same certificates.
    """
    return httpx2.create_ssl_context()
