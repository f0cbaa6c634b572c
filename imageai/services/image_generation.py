"""Image generation shared by the Images tab and `imageai image generate`: build, validate, prepare."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING

from imageai.core.image_catalog import ImageCatalog, ImageProviderName
from imageai.core.image_jobs import (
    ImageProvider,
    ImageRequest,
    estimate_image_request,
    run_image_job,
)

if TYPE_CHECKING:
    import datetime
    import threading
    from collections.abc import Callable, Iterator
    from pathlib import Path

    from imageai.core.image_jobs import ImageEvent


@dataclass(frozen=True)
class ImageChoices:
    """What the user chose, as the form or the command line gives it (not yet validated)."""

    provider: ImageProviderName | str
    model: str
    prompt: str
    size: str | None = None
    quality: str | None = None
    count: int = 1
    edit_image: Path | None = None
    mask_image: Path | None = None


@dataclass(frozen=True)
class PreparedImageJob:
    """A validated request, its estimate and the provider that will run it."""

    request: ImageRequest
    estimate_usd: float
    provider: ImageProvider
    catalog: ImageCatalog

    def events(self, cancel: threading.Event) -> Iterator[ImageEvent]:
        """Run the job (on a worker thread in the GUI, inline in the CLI)."""
        return run_image_job(self.request, self.provider, cancel, self.catalog)

    def job_fn(self) -> Callable[[threading.Event], Iterator[ImageEvent]]:
        """The function `JobRunner.submit` takes."""
        return functools.partial(run_image_job, self.request, self.provider, catalog=self.catalog)


@dataclass(frozen=True)
class ImageQuote:
    """The price of the current choices, for the cost line."""

    total_usd: float
    per_image_usd: float
    count: int
    estimated: bool
    checked: datetime.date
    source: str


def build_image_request(choices: ImageChoices, *, out_dir: Path, job_id: str) -> ImageRequest:
    """The request for these choices; paths are made absolute (the worker must not rely on cwd).

    Raises:
        ValueError: for a provider name that is not one (argparse and the form offer only real ones).
    """
    return ImageRequest(
        job_id=job_id,
        provider=ImageProviderName(choices.provider),
        model=choices.model,
        # Whitespace around a prompt is never meant: both front ends send the same text.
        prompt=choices.prompt.strip(),
        size=choices.size or None,
        quality=choices.quality or None,
        count=choices.count,
        out_dir=out_dir.resolve(),
        edit_image=choices.edit_image.resolve() if choices.edit_image else None,
        mask_image=choices.mask_image.resolve() if choices.mask_image else None,
    )


def prepare_image_job(
    catalog: ImageCatalog,
    choices: ImageChoices,
    provider_for: Callable[[ImageProviderName], ImageProvider],
    *,
    out_dir: Path,
    job_id: str,
) -> PreparedImageJob:
    """Build and validate the request, then build its provider (in that order: a bad request
    is reported before a missing key).

    Raises:
        ValidationError: the model cannot serve the request.
        AuthError: no key for the provider.
    """
    request = build_image_request(choices, out_dir=out_dir, job_id=job_id)
    estimate = estimate_image_request(catalog, request)
    provider = provider_for(request.provider)
    return PreparedImageJob(request, estimate, provider, catalog)


def quote_image_choices(catalog: ImageCatalog, choices: ImageChoices) -> ImageQuote | None:
    """The price of ``count`` images at this size and quality; None when no price is known."""
    info = catalog.get(ImageProviderName(choices.provider), choices.model)
    if info is None:
        return None
    try:
        rule = info.price_rule(choices.size, choices.quality)
    except LookupError:
        return None
    return ImageQuote(
        total_usd=rule.usd_per_image * choices.count,
        per_image_usd=rule.usd_per_image,
        count=choices.count,
        estimated=rule.estimated,
        checked=rule.checked,
        source=rule.source,
    )
