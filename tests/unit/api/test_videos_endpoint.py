"""`VideoClient("openai-videos")` against the in-process fake `/v1/videos` server: remix and list."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from imageai.api import CancelToken, VideoClient, VideoConfig, VideoInfo, VideoResult
from imageai.core.errors import ErrorKind, ProviderError, ValidationError
from imageai.core.ledger import LEDGER_NAME, Ledger
from tests.fakes import fake_server
from tests.fakes.fake_server import FakeConfig, serve

if TYPE_CHECKING:
    import re
    from collections.abc import Callable, Iterator
    from pathlib import Path

    from imageai.api import VideoProgress
    from tests.fakes.fake_server import FakeRequest, FakeResponse, FakeState

KEY = "sk-api-videos"
FOX = VideoConfig(prompt="A red fox in snow", seconds=4, size="1280x720")
#: Sora 2 Pro at high resolution: $0.50/s, five times Sora 2's $0.10/s.
PRO = VideoConfig(prompt="A red fox in snow", model="sora-2-pro", seconds=4, size="1792x1024")


@pytest.fixture
def fake() -> Iterator[Any]:
    server = serve(port=0, config=FakeConfig(generation_seconds=0.2, valid_keys=[KEY]))
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def client(fake: Any, tmp_path: Path) -> Iterator[Callable[..., VideoClient]]:
    """Clients on the fake (closed before it stops), all writing to one output folder."""
    made: list[VideoClient] = []

    def make(**kwargs: Any) -> VideoClient:
        url = f"http://127.0.0.1:{fake.server_address[1]}/v1"
        made.append(
            VideoClient(
                "openai-videos",
                api_key=KEY,
                output_dir=tmp_path / "out",
                options={"base_url": url},
                environ={},
                **kwargs,
            )
        )
        return made[-1]

    yield make
    for one in made:
        one.close()


def _ledger(tmp_path: Path) -> Ledger:
    return Ledger(tmp_path / "out" / LEDGER_NAME)


def _billed(fake: Any) -> int:
    return int(fake.state.stats.get("creates_billed", 0))


def _source(make: Callable[..., VideoClient], config: VideoConfig = FOX) -> VideoResult:
    result = make().generate_video(config)
    assert result.success, result.error
    return result


def _on_remix_request(
    monkeypatch: pytest.MonkeyPatch, before: Callable[[FakeRequest], None]
) -> None:
    """Call ``before`` as each remix create reaches the fake, before it is answered."""
    for i, (method, pattern, handler, create) in enumerate(fake_server.ROUTES):
        if method == "POST" and pattern.pattern.endswith("/remix$"):

            def hooked(
                state: FakeState,
                request: FakeRequest,
                match: re.Match[str],
                handler: Any = handler,
            ) -> FakeResponse:
                before(request)
                return handler(state, request, match)  # type: ignore[no-any-return]

            routes = list(fake_server.ROUTES)
            routes[i] = (method, pattern, hooked, create)
            monkeypatch.setattr(fake_server, "ROUTES", routes)
            return
    raise AssertionError("the fake has no remix route")


# -- remix ------------------------------------------------------------------------------------


def test_remix_is_journalled_before_it_is_sent(
    fake: Any, client: Callable[..., VideoClient], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = _source(client)
    at_send: list[list[tuple[str, str | None]]] = []
    _on_remix_request(
        monkeypatch,
        lambda _: at_send.append([(e.event, e.job_id) for e in _ledger(tmp_path).entries()]),
    )
    remix = client().remix_video(source, "Make it night")
    assert remix.success, remix.error
    (seen,) = at_send
    # On disk when the create arrived: the source's four lines, then the remix's intent alone.
    assert seen[-1] == ("intent", None)
    assert [event for event, _ in seen].count("created") == 1
    after = [(e.event, e.job_id) for e in _ledger(tmp_path).entries()][len(seen) :]
    assert after[0] == ("created", remix.job_id)
    assert remix.job_id != source.job_id
    assert fake.state.jobs[remix.job_id].params["remixed_from_video_id"] == source.job_id
    assert remix.video_path is not None and remix.video_path.is_file()
    assert remix.video_path != source.video_path
    assert remix.config.prompt == "Make it night"
    # Paid now, by this call: a new create, not a resume.
    assert (remix.cost_usd, remix.new_spend_usd) == (pytest.approx(0.4), pytest.approx(0.4))
    assert not remix.resumed and not remix.reused
    assert _billed(fake) == 2


def test_remix_over_the_budget_is_refused_before_anything_is_sent(
    fake: Any, client: Callable[..., VideoClient], tmp_path: Path
) -> None:
    source = _source(client)
    lines = len(_ledger(tmp_path).entries())
    refused = client(budget_usd=0.7).remix_video(source, "Make it night")  # $0.40 + $0.40
    assert refused.error_kind is ErrorKind.BUDGET
    assert not refused.success and refused.job_id is None
    assert _billed(fake) == 1
    assert len(_ledger(tmp_path).entries()) == lines  # not even an intent
    assert client(budget_usd=0.8).remix_video(source, "Make it night").success


def test_remix_is_priced_as_the_source_video(fake: Any, client: Callable[..., VideoClient]) -> None:
    source = _source(client, PRO)
    assert source.cost_usd == pytest.approx(2.0)
    # $2.00 spent + $2.00 for a Pro high-resolution remix > $3.90 (a Sora 2 price would fit).
    refused = client().remix_video(source, "Make it night", budget_usd=3.9)
    assert refused.error_kind is ErrorKind.BUDGET
    assert _billed(fake) == 1
    remix = client().remix_video(source, "Make it night", budget_usd=4.0)
    assert remix.success, remix.error
    assert remix.cost_usd == pytest.approx(2.0)


def test_remix_cancelled_after_its_create_is_resumed_not_paid_again(
    fake: Any, client: Callable[..., VideoClient]
) -> None:
    source = _source(client)
    token = CancelToken()

    def stop_once_created(progress: VideoProgress) -> None:
        if progress.message.startswith("created job"):
            token.cancel()

    first = client().remix_video(
        source, "Make it night", cancel=token, on_progress=stop_once_created
    )
    assert first.cancelled and first.job_id is not None
    assert first.new_spend_usd == pytest.approx(0.4)
    again = client().remix_video(source, "Make it night")
    assert again.success, again.error
    assert again.resumed and again.job_id == first.job_id
    assert again.new_spend_usd == 0.0 and again.cost_usd == pytest.approx(0.4)
    assert _billed(fake) == 2


class _Crash(BaseException):
    """The process dying: nothing after it runs, nothing catches it."""


def test_remix_sent_but_never_recorded_before_a_crash_is_adopted_on_rerun(
    fake: Any, client: Callable[..., VideoClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    source = _source(client)

    def crash(*_: Any) -> None:
        raise _Crash

    # The remix is created and billed on the server; the process dies before the job id is
    # written, so the ledger holds only its intent.
    with monkeypatch.context() as patch:
        patch.setattr(Ledger, "created", crash)
        with pytest.raises(_Crash):
            client().remix_video(source, "Make it night")
    assert _billed(fake) == 2
    (made,) = [j for j in fake.state.jobs.values() if j.params["prompt"] == "Make it night"]
    again = client().remix_video(source, "Make it night")
    assert again.success, again.error
    assert again.job_id == made.id and again.resumed
    assert again.new_spend_usd == 0.0 and again.cost_usd == pytest.approx(0.4)
    assert _billed(fake) == 2


def test_remix_finished_earlier_is_reused_and_sends_nothing(
    fake: Any, client: Callable[..., VideoClient]
) -> None:
    source = _source(client)
    first = client().remix_video(source, "Make it night")
    requests = fake.state.stats["requests"]
    again = client().remix_video(source, "Make it night")
    assert again.success and again.reused
    assert (again.job_id, again.video_path) == (first.job_id, first.video_path)
    assert again.new_spend_usd == 0.0
    assert _billed(fake) == 2
    assert fake.state.stats["requests"] == requests


def test_remix_of_a_failed_result_or_with_an_empty_prompt_is_refused(
    fake: Any, client: Callable[..., VideoClient]
) -> None:
    source = _source(client)
    failed = source.model_copy(update={"success": False, "video_path": None})
    with pytest.raises(ValidationError, match="made successfully"):
        client().remix_video(failed, "Make it night")
    with pytest.raises(ValidationError, match="prompt"):
        client().remix_video(source, "   ")
    assert _billed(fake) == 1


def test_remix_of_a_video_the_server_lost_is_a_not_found_result(
    fake: Any, client: Callable[..., VideoClient]
) -> None:
    source = _source(client)
    assert source.job_id is not None
    with fake.state.lock:
        del fake.state.jobs[source.job_id]
    result = client().remix_video(source, "Make it night")
    assert result.error_kind is ErrorKind.NOT_FOUND
    assert _billed(fake) == 1


# -- list -------------------------------------------------------------------------------------


def test_list_videos_returns_typed_items_newest_first(
    fake: Any, client: Callable[..., VideoClient]
) -> None:
    source = _source(client)
    remix = client().remix_video(source, "Make it night")
    listed = client().list_videos(limit=5)
    assert all(isinstance(v, VideoInfo) for v in listed)
    assert [v.job_id for v in listed] == [remix.job_id, source.job_id]
    newest = listed[0]
    assert (newest.status, newest.model, newest.seconds, newest.size, newest.prompt) == (
        "completed",
        "sora-2",
        4,
        "1280x720",
        "Make it night",
    )
    assert newest.created_at > 0
    assert len(client().list_videos(limit=1)) == 1


def _odd(**fields: Any) -> dict[str, Any]:
    video: dict[str, Any] = {
        "id": "video_odd",
        "object": "video",
        "created_at": 1_796_000_000,
        "status": "completed",
        "progress": 100,
        "model": "sora-2",
        "size": "1280x720",
        "seconds": "4",
        "prompt": "odd",
    }
    for name, value in fields.items():
        if value is _MISSING:
            video.pop(name)
        else:
            video[name] = value
    return video


_MISSING = object()
ODD_VIDEOS = {
    "fractional seconds": _odd(seconds="4.5"),
    "non-numeric seconds": _odd(seconds="four"),
    "negative seconds": _odd(seconds="-4"),
    "seconds missing": _odd(seconds=_MISSING),
    "model missing": _odd(model=_MISSING),
    "created_at missing": _odd(created_at=_MISSING),
    "created_at text": _odd(created_at="yesterday"),
    "status missing": _odd(status=_MISSING),
    "id a list": _odd(id=["x"]),
    "id missing": _odd(id=_MISSING),
    "only an id": {"id": "video_bare"},
    "not an object": "video_string",
    "null": None,
}


@pytest.mark.parametrize("odd", ODD_VIDEOS.values(), ids=ODD_VIDEOS.keys())
def test_an_odd_listed_video_is_a_clear_error_or_left_out_never_a_traceback(
    fake: Any, client: Callable[..., VideoClient], odd: Any
) -> None:
    source = _source(client)
    fake.state.config.listed_extra = [odd]
    refused: list[ProviderError] = []
    try:
        listed = client().list_videos()
    except ProviderError as exc:
        refused.append(exc)
    if refused:  # an error about the endpoint's answer, named as such
        assert "endpoint" in refused[0].user_message
        return
    # Otherwise the readable videos are listed, and whatever is listed is well formed.
    assert source.job_id in [v.job_id for v in listed]
    for video in listed:
        assert isinstance(video.seconds, int) and video.seconds > 0
        assert isinstance(video.job_id, str) and video.job_id
        assert isinstance(video.created_at, float)


def test_a_listed_video_with_fractional_seconds_is_not_under_counted(
    fake: Any, client: Callable[..., VideoClient]
) -> None:
    fake.state.config.listed_extra = [_odd(seconds="4.5")]
    listed = client().list_videos()
    assert [(v.job_id, v.seconds) for v in listed] == [("video_odd", 5)]


def test_list_videos_names_the_provider_errors(
    fake: Any, client: Callable[..., VideoClient]
) -> None:
    fake.state.config.valid_keys = ["sk-someone-else"]
    with pytest.raises(ProviderError) as info:
        client().list_videos()
    assert info.value.kind is ErrorKind.AUTH
    assert KEY not in str(info.value)


def test_list_videos_refuses_a_bad_limit(client: Callable[..., VideoClient]) -> None:
    for limit in (0, -1, True, 2.5):
        with pytest.raises(ValidationError) as info:
            client().list_videos(limit=limit)
        assert info.value.field == "limit"


def test_a_remix_of_the_remix_with_the_same_prompt_is_a_new_video(
    fake: Any, client: Callable[..., VideoClient]
) -> None:
    source = _source(client)
    first = client().remix_video(source, "Make it night")
    second = client().remix_video(first, "Make it night")
    assert second.success, second.error
    assert not second.reused and second.job_id not in (source.job_id, first.job_id)
    assert fake.state.jobs[second.job_id].params["remixed_from_video_id"] == first.job_id
    assert second.video_path not in (source.video_path, first.video_path)
    assert _billed(fake) == 3
    # And that chain, run again, is reused link by link without paying.
    assert client().remix_video(first, "Make it night").job_id == second.job_id
    assert _billed(fake) == 3
