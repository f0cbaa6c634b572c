"""One ledger and one set of held costs per project folder, whatever the path's spelling."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import pytest

from imageai.core.budget import reservations_for
from imageai.core.ledger import LEDGER_NAME, ledger_for

if TYPE_CHECKING:
    from pathlib import Path


def test_every_spelling_of_a_folder_shares_its_reservations(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "film"
    project.mkdir()
    link = tmp_path / "shortcut"
    link.symlink_to(project)
    monkeypatch.chdir(tmp_path)

    held = reservations_for(project)
    held.reserve({"job-1": 0.8})

    for spelling in (
        project,
        link,
        tmp_path / "film" / ".." / "film",
        project.relative_to(tmp_path),
    ):
        assert reservations_for(spelling) is held
        assert reservations_for(spelling).total() == pytest.approx(0.8)
    held.release("job-1")


def test_a_relative_spelling_follows_the_working_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    for parent in (first, second):
        (parent / "film").mkdir(parents=True)
    relative = (first / "film").relative_to(first)

    monkeypatch.chdir(first)
    in_first = reservations_for(relative)
    monkeypatch.chdir(second)
    in_second = reservations_for(relative)

    assert in_first is reservations_for(first / "film")
    assert in_second is reservations_for(second / "film")
    assert in_first is not in_second
    assert os.getcwd() == str(second)


def test_every_spelling_of_a_folder_shares_its_ledger(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "film"
    project.mkdir()
    (tmp_path / "shortcut").symlink_to(project)
    monkeypatch.chdir(tmp_path)
    ledger = ledger_for(project / LEDGER_NAME)

    for folder in (
        tmp_path / "shortcut",
        tmp_path / "film" / ".." / "film",
        project.relative_to(tmp_path),
    ):
        assert ledger_for(folder / LEDGER_NAME) is ledger
    assert ledger.path == project / LEDGER_NAME


def test_a_spelling_follows_its_link_when_the_link_is_pointed_elsewhere(tmp_path: Path) -> None:
    # A "current" link to the project of the day: pointed at another folder while the app
    # runs, its spelling is that folder's now, as every other file the app writes there is.
    first, second = tmp_path / "film-1", tmp_path / "film-2"
    first.mkdir()
    second.mkdir()
    current = tmp_path / "current"
    current.symlink_to(first)
    assert ledger_for(current / LEDGER_NAME).path == first / LEDGER_NAME
    assert reservations_for(current) is reservations_for(first)

    current.unlink()
    current.symlink_to(second)

    assert ledger_for(current / LEDGER_NAME).path == second / LEDGER_NAME
    assert ledger_for(current / LEDGER_NAME) is ledger_for(second / LEDGER_NAME)
    assert reservations_for(current) is reservations_for(second)
    assert reservations_for(current) is not reservations_for(first)
