"""What every command needs: catalog, secrets and provider router, built from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass

from imageai.core.catalog import Catalog, load_catalog
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
