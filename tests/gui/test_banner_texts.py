"""The error banner tells the truth: a rate-limited job waits for the user; the retired
endpoint's advice points at a field this window has."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from PySide6.QtWidgets import QFormLayout, QLabel

from imageai.core.errors import ErrorKind, JobError
from imageai.core.models import ProviderName
from imageai.gui.video.error_banner import ErrorBanner
from imageai.gui.video.provider_selector import ProviderSelectorWidget
from imageai.services.error_advice import advise

if TYPE_CHECKING:
    from collections.abc import Callable

    from pytestqt.qtbot import QtBot

    from imageai.services.video_workspace import VideoWorkspace

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


def test_rate_limit_banner_says_the_job_waits_for_retry(qtbot: QtBot) -> None:
    banner = ErrorBanner()
    qtbot.add_widget(banner)
    error = JobError(
        kind=ErrorKind.RATE_LIMIT,
        user_message="OpenAI rate limit reached; retrying later.",
        retry_after=20.0,
    )
    banner.show_advice(advise(error, "Scene 1"))
    text = banner.message.text()
    assert "retrying later" not in text
    assert "waits for you" in text
    assert "Retry is possible from " in text
    assert banner.action_button.text() == "Retry in 20 s"
    assert not banner.action_button.isEnabled()


def test_retirement_banner_names_a_provider_and_field_that_exist(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace]
) -> None:
    ws = make_workspace()
    selector = ProviderSelectorWidget(ws)
    qtbot.add_widget(selector)
    error = JobError(kind=ErrorKind.NOT_FOUND, user_message="The route does not exist.")
    text = advise(error, "Scene 1", ProviderName.SORA).message
    provider = selector.combo.itemText(selector.combo.findData("sora"))
    assert f"“{provider}”" in text
    form = selector.controls[ProviderName.SORA].form
    assert isinstance(form, QFormLayout)
    field = selector.controls[ProviderName.SORA].endpoint_edit  # type: ignore[attr-defined]
    label = form.labelForField(field)
    assert isinstance(label, QLabel)
    assert f"“{label.text()}”" in text
