"""Every `JobError.kind` gets a message and the right action; the text is never parsed."""

from __future__ import annotations

import pytest

from imageai.core.catalog import default_catalog
from imageai.core.errors import ErrorKind, JobError
from imageai.core.models import Project, ProviderName, Scene
from imageai.services.error_advice import (
    DEFAULT_RATE_LIMIT_WAIT,
    ErrorAction,
    advise,
    advise_remix,
    successor_move,
)


def _error(kind: ErrorKind, retry_after: float | None = None) -> JobError:
    return JobError(kind=kind, user_message="Provider says no.", retry_after=retry_after)


@pytest.mark.parametrize(
    ("kind", "action"),
    [
        (ErrorKind.RATE_LIMIT, ErrorAction.RETRY),
        (ErrorKind.CONTENT_POLICY, ErrorAction.EDIT_PROMPT),
        (ErrorKind.AUTH, ErrorAction.OPEN_KEYS),
        (ErrorKind.PERMISSION, ErrorAction.OPEN_KEYS),
        (ErrorKind.NETWORK, ErrorAction.RETRY),
        (ErrorKind.TIMEOUT, ErrorAction.RETRY),
        (ErrorKind.INVALID_REQUEST, ErrorAction.EDIT_PROMPT),
        (ErrorKind.QUOTA, ErrorAction.NONE),
        (ErrorKind.BUDGET, ErrorAction.NONE),
        (ErrorKind.OUTCOME_UNKNOWN, ErrorAction.RETRY),
        (ErrorKind.UNKNOWN, ErrorAction.RETRY),
        (ErrorKind.NOT_FOUND, ErrorAction.NONE),
        (ErrorKind.STORAGE, ErrorAction.RETRY),
        (ErrorKind.BAD_CLIP, ErrorAction.RETRY),
    ],
)
def test_each_kind_offers_its_action(kind: ErrorKind, action: ErrorAction) -> None:
    advice = advise(_error(kind), "Scene 2")
    assert advice.action is action
    if kind is not ErrorKind.RATE_LIMIT:  # its own sentence: the provider's may promise a retry
        assert "Provider says no." in advice.message
    assert bool(advice.action_label) == (action is not ErrorAction.NONE)


def test_rate_limit_counts_down_from_retry_after_or_a_default() -> None:
    assert advise(_error(ErrorKind.RATE_LIMIT, 7.4)).countdown_s == 7
    assert advise(_error(ErrorKind.RATE_LIMIT)).countdown_s == DEFAULT_RATE_LIMIT_WAIT


def test_content_policy_suggests_editing_the_prompt() -> None:
    advice = advise(_error(ErrorKind.CONTENT_POLICY), "Scene 3")
    assert advice.message == "Scene 3: Provider says no. Edit the prompt and render again."


def test_sora_not_found_offers_retargeting() -> None:
    advice = advise(_error(ErrorKind.NOT_FOUND), provider=ProviderName.SORA)
    assert advice.action is ErrorAction.RETARGET


@pytest.mark.parametrize(
    ("kind", "hint"),
    [
        (ErrorKind.CONTENT_POLICY, "Change the remix prompt and remix again."),
        (ErrorKind.NETWORK, "Remix again to retry"),
        (ErrorKind.RATE_LIMIT, "Remix again to retry"),
    ],
)
def test_remix_advice_never_offers_a_render_retry(kind: ErrorKind, hint: str) -> None:
    advice = advise_remix(_error(kind, 5), "Scene 1", ProviderName.SORA)
    assert advice.action is ErrorAction.NONE
    assert advice.countdown_s == 0
    assert advice.message.startswith("Scene 1 remix")
    assert hint in advice.message
    assert "render again" not in advice.message


def test_remix_advice_keeps_the_keys_and_retarget_actions() -> None:
    assert advise_remix(_error(ErrorKind.AUTH)).action is ErrorAction.OPEN_KEYS
    retired = advise_remix(_error(ErrorKind.NOT_FOUND), provider=ProviderName.SORA)
    assert retired.action is ErrorAction.RETARGET


def test_successor_move_finds_the_provider_and_what_moves() -> None:
    project = Project(
        provider=ProviderName.VEO,
        scenes=(Scene(id="a", prompt="x"), Scene(id="b", prompt="y", provider=ProviderName.SORA)),
    )
    catalog = default_catalog()
    gone = JobError(
        kind=ErrorKind.NOT_FOUND, user_message="gone", successor="gemini-omni-1.2-flash"
    )
    advice = advise(gone, "Scene 1", ProviderName.VEO)
    assert advice.successor == "gemini-omni-1.2-flash"
    # A scene on the project's provider: the whole project moves, as the advice says.
    assert successor_move(catalog, project, "a", "gemini-omni-1.2-flash") == (
        [],
        ("omni", "gemini-omni-1.2-flash"),
    )
    # A scene with a provider of its own moves alone; an id the table lacks stays on its provider.
    assert successor_move(catalog, project, "b", "wan-2.6") == (["b"], ("sora", "wan-2.6"))
    assert successor_move(catalog, project, "deleted", "x-1") == ([], ("veo", "x-1"))


def test_a_ledger_write_failure_is_titled_for_what_it_is() -> None:
    assert advise(_error(ErrorKind.STORAGE), "Scene 2").title == "Cannot write the project"


def test_a_clip_that_failed_its_check_offers_a_retry_that_downloads_again() -> None:
    advice = advise(_error(ErrorKind.BAD_CLIP), "Scene 2")
    assert advice.title == "Bad download"
    assert advice.action is ErrorAction.RETRY


def test_rate_limit_says_the_job_waits_for_the_user_not_that_it_retries() -> None:
    error = JobError(
        kind=ErrorKind.RATE_LIMIT,
        user_message="OpenAI rate limit reached; retrying later.",
        retry_after=42.0,
    )
    advice = advise(error, "Scene 2")
    assert "retrying later" not in advice.message
    assert "not retried automatically and waits for you" in advice.message
    assert "wait 42 s (Retry-After)" in advice.message
    assert "press Retry" in advice.message
    no_hint = advise(error.model_copy(update={"retry_after": None}), "Scene 2")
    assert f"wait at least {DEFAULT_RATE_LIMIT_WAIT} s" in no_hint.message
    remix = advise_remix(error, "Scene 2")
    assert "press Retry" not in remix.message and "remix again" in remix.message


def test_the_retired_endpoint_advice_names_the_field_the_window_has() -> None:
    advice = advise(_error(ErrorKind.NOT_FOUND), provider=ProviderName.SORA)
    assert "Settings > Sora" not in advice.message
    assert "“OpenAI-compatible endpoint (/v1/videos)”" in advice.message
    assert "“Base URL”" in advice.message
