"""`VideoClient`: generate videos from a script or notebook, as safe with money as the app."""

from __future__ import annotations

import math
import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import SecretStr

from imageai.api import aio, remix
from imageai.api.batch import run_batch
from imageai.api.config import VideoConfig, provider_name, public_name
from imageai.api.plan import Planner
from imageai.api.results import CancelToken, VideoCost, VideoInfo, VideoResult
from imageai.core.catalog import load_catalog
from imageai.core.errors import ValidationError
from imageai.core.ledger import LEDGER_NAME, ledger_for
from imageai.core.paths import price_override_file
from imageai.core.secrets import (
    ENV_VARS,
    InMemorySecretStore,
    KeyringSecretStore,
    SecretStore,
    remember_secret,
)
from imageai.providers.factory import BUILDERS, provider_factory
from imageai.providers.router import ProviderRouter

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence
    from types import TracebackType

    from imageai.api.results import VideoProgress
    from imageai.core.catalog import Catalog
    from imageai.core.ledger import Ledger
    from imageai.core.models import ProviderName


def _secret_store(provider: ProviderName, api_key: str | None, env: dict[str, str]) -> SecretStore:
    """Where the key comes from: ``api_key`` if given (it wins over the environment), else the
    environment and then the keyring, as the app and CLI read them."""
    key_name = BUILDERS[provider][0]
    if api_key is not None and key_name is not None:
        if not api_key.strip():
            raise ValidationError("api_key", "the API key is empty")
        remember_secret(SecretStr(api_key.strip()))  # scrubbed from every error and log
        for var in ENV_VARS[key_name]:
            env.pop(var, None)
        return InMemorySecretStore({key_name: api_key.strip()})
    # IMAGEAI_NO_KEYRING: for CI and scripted runs where only environment keys should count.
    if env.get("IMAGEAI_NO_KEYRING"):
        return InMemorySecretStore()
    return KeyringSecretStore()


def _checked_budget(budget_usd: float | None) -> float | None:
    """``budget_usd`` if it is None or a finite number of 0 or more (NaN would switch it off)."""
    if budget_usd is None:
        return None
    if (
        isinstance(budget_usd, bool)
        or not isinstance(budget_usd, int | float)
        or not (math.isfinite(budget_usd) and budget_usd >= 0)
    ):
        raise ValidationError("budget_usd", "the budget must be a finite number of 0 or more")
    return float(budget_usd)


class VideoClient:
    """Videos from one provider into one output folder, with a ledger there.

    Every create is written to ``output_dir/ledger.jsonl`` (fsynced) before it is sent, so
    running the same script again after a crash or Ctrl+C follows the jobs already paid for
    instead of creating them again, and reuses the videos already downloaded. ``budget_usd``
    refuses new creates that would take the folder's spend past it, before any is sent.

    Args:
        provider: ``"omni"``, ``"veo"``, ``"openai-videos"`` or ``"animatic"`` (free, offline).
        api_key: the key to use; default: ``GEMINI_API_KEY``/``GOOGLE_API_KEY`` or
            ``OPENAI_API_KEY``, then the keyring entry ``imageai keys set`` stored.
        output_dir: where clips, thumbnails and the ledger go.
        budget_usd: the most the folder's ledger may show as spent (None: no limit).
        options: provider settings beyond a config's fields, e.g. ``{"backend": "vertex",
            "vertex_project": "my-project"}`` (Veo, Omni) or ``{"base_url": ...,
            "usd_per_second": 0.1}`` (openai-videos).
        environ: the environment to read keys and base URLs from (default ``os.environ``).
    """

    def __init__(
        self,
        provider: str = "omni",
        *,
        api_key: str | None = None,
        output_dir: str | Path = "imageai-videos",
        budget_usd: float | None = None,
        options: Mapping[str, Any] | None = None,
        environ: Mapping[str, str] | None = None,
        catalog: Catalog | None = None,
    ) -> None:
        self.provider = provider_name(provider)
        self.budget_usd = _checked_budget(budget_usd)
        self.output_dir = Path(output_dir).expanduser().absolute()
        env = dict(os.environ if environ is None else environ)
        self._catalog = catalog or load_catalog(price_override_file())
        secrets = _secret_store(self.provider, api_key, env)
        self._router = ProviderRouter(provider_factory(secrets, self._catalog, env))
        self._planner = Planner(self.provider, dict(options or {}), self.output_dir, self._catalog)
        self._tokens: set[CancelToken] = set()
        self._tokens_lock = threading.Lock()

    @property
    def provider_name(self) -> str:
        """The public name of the client's provider."""
        return public_name(self.provider)

    def ledger(self) -> Ledger:
        return ledger_for(self.output_dir / LEDGER_NAME)

    def _budget(self, budget_usd: float | None) -> float | None:
        """A call's budget: its own ``budget_usd`` (checked), else the client's."""
        return self.budget_usd if budget_usd is None else _checked_budget(budget_usd)

    # -- checks and prices --------------------------------------------------------------------

    def validate_config(self, config: VideoConfig) -> None:
        """Raise `ValidationError` (naming the field and allowed values) for a config the
        provider's model cannot render; sends nothing."""
        self._planner.validate(config)

    def estimate_cost(self, config: VideoConfig) -> VideoCost:
        """What ``config`` will cost, by the app's price table (``imageai video estimate``).

        Raises:
            ValidationError: the config is invalid.
        """
        self.validate_config(config)
        row = self._planner.cost(self._planner.project(config, self._planner.key(config)))
        return VideoCost(
            usd=row.usd,
            usd_per_second=row.usd_per_second,
            seconds=row.seconds,
            model=row.model,
            provider=self.provider_name,
            price_verified=row.price_verified,
            price_source=row.price_source,
        )

    # -- generating ---------------------------------------------------------------------------

    def generate_video(
        self,
        config: VideoConfig,
        *,
        on_progress: Callable[[VideoProgress], None] | None = None,
        cancel: CancelToken | None = None,
        resend_unknown: bool = False,
        budget_usd: float | None = None,
    ) -> VideoResult:
        """Make one video and wait for it; failures come back as the result's ``error``.

        Args:
            on_progress: called (on a worker thread) with each `VideoProgress`.
            cancel: a token whose ``cancel()`` stops the job (its created job stays resumable).
            resend_unknown: create again a video whose earlier create may have been billed
                (its answer was lost and the provider cannot look it up).
            budget_usd: the budget for this call instead of the client's (None: the client's).

        Raises:
            ValidationError: ``budget_usd`` is negative, NaN or infinite.
        """
        return self.generate_batch(
            [config],
            concurrency=1,
            on_progress=on_progress,
            cancel=cancel,
            resend_unknown=resend_unknown,
            budget_usd=budget_usd,
        )[0]

    def generate_batch(
        self,
        configs: Sequence[VideoConfig],
        concurrency: int = 2,
        *,
        on_progress: Callable[[VideoProgress], None] | None = None,
        cancel: CancelToken | None = None,
        resend_unknown: bool = False,
        budget_usd: float | None = None,
    ) -> list[VideoResult]:
        """Make several videos, never more than ``concurrency`` at once; results in order.

        New creates that do not fit the budget (``budget_usd`` for this call, or the client's
        when None) fail with error kind ``budget`` before any is sent; jobs already paid for
        always run.

        Raises:
            ValidationError: ``concurrency`` is below 1, ``budget_usd`` is negative, NaN or
                infinite, or another process is making videos in the same output folder
                (`ProjectLockedError`).
        """
        if not isinstance(concurrency, int) or concurrency < 1:
            raise ValidationError("concurrency", "must be a whole number of at least 1")
        budget = self._budget(budget_usd)
        token = cancel or CancelToken()
        with self._tokens_lock:
            self._tokens.add(token)
        try:
            return run_batch(
                self._planner,
                self._router,
                self.ledger(),
                list(configs),
                concurrency=concurrency,
                cancel=token.event,
                budget_usd=budget,
                on_progress=on_progress,
                resend_unknown=resend_unknown,
            )
        finally:
            with self._tokens_lock:
                self._tokens.discard(token)

    async def generate_video_async(
        self,
        config: VideoConfig,
        *,
        on_progress: Callable[[VideoProgress], None] | None = None,
        cancel: CancelToken | None = None,
        resend_unknown: bool = False,
        budget_usd: float | None = None,
    ) -> VideoResult:
        """`generate_video` for asyncio: runs in a thread; ``on_progress`` runs on the loop.

        Cancelling the awaiting task cancels the job (its created job stays resumable).
        """
        results = await self.generate_batch_async(
            [config],
            1,
            on_progress=on_progress,
            cancel=cancel,
            resend_unknown=resend_unknown,
            budget_usd=budget_usd,
        )
        return results[0]

    async def generate_batch_async(
        self,
        configs: Sequence[VideoConfig],
        concurrency: int = 2,
        *,
        on_progress: Callable[[VideoProgress], None] | None = None,
        cancel: CancelToken | None = None,
        resend_unknown: bool = False,
        budget_usd: float | None = None,
    ) -> list[VideoResult]:
        """`generate_batch` for asyncio, without blocking the event loop."""
        self._budget(budget_usd)  # a bad budget raises here, not in the thread
        token = cancel or CancelToken()
        report = aio.on_loop(on_progress)
        return await aio.in_thread(
            lambda: self.generate_batch(
                configs,
                concurrency,
                on_progress=report,
                cancel=token,
                resend_unknown=resend_unknown,
                budget_usd=budget_usd,
            ),
            token,
        )

    def cancel(self) -> None:
        """Cancel every generation of this client still running (from any thread)."""
        with self._tokens_lock:
            tokens = list(self._tokens)
        for token in tokens:
            token.cancel()

    # -- remix and list -----------------------------------------------------------------------

    def remix_video(
        self,
        source: VideoResult,
        prompt: str,
        *,
        on_progress: Callable[[VideoProgress], None] | None = None,
        cancel: CancelToken | None = None,
        budget_usd: float | None = None,
    ) -> VideoResult:
        """A new video changing ``source`` as ``prompt`` says: an Omni edit, or a
        ``/v1/videos`` remix. Journalled, priced (as the source's shot) and budgeted like any
        create; run again, it resumes or reuses the same remix instead of paying again.

        Args:
            budget_usd: the budget for this call instead of the client's (None: the client's).

        Raises:
            ValidationError: the provider or model cannot remix, ``source`` did not succeed,
                the prompt is empty, or ``budget_usd`` is negative, NaN or infinite.
        """
        budget = self._budget(budget_usd)
        token = cancel or CancelToken()
        with self._tokens_lock:
            self._tokens.add(token)
        try:
            return remix.remix(
                self._planner,
                self._router,
                self.ledger(),
                source,
                prompt,
                cancel=token.event,
                budget_usd=budget,
                on_progress=on_progress,
            )
        finally:
            with self._tokens_lock:
                self._tokens.discard(token)

    edit = remix_video

    def list_videos(self, limit: int = 20) -> list[VideoInfo]:
        """The account's recent videos, newest first (``openai-videos`` only: Omni and Veo
        have no list endpoint).

        Raises:
            ValidationError: the provider cannot list.
            ProviderError: the endpoint refused or could not be reached.
        """
        return remix.list_videos(self._planner, self._router, limit)

    # -- lifetime -----------------------------------------------------------------------------

    def close(self) -> None:
        """Cancel what still runs and close the provider's connections."""
        self.cancel()
        self._router.close()

    def __enter__(self) -> VideoClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
