"""What every command needs: catalog, secrets and provider router, built from the environment."""

from __future__ import annotations

import argparse
import contextlib
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

from imageai.core import project_store
from imageai.core.catalog import Catalog, load_catalog
from imageai.core.errors import ValidationError
from imageai.core.money import parse_money
from imageai.core.paths import price_override_file
from imageai.core.project_lock import ProjectLockedError, acquire_project, release_project
from imageai.core.secrets import InMemorySecretStore, KeyringSecretStore, SecretStore
from imageai.providers.factory import provider_factory
from imageai.providers.router import ProviderRouter

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from imageai.core.models import Project


@dataclass
class CliContext:
    catalog: Catalog
    secrets: SecretStore
    router: ProviderRouter


def build_context() -> CliContext:
    catalog = load_catalog(price_override_file())
    # IMAGEAI_NO_KEYRING: for CI and scripted runs where only environment keys should count.
    secrets: SecretStore = (
        InMemorySecretStore() if os.environ.get("IMAGEAI_NO_KEYRING") else KeyringSecretStore()
    )
    router = ProviderRouter(provider_factory(secrets, catalog))
    return CliContext(catalog=catalog, secrets=secrets, router=router)


def money(text: str) -> float:
    """The argparse type of every USD argument: a finite amount, 0 or more (else exit 2)."""
    try:
        return parse_money(text, "usd")
    except ValidationError as exc:
        raise argparse.ArgumentTypeError(exc.message) from None


@contextlib.contextmanager
def project_for_writing(folder: Path, what: str) -> Iterator[Project]:
    """Hold ``folder``'s project lock for the block and yield the project loaded after taking it.

    Every command that writes ``project.json`` (or the ledger) goes through here: a render in
    another process saves the project as it goes, so writing beside it would lose one side's
    work. Loading after the lock sees whatever that render saved before it let go.

    Raises:
        ValidationError: another process holds the lock (exit 2), or the folder holds no project.
    """
    if not project_store.project_file(folder).is_file():
        project_store.load(folder)  # raises the clear "no such project" error; no lock made
    try:
        acquire_project(folder, what)
    except ProjectLockedError as exc:
        raise ValidationError(
            "project",
            f"{folder} is in use by another ImageAI process ({exc.holder}); not changing it "
            f"({what}) while that process saves it too. Run this again once it has finished.",
        ) from exc
    try:
        yield project_store.load(folder)
    finally:
        release_project(folder)
