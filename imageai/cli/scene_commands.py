"""`imageai video scene DIR N`: show or set one scene's continuity and audio direction."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from imageai.cli.context import project_for_writing
from imageai.cli.exit_codes import ExitCode
from imageai.cli.sora_jobs import scene_at
from imageai.core import project_store
from imageai.core.catalog import load_catalog
from imageai.core.errors import ValidationError
from imageai.core.models import OmniContinuity, ProviderName
from imageai.core.paths import price_override_file

if TYPE_CHECKING:
    import argparse

    from imageai.core.catalog import Catalog
    from imageai.core.models import Project, Scene

#: Longest audio direction accepted: it becomes part of the prompt.
MAX_AUDIO_CHARS = 300


def clean_audio(text: str) -> str:
    """The audio direction as stored: one line, trimmed, at most `MAX_AUDIO_CHARS`."""
    cleaned = text.strip()
    if any(ch in cleaned for ch in "\r\n\t") or not cleaned.isprintable():
        raise ValidationError("audio", "the audio direction must be one line of plain text")
    if len(cleaned) > MAX_AUDIO_CHARS:
        raise ValidationError(
            "audio", f"the audio direction is {len(cleaned)} characters; at most {MAX_AUDIO_CHARS}"
        )
    return cleaned


def check_continuity(catalog: Catalog, project: Project, scene: Scene, number: int) -> None:
    """Refuse an extend the scene's provider, model or place cannot render (exit 2)."""
    if scene.continuity is OmniContinuity.NONE:
        return
    provider = project.provider_for(scene)
    if provider is not ProviderName.OMNI:
        raise ValidationError(
            "continuity",
            f"scene {number} renders with {provider.value}; only Gemini Omni can extend the "
            "previous scene's clip (switch the scene or project to omni first)",
        )
    if number == 1:
        raise ValidationError(
            "continuity", "scene 1 is the first scene: it has no previous clip to extend"
        )
    model = project.settings.omni.model
    info = catalog.get(ProviderName.OMNI, model)
    if info is None or not info.supports_extend:
        raise ValidationError("continuity", f"scene {number}: {model} cannot extend a clip")


def _row(project: Project, scene: Scene, number: int) -> dict[str, Any]:
    return {
        "scene": scene.id,
        "index": number,
        "provider": project.provider_for(scene).value,
        "continuity": scene.continuity.value,
        "audio": scene.audio_direction,
    }


def cmd_scene(args: argparse.Namespace) -> int:
    folder: Path = args.dir
    changes: dict[str, Any] = {}
    if args.continuity is not None:
        changes["continuity"] = OmniContinuity(args.continuity)
    if args.audio is not None:
        changes["audio_direction"] = clean_audio(args.audio)
    if not changes:
        project = project_store.load(folder)
        scene = scene_at(project, args.number)
    else:
        # A render in another process saves the project as it goes: do not race it.
        with project_for_writing(folder, "scene edit") as project:
            scene = scene_at(project, args.number).model_copy(update=changes)
            project = project.with_scene(scene)
            check_continuity(load_catalog(price_override_file()), project, scene, args.number)
            project_store.save(project, folder)
        if scene.audio_direction and project.provider_for(scene) is not ProviderName.OMNI:
            print(
                f"Note: scene {args.number} renders with {project.provider_for(scene).value}; "
                "only Gemini Omni uses the audio direction.",
                file=sys.stderr,
            )
    row = _row(project, scene, args.number)
    if args.json:
        print(json.dumps(row))
    else:
        audio = row["audio"] or "(none)"
        print(
            f"Scene {args.number} ({row['provider']}): continuity {row['continuity']}, "
            f"audio {audio}"
        )
    return ExitCode.OK


def add_parsers(vsub: Any) -> None:
    scene = vsub.add_parser(
        "scene", help="show or set a scene's continuity (Omni extend) and audio direction"
    )
    scene.add_argument("dir", type=Path)
    scene.add_argument("number", type=int, help="scene number (1-based)")
    scene.add_argument(
        "--continuity",
        choices=[c.value for c in OmniContinuity],
        help="extend: continue the previous scene's clip (Gemini Omni); none: start afresh",
    )
    scene.add_argument("--audio", help='what the sound should be, e.g. "no dialogue"; "" clears it')
    scene.add_argument("--json", action="store_true")
    scene.set_defaults(func=cmd_scene)
