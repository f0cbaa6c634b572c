"""The SDK's HTTP client with our caps: no answer but a clip may exceed a few MB."""

from __future__ import annotations

import contextlib

import httpx2
import openai

from imageai.core.errors import InvalidRequestError, ProviderError
from imageai.core.response_limits import CappedTransport
from imageai.providers.tls import shared_ssl_context


class _CappedClient(openai.DefaultHttpxClient):
    def __del__(self) -> None:
        # As the SDK's own default client does: a client nobody closed closes when collected.
        with contextlib.suppress(Exception):
            if not self.is_closed:
                self.close()


def capped_http_client() -> httpx2.Client:
    """The SDK's defaults (timeouts, limits, redirects) over a transport that caps bodies."""
    tls = shared_ssl_context()
    return _CappedClient(transport=CappedTransport(httpx2.HTTPTransport(verify=tls)), verify=tls)


#: What the SDK raises when an answer is HTML or JSON of the wrong shape (it builds its models
#: without validation, so the failure surfaces as a type or attribute error on first use).
MALFORMED_ANSWER: tuple[type[Exception], ...] = (TypeError, AttributeError, ValueError, KeyError)


def malformed_answer(what: str, exc: Exception) -> ProviderError:
    """The error for an answer that is not the ``what`` the protocol defines."""
    return InvalidRequestError(
        f"The endpoint's answer is not {what} (an HTML page or JSON of another shape): "
        "check the base URL.",
        detail=type(exc).__name__,
    )
