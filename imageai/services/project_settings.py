"""Project-level settings as the dialog edits them: parse, validate, list what changed (no Qt)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from imageai.core.errors import ValidationError

if TYPE_CHECKING:
    from imageai.core.models import Project


def parse_budget(text: str) -> float | None:
    """``""`` means no budget; otherwise a non-negative amount in USD (a leading ``$`` is fine)."""
    cleaned = text.strip().removeprefix("$").replace(",", "").strip()
    if not cleaned:
        return None
    try:
        value = float(cleaned)
    except ValueError:
        raise ValidationError(
            "budget_usd", f"{text.strip()!r} is not an amount; enter e.g. 25 or 12.50"
        ) from None
    if value != value or value in (float("inf"), float("-inf")):
        raise ValidationError("budget_usd", "enter a finite amount")
    if value < 0:
        raise ValidationError("budget_usd", "it cannot be negative; leave it empty for no budget")
    return round(value, 2)


def settings_changes(
    project: Project, *, title: str, style: str, budget_text: str, chain_scenes: bool
) -> dict[str, Any]:
    """The fields that differ from ``project``; raises `ValidationError` for a bad budget."""
    wanted: dict[str, Any] = {
        "title": title.strip() or "Untitled",
        "style": style.strip(),
        "budget_usd": parse_budget(budget_text),
        "chain_scenes": chain_scenes,
    }
    return {k: v for k, v in wanted.items() if getattr(project, k) != v}


def budget_text(budget_usd: float | None) -> str:
    """How the budget field shows a stored budget."""
    return "" if budget_usd is None else f"{budget_usd:.2f}"
