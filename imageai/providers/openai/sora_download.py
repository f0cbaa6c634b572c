"""Stream a video's assets to disk (flat memory), resuming an interrupted download with Range."""

from __future__ import annotations

import logging
import random
import re
import time
from typing import TYPE_CHECKING, Literal

import httpx
import httpx2
import openai

from imageai.core.downloads import (
    fetch_checked_clip,
    finalize_file,
    temp_download,
    write_chunks,
)
from imageai.core.errors import JobCancelledError, NetworkError, ProviderError
from imageai.providers.openai.errors import classify

if TYPE_CHECKING:
    import threading
    from collections.abc import Callable, Iterator
    from pathlib import Path

    from openai import OpenAI
    from openai._response import StreamedBinaryAPIResponse

    from imageai.core.clip_check import ExpectedClip

log = logging.getLogger(__name__)

Variant = Literal["video", "thumbnail", "spritesheet"]
CHUNK = 1 << 20
IMAGE_SUFFIXES = {"image/webp": ".webp", "image/jpeg": ".jpg", "image/png": ".png"}
_TRANSPORT_ERRORS = (httpx2.TransportError, httpx.TransportError)


class AssetDownloader:
    """Downloads one video's assets; retries interrupted streams from where they stopped.

    Args:
        client: the SDK client (its own retries cover failures before the body starts).
        attempts: streams started at most per asset.
        sleep: how to wait between attempts (tests pass a no-op).
    """

    def __init__(
        self, client: OpenAI, *, attempts: int = 4, sleep: Callable[[float], None] = time.sleep
    ) -> None:
        self._client = client
        self._attempts = attempts
        self._sleep = sleep

    def clip(
        self,
        video_id: str,
        dest: Path,
        cancel: threading.Event,
        expect: ExpectedClip | None,
        max_bytes: int | None = None,
    ) -> Path:
        """The MP4, renamed to ``dest`` only once `finalize_clip` passes it; a clip that fails
        is fetched again (continued with ``Range`` when only its end is missing)."""
        return fetch_checked_clip(
            lambda tmp: self._fetch(video_id, "video", tmp, cancel, max_bytes)[0],
            dest,
            cancel,
            expect=expect,
            sleep=self._sleep,
        )

    def image(self, video_id: str, variant: Variant, stem: Path, cancel: threading.Event) -> Path:
        """A thumbnail or spritesheet saved as ``stem`` plus the suffix of its content type."""
        with temp_download(stem) as tmp:
            _, content_type = self._fetch(video_id, variant, tmp, cancel)
            suffix = IMAGE_SUFFIXES.get(content_type.split(";")[0].strip(), ".jpg")
            return finalize_file(tmp, stem.with_suffix(suffix))

    def _fetch(
        self,
        video_id: str,
        variant: Variant,
        tmp: Path,
        cancel: threading.Event,
        max_bytes: int | None = None,
    ) -> tuple[int | None, str]:
        last: ProviderError | None = None
        for attempt in range(self._attempts):
            offset = tmp.stat().st_size
            headers = {"Range": f"bytes={offset}-"} if offset else {}
            try:
                with self._client.videos.with_streaming_response.download_content(
                    video_id, variant=variant, extra_headers=headers
                ) as response:
                    return self._save(response, tmp, cancel, max_bytes)
            except openai.OpenAIError as exc:
                last = classify(exc, video_id=video_id)
                if last.final:
                    raise last from exc
            except _TRANSPORT_ERRORS as exc:
                last = NetworkError(f"The {variant} download was interrupted.", detail=repr(exc))
            except NetworkError as exc:  # a bad resume answer; the part file was reset
                last = exc
            log.info("download of %s %s failed (%s); retrying", video_id, variant, last.kind)
            if attempt + 1 < self._attempts:
                self._sleep(last.retry_after or min(8.0, 2.0**attempt) * random.uniform(0.75, 1))
        assert last is not None
        raise last

    @staticmethod
    def _save(
        response: StreamedBinaryAPIResponse,
        tmp: Path,
        cancel: threading.Event,
        max_bytes: int | None = None,
    ) -> tuple[int | None, str]:
        content_type = response.headers.get("content-type", "")
        resumed = response.status_code == 206
        total: int | None = None
        if resumed:
            content_range = response.headers.get("content-range", "")
            start = re.match(r"bytes (\d+)-", content_range)
            if start is None or int(start[1]) != tmp.stat().st_size:
                # Appending bytes from another offset would corrupt the clip: start over.
                tmp.write_bytes(b"")
                raise NetworkError(
                    "The server resumed the download at the wrong offset.", detail=content_range
                )
            match = re.search(r"/(\d+)$", content_range)
            total = int(match[1]) if match else None
        elif (length := response.headers.get("content-length")) is not None:
            total = int(length)
        chunks = _until_cancelled(response.iter_bytes(CHUNK), cancel)
        write_chunks(tmp, chunks, append=resumed, max_bytes=max_bytes)
        return total, content_type


def _until_cancelled(chunks: Iterator[bytes], cancel: threading.Event) -> Iterator[bytes]:
    for chunk in chunks:
        if cancel.is_set():
            raise JobCancelledError("download cancelled")
        yield chunk
