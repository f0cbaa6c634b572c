"""The names a user reads for each video provider (projects keep the `ProviderName` values)."""

from __future__ import annotations

from imageai.core.models import ProviderName
from imageai.core.videos_endpoint import VIDEOS_ENDPOINT_LABEL, VIDEOS_ENDPOINT_SHORT

#: Full names, for lists the user picks from.
PROVIDER_LABELS = {
    ProviderName.ANIMATIC: "Animatic",
    ProviderName.OMNI: "Gemini Omni",
    ProviderName.VEO: "Veo 3.1 (Vertex AI)",
    # The value stays "sora" in saved projects; the protocol now serves any compatible endpoint.
    ProviderName.SORA: VIDEOS_ENDPOINT_LABEL,
}
#: Short names, where room is scarce (a scene card's badge, a one-line report).
SHORT_NAMES = {
    ProviderName.ANIMATIC: "Animatic",
    ProviderName.OMNI: "Omni",
    ProviderName.VEO: "Veo",
    ProviderName.SORA: VIDEOS_ENDPOINT_SHORT,
}


def short_name(provider: ProviderName | str) -> str:
    """The short name of ``provider`` (a `ProviderName` or its value); an unknown value as is."""
    try:
        return SHORT_NAMES[ProviderName(provider)]
    except ValueError:
        return str(provider)
