"""`priced`: a project priced as `TakeStatuses.priced` prices it, for tests of the cost labels."""

from __future__ import annotations

from typing import TYPE_CHECKING

from imageai.core.catalog import default_catalog
from imageai.core.pricing import as_new_takes, estimate
from imageai.services.take_statuses import Priced

if TYPE_CHECKING:
    from collections.abc import Mapping

    from imageai.core.catalog import Catalog
    from imageai.core.models import Project
    from imageai.core.take_state import TakeStatus


def priced(
    project: Project,
    changed: Mapping[str, TakeStatus] | None = None,
    catalog: Catalog | None = None,
) -> Priced:
    """``project`` with ``changed`` (done scenes changed since their take) priced as new takes."""
    changed = dict(changed or {})
    catalog = catalog or default_catalog()
    return Priced(changed, estimate(as_new_takes(project, changed), catalog=catalog))
