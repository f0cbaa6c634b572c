"""Which video provider a new project starts on: Gemini Omni with a Gemini key, else the animatic."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Slot

from imageai.core.models import ProviderName
from imageai.core.secrets import KeyName, KeySource, lookup_key

if TYPE_CHECKING:
    from collections.abc import Mapping

    from imageai.core.secrets import SecretStore
    from imageai.services.key_check_service import KeyCheckService
    from imageai.services.video_workspace import VideoWorkspace


def default_provider(google_key: bool) -> ProviderName:
    """Omni renders with a Gemini key alone; without one only the free animatic works at once.

    (Veo needs a Google Cloud project, and OpenAI's own endpoint no longer serves Sora.)
    """
    return ProviderName.OMNI if google_key else ProviderName.ANIMATIC


def default_provider_for(
    secrets: SecretStore, environ: Mapping[str, str] | None = None
) -> ProviderName:
    """From the environment and the key store; the store may block: not on the GUI thread."""
    key, _source, _var = lookup_key(
        secrets, KeyName.GOOGLE, None if environ is None else dict(environ)
    )
    return default_provider(key is not None)


class NewProjectDefaults(QObject):
    """Gives the workspace its new-project provider from the keys the `KeyCheckService` knows.

    The environment is read at once; the keyring on the key service's job thread, after which
    the empty, untouched project the app started with moves to the provider the keys allow.
    """

    def __init__(
        self, workspace: VideoWorkspace, keys: KeyCheckService, parent: QObject | None = None
    ) -> None:
        super().__init__(parent or workspace)
        self._ws = workspace
        self._keys = keys
        workspace.new_project_provider = self.provider
        keys.sources_changed.connect(self._on_keys_sources_changed)
        self._adopt()
        keys.refresh_sources()

    def provider(self) -> ProviderName:
        source, _var = self._keys.source(KeyName.GOOGLE)
        return default_provider(source is not KeySource.NONE)

    def _adopt(self) -> None:
        """Only a project nobody has touched yet changes provider under the user."""
        doc = self._ws.document
        pristine = (
            doc.folder is None
            and not doc.dirty
            and not doc.project.scenes
            and self._ws.editor.undo_stack.count() == 0
        )
        if pristine:
            project = doc.project.model_copy(update={"provider": self.provider()})
            doc.set_project(project, dirty=False)

    @Slot()
    def _on_keys_sources_changed(self) -> None:
        self._adopt()
