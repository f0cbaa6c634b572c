"""`WebhookService`: the optional Sora webhook receiver, run from the GUI's settings."""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal, Slot

from imageai.core.project_lock import ProjectLockedError
from imageai.core.webhook_apply import apply_video_event, note_in_ledger

if TYPE_CHECKING:
    from imageai.providers.openai.sora_webhooks import WebhookEvent
    from imageai.providers.openai.webhook_server import WebhookServer
    from imageai.services.project_document import ProjectDocument

log = logging.getLogger(__name__)


class WebhookService(QObject):
    """Receives signed webhooks on a server thread and applies them to the open project.

    Signals:
        running_changed(bool, str): running or not, and a sentence for the settings dialog
        scenes_updated(list): ids of scenes a verified event changed
    """

    running_changed = Signal(bool, str)
    scenes_updated = Signal(list)
    # Emitted on the server's thread; delivered to the GUI thread (queued connection).
    _event_received = Signal(object)

    def __init__(self, document: ProjectDocument, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._doc = document
        self._server: WebhookServer | None = None
        self._event_received.connect(self._on_self_event_received)

    @property
    def running(self) -> bool:
        return self._server is not None

    @property
    def port(self) -> int | None:
        return self._server.port if self._server is not None else None

    def start(self, port: int, secret: str) -> bool:
        """Start listening on 127.0.0.1:``port``; False (and a message) if it cannot."""
        from imageai.providers.openai.sora_webhooks import WebhookSecretError
        from imageai.providers.openai.webhook_server import serve_webhooks

        self.stop()
        if not secret.strip():
            self.running_changed.emit(False, "Enter the webhook signing secret first.")
            return False
        try:
            self._server = serve_webhooks(port, secret.strip(), self._event_received.emit)
        except OSError as exc:
            self.running_changed.emit(False, f"Cannot listen on port {port}: {exc.strerror}.")
            return False
        except WebhookSecretError as exc:  # refused before listening: no open door with no lock
            self.running_changed.emit(False, f"Cannot start: {exc.message}.")
            return False
        self.running_changed.emit(
            True, f"Listening on http://127.0.0.1:{self._server.port}/ for signed Sora webhooks."
        )
        return True

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        # shutdown() waits for the serve loop's next poll: never on the GUI thread.
        threading.Thread(target=server.stop, name="webhook-stop", daemon=True).start()
        self.running_changed.emit(False, "Webhook receiver stopped; polling continues as usual.")

    @Slot(object)
    def _on_self_event_received(self, event: WebhookEvent) -> None:
        if event.video_id is None:
            return
        project, changed = apply_video_event(self._doc.project, event.video_id, event.type)
        if not changed:
            return
        self._doc.set_project(project, dirty=False)
        folder = self._doc.folder
        if folder is not None:
            note_in_ledger(folder, project, changed, event.video_id, event.type)
            try:
                self._doc.save()
            except ProjectLockedError:
                # A render in another process saves the project as it goes and polls the same
                # job: its file is not written over; the window shows the event meanwhile.
                log.info("webhook %s: the project is busy in another process", event.type)
        log.info("webhook %s updated scenes %s", event.type, changed)
        self.scenes_updated.emit(changed)
