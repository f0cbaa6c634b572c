"""What every command needs: catalog, secrets and provider router, built from the environment."""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass

from imageai.core.catalog import Catalog, load_catalog
from imageai.core.errors import ValidationError
from imageai.core.money import parse_money
from imageai.core.paths import price_override_file
from imageai.core.secrets import InMemorySecretStore, KeyringSecretStore, SecretStore
from imageai.providers.factory import provider_factory
from imageai.providers.router import ProviderRouter


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
