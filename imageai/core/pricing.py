"""Cost estimates from the price table, before any money is spent."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict

from imageai.core.catalog import Catalog, PriceRule, default_catalog
from imageai.core.errors import ValidationError
from imageai.core.models import Project, ProviderName, RenderState
from imageai.core.shot import ShotSpec, resolve
from imageai.core.validation import validate_spec

if TYPE_CHECKING:
    from collections.abc import Collection


class SceneCost(BaseModel):
    """One scene's share of an estimate."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    index: int
    provider: ProviderName
    model: str
    seconds: int
    usd_per_second: float
    usd: float
    already_rendered: bool = False
    error: str | None = None
    #: False when no vendor page confirmed the rate (the table's ``verified = false``).
    price_verified: bool = True
    price_source: str = ""

    def formula(self) -> str:
        """E.g. ``8 s x $0.10/s = $0.80``."""
        if self.already_rendered:
            return "rendered: $0.00 more"
        # Some rates have a third decimal (Omni 1.2: $0.105/s); rounding it would not add up.
        rate = self.usd_per_second
        shown = f"{rate:.2f}" if round(rate, 2) == rate else f"{rate:.3f}"
        return f"{self.seconds} s x ${shown}/s = ${self.usd:.2f}"


class CostEstimate(BaseModel):
    """Total and per-scene cost of rendering some scenes of a project."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    scenes: tuple[SceneCost, ...]

    @property
    def total_usd(self) -> float:
        return round(sum(s.usd for s in self.scenes), 4)

    @property
    def seconds(self) -> int:
        return sum(s.seconds for s in self.scenes if not s.already_rendered)

    def summary(self) -> str:
        """E.g. ``12 scenes, 96 s: $9.60``."""
        count = sum(1 for s in self.scenes if not s.already_rendered)
        noun = "scene" if count == 1 else "scenes"
        return f"{count} {noun}, {self.seconds} s: ${self.total_usd:.2f}"

    @property
    def unverified(self) -> bool:
        """Some scene still to render is priced at a rate no vendor page confirmed."""
        return any(not s.price_verified for s in self.scenes if not s.already_rendered)


def price_rule(catalog: Catalog, spec: ShotSpec) -> PriceRule:
    """The price rule a valid shot is billed by; raises for an invalid one."""
    info = validate_spec(catalog, spec)
    return info.price_rule(spec.size, spec.resolution, spec.audio)


def price_per_second(catalog: Catalog, spec: ShotSpec) -> float:
    return price_rule(catalog, spec).usd_per_second


def estimate(
    project: Project, scenes: list[str] | None = None, catalog: Catalog | None = None
) -> CostEstimate:
    """Cost of rendering ``scenes`` (ids; default all). Rendered scenes cost nothing more.

    A scene whose settings are invalid is listed with its error and a cost of 0, so the GUI can
    show the estimate and the problem side by side.
    """
    catalog = catalog or default_catalog()
    rows: list[SceneCost] = []
    for index, scene in enumerate(project.scenes):
        if scenes is not None and scene.id not in scenes:
            continue
        spec = resolve(project, scene)
        done = scene.state is RenderState.DONE
        error: str | None = None
        verified, source = True, ""
        try:
            rule = price_rule(catalog, spec)
            rate, verified, source = rule.usd_per_second, rule.verified, rule.source
        except (ValidationError, LookupError, ValueError) as exc:
            rate, error = 0.0, str(exc)
        usd = 0.0 if done else round(rate * spec.seconds, 4)
        rows.append(
            SceneCost(
                id=scene.id,
                index=index + 1,
                provider=spec.provider,
                model=spec.model,
                seconds=spec.seconds,
                usd_per_second=rate,
                usd=usd,
                already_rendered=done,
                error=error,
                price_verified=verified,
                price_source=source,
            )
        )
    return CostEstimate(scenes=tuple(rows))


def as_new_takes(project: Project, scene_ids: Collection[str]) -> Project:
    """``project`` with the done scenes among ``scene_ids`` priced as new creates: a render
    again pays in full, where the estimate counts a done scene as $0 more. The render planner
    and the cost line (a changed scene's new take) both price it so."""
    again = frozenset(scene_ids)
    scenes = tuple(
        s.model_copy(update={"state": RenderState.PENDING})
        if s.id in again and s.state is RenderState.DONE
        else s
        for s in project.scenes
    )
    return project.model_copy(update={"scenes": scenes})
