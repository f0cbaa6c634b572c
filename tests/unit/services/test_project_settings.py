"""Project settings parsing: budget text and the changed fields."""

from __future__ import annotations

import pytest

from imageai.core.errors import ValidationError
from imageai.core.models import Project
from imageai.services.project_settings import budget_text, parse_budget, settings_changes


@pytest.mark.parametrize(
    ("text", "value"), [("", None), ("  ", None), ("0", 0.0), ("$1,250.5", 1250.5), ("3", 3.0)]
)
def test_parse_budget_accepts_amounts_and_empty(text: str, value: float | None) -> None:
    assert parse_budget(text) == value


@pytest.mark.parametrize("text", ["-0.01", "abc", "nan", "inf"])
def test_parse_budget_refuses_negative_and_non_numbers(text: str) -> None:
    with pytest.raises(ValidationError) as info:
        parse_budget(text)
    assert info.value.field == "budget_usd"


def test_settings_changes_lists_only_what_differs() -> None:
    project = Project(title="A", budget_usd=5.0)
    changes = settings_changes(
        project, title=" A ", style="", budget_text=budget_text(5.0), chain_scenes=True
    )
    assert changes == {"chain_scenes": True}
    assert settings_changes(project, title="", style="", budget_text="5", chain_scenes=False) == {
        "title": "Untitled"
    }
