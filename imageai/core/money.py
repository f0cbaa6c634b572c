"""Money as ImageAI reads it: a finite amount of US dollars, 0 or more."""

from __future__ import annotations

import math
from typing import Annotated

from pydantic import Field

from imageai.core.errors import ValidationError

#: A pydantic field type for an amount in USD (a budget, a price, a billed cost): NaN and
#: infinity would switch every budget comparison off, so they are refused where read.
Money = Annotated[float, Field(ge=0, allow_inf_nan=False)]


def parse_money(text: str, field: str) -> float:
    """``text`` as a finite USD amount of 0 or more (a leading ``$`` is fine).

    Raises:
        ValidationError: not a number, not finite, or negative.
    """
    cleaned = text.strip().removeprefix("$").strip()
    try:
        value = float(cleaned)
    except ValueError:
        raise ValidationError(field, f"{text.strip()!r} is not an amount in USD") from None
    if not math.isfinite(value):
        raise ValidationError(field, f"{text.strip()!r} is not a finite amount in USD")
    if value < 0:
        raise ValidationError(field, "an amount in USD cannot be negative")
    return value + 0.0  # -0 reads as 0 (else messages say "$-0.00")
