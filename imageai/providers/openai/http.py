"""The SDK's HTTP client with our caps: no answer but a clip may exceed a few MB."""

from __future__ import annotations

import contextlib

import httpx2
import openai

from imageai.core.response_limits import CappedTransport


class _CappedClient(openai.DefaultHttpxClient):
    def __del__(self) -> None:
        # As the SDK's own default client does: a client nobody closed closes when collected.
        with contextlib.suppress(Exception):
            if not self.is_closed:
                self.close()


def capped_http_client() -> httpx2.Client:
    """The SDK's defaults (timeouts, limits, redirects) over a transport that caps bodies."""
    return _CappedClient(transport=CappedTransport(httpx2.HTTPTransport()))
