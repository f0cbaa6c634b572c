"""`StoryboardModel`: the project's scenes as a Qt list model of cards, with drag-and-drop moves."""

from __future__ import annotations

import json
from enum import IntEnum
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractListModel,
    QByteArray,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Slot,
)

from imageai.core.models import RenderState
from imageai.core.provider_names import short_name
from imageai.core.shot import resolve
from imageai.core.takes import current_take, list_takes
from imageai.services.cost_summary import price_tip
from imageai.services.take_statuses import TakeStatuses

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from imageai.core.catalog import Catalog
    from imageai.core.models import Project, Scene
    from imageai.core.pricing import SceneCost
    from imageai.core.take_state import TakeStatus
    from imageai.services.project_document import ProjectDocument
    from imageai.services.storyboard_commands import StoryboardEditor

MIME_TYPE = "application/x-imageai-scene-ids"
EXCERPT_CHARS = 90
_Index = QModelIndex | QPersistentModelIndex


class SceneRole(IntEnum):
    ID = Qt.ItemDataRole.UserRole + 1
    NUMBER = ID + 1
    EXCERPT = ID + 2
    SECONDS = ID + 3
    PROVIDER = ID + 4
    STATE = ID + 5
    COST = ID + 6
    THUMBNAIL = ID + 7
    ERROR = ID + 8
    SCENE = ID + 9
    #: The provider as the user reads it on the card (`PROVIDER` is the saved value).
    PROVIDER_NAME = ID + 10
    #: `TakeStatus`: whether the scene changed since its chosen take (it renders again).
    TAKE_STATUS = ID + 11
    #: The state as the card words it: "done · take 2 of 3", "changed since take 1".
    STATE_TEXT = ID + 12


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


class StoryboardModel(QAbstractListModel):
    """One row per scene; every change comes from the `ProjectDocument`, edits go to the editor."""

    def __init__(
        self,
        document: ProjectDocument,
        editor: StoryboardEditor,
        catalog: Catalog,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._doc = document
        self._editor = editor
        self._catalog = catalog
        self._scenes: tuple[Scene, ...] = ()
        self._costs: dict[str, SceneCost] = {}
        self._project: Project | None = None
        #: Shared with the cost summary: the cards and the status bar count the same scenes.
        self.take_statuses = TakeStatuses.of(document, catalog)
        self._refresh(reset=True)
        document.project_changed.connect(self._on_document_project_changed)

    def scene_at(self, row: int) -> Scene:
        return self._scenes[row]

    def row_of(self, scene_id: str) -> int:
        for row, scene in enumerate(self._scenes):
            if scene.id == scene_id:
                return row
        return -1

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._scenes)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._scenes):
            return None
        scene = self._scenes[index.row()]
        number = index.row() + 1
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{number}. {excerpt(scene.prompt) or '(no prompt yet)'}"
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = scene.prompt or "No prompt yet: double-click to edit."
            money = price_tip(self._costs.get(scene.id), scene)  # an invalid scene says why
            tip = f"{tip}\n\n{money}" if money else tip
            status = self.take_status(scene)
            if status.changed:
                tip += f"\n\nChanged since its take ({status.reason}): Render renders it again."
            return tip
        return self._scene_data(scene, number, role)

    def _scene_data(self, scene: Scene, number: int, role: int) -> Any:
        # Only the asked role is computed: views ask one role at a time, for every row, and
        # resolving a scene's settings for each of them made a 500-scene relayout slow.
        project = self._project
        assert project is not None
        values: dict[int, Callable[[], Any]] = {
            SceneRole.ID: lambda: scene.id,
            SceneRole.NUMBER: lambda: number,
            SceneRole.EXCERPT: lambda: excerpt(scene.prompt),
            SceneRole.SECONDS: lambda: self._seconds(project, scene),
            SceneRole.PROVIDER: lambda: project.provider_for(scene).value,
            SceneRole.PROVIDER_NAME: lambda: short_name(project.provider_for(scene)),
            SceneRole.STATE: lambda: scene.state.value,
            SceneRole.COST: lambda: self._costs.get(scene.id),
            SceneRole.THUMBNAIL: lambda: self._thumbnail(scene),
            SceneRole.ERROR: lambda: scene.error,
            SceneRole.SCENE: lambda: scene,
            SceneRole.TAKE_STATUS: lambda: self.take_status(scene),
            SceneRole.STATE_TEXT: lambda: self._state_text(scene),
        }
        value = values.get(role)
        return None if value is None else value()

    def _seconds(self, project: Project, scene: Scene) -> int:
        # The estimate resolved every scene already: the timeline's relayout of 500 rows
        # reads its seconds rather than resolving each scene's settings again.
        cost = self._costs.get(scene.id)
        return cost.seconds if cost is not None else resolve(project, scene).seconds

    def take_status(self, scene: Scene) -> TakeStatus:
        """Whether ``scene`` changed since its chosen take (`TakeStatuses` caches it until the
        scene or what its request is built from changes)."""
        return self.take_statuses.status(scene, self._project)

    def _state_text(self, scene: Scene) -> str:
        takes = len(list_takes(scene))
        number = current_take(scene)
        text = scene.state.value.replace("_", " ")
        if self.take_status(scene).changed:
            return f"changed since take {number}" if takes > 1 else "changed since render"
        if scene.state is RenderState.DONE and takes > 1 and number is not None:
            return f"{text} · take {number} of {takes}"
        if scene.state is not RenderState.DONE and takes:
            return f"{text} · {takes} take{'s' if takes > 1 else ''} kept"
        return text

    def _thumbnail(self, scene: Scene) -> str | None:
        """The clip's thumbnail once rendered, else the reference image (absolute paths)."""
        folder = self._doc.folder
        relative = scene.thumbnail_path or scene.reference_image
        if relative is None or folder is None:
            return None
        return str(folder / relative)

    def roleNames(self) -> dict[int, QByteArray]:
        names = super().roleNames()
        for role in SceneRole:
            names[role] = QByteArray(role.name.lower().encode())
        return names

    def flags(self, index: _Index) -> Qt.ItemFlag:
        base = super().flags(index)
        if index.isValid():
            return base | Qt.ItemFlag.ItemIsDragEnabled
        return base | Qt.ItemFlag.ItemIsDropEnabled

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [MIME_TYPE]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        rows = sorted({i.row() for i in indexes if i.isValid()})
        mime = QMimeData()
        ids = [self._scenes[r].id for r in rows]
        mime.setData(MIME_TYPE, QByteArray(json.dumps(ids).encode()))
        return mime

    def canDropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: _Index
    ) -> bool:
        return data.hasFormat(MIME_TYPE) and not parent.isValid()

    def dropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: _Index
    ) -> bool:
        if action == Qt.DropAction.IgnoreAction:
            return True
        if not self.canDropMimeData(data, action, row, column, parent):
            return False
        ids = json.loads(bytes(data.data(MIME_TYPE).data()).decode())
        target = len(self._scenes) if row < 0 else row
        self._editor.move([str(i) for i in ids], target)
        # The move is done through the undo stack; the view must not remove the source rows.
        return False

    def moveRows(
        self,
        source_parent: _Index,
        source_row: int,
        count: int,
        destination_parent: _Index,
        destination_child: int,
    ) -> bool:
        # QListView's internal move calls this; the move goes through the undo stack.
        if source_parent.isValid() or destination_parent.isValid() or count < 1:
            return False
        ids = [s.id for s in self._scenes[source_row : source_row + count]]
        self._editor.move(ids, destination_child)
        return True

    @Slot()
    def _on_document_project_changed(self) -> None:
        self._refresh(reset=False)

    def _refresh(self, *, reset: bool) -> None:
        project = self._doc.project
        old_ids = [s.id for s in self._scenes]
        new_ids = [s.id for s in project.scenes]
        # A scene changed since its take is priced as the new take Render offers; the cost
        # line counts it so too, from the same estimate (`TakeStatuses.priced`).
        costs = {c.id: c for c in self.take_statuses.priced(project).estimate.scenes}
        if reset or old_ids != new_ids:
            self.beginResetModel()
            self._project, self._scenes, self._costs = project, project.scenes, costs
            self.endResetModel()
            return
        old_project, old_scenes, old_costs = self._project, self._scenes, self._costs
        self._project, self._scenes, self._costs = project, project.scenes, costs
        settings_changed = old_project is None or (
            old_project.provider != project.provider or old_project.settings != project.settings
        )
        changed = [
            row
            for row, (old, new) in enumerate(zip(old_scenes, project.scenes, strict=True))
            if settings_changed or old != new or old_costs.get(old.id) != costs.get(new.id)
        ]
        if changed:
            # One signal for the span: a project setting changes every row, and a signal per
            # row made each view re-lay out all rows once per row (6 s for 500 scenes).
            self.dataChanged.emit(self.index(changed[0]), self.index(changed[-1]))
