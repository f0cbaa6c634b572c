"""`ThumbnailDecoder`: pictures for painted views, decoded off the GUI thread so no paint waits."""

from __future__ import annotations

import contextlib
import os
import threading
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QRectF, QSize, Qt, QThreadPool, Signal, Slot
from PySide6.QtGui import QImage, QImageReader, QPixmap, QPixmapCache

if TYPE_CHECKING:
    from PySide6.QtGui import QPainter


def thumbnail_key(path: str, size: QSize) -> str | None:
    """The cache key of ``path`` at ``size``, None when there is no such file. The modification
    time is in it: a render again writes the same thumbnail name."""
    try:
        stamp = os.stat(path).st_mtime_ns
    except OSError:
        return None
    return f"imageai-thumb:{path}:{stamp}:{size.width()}x{size.height()}"


def decode_covering(path: str, size: QSize) -> QImage:
    """``path`` decoded at the smallest size that covers ``size`` (a null image if it does not
    decode): a 4k reference decodes to 256 px here, not to 4k and then down."""
    reader = QImageReader(path)
    full = reader.size()
    if full.isValid() and not full.isEmpty():
        reader.setScaledSize(full.scaled(size, Qt.AspectRatioMode.KeepAspectRatioByExpanding))
    return reader.read()


def paint_cover(painter: QPainter, rect: QRectF, pixmap: QPixmap) -> None:
    """Fill ``rect`` with the middle of ``pixmap``, scaled to cover it (the rest cut off)."""
    scale = max(rect.width() / pixmap.width(), rect.height() / pixmap.height())
    width, height = rect.width() / scale, rect.height() / scale
    source = QRectF((pixmap.width() - width) / 2, (pixmap.height() - height) / 2, width, height)
    painter.drawPixmap(rect, pixmap, source)


class ThumbnailDecoder(QObject):
    """Decodes on one pool thread (QImageReader lets go of the GIL), converts to a pixmap on
    the GUI thread and keeps it in `QPixmapCache`. A 1080p PNG took 35-55 ms to decode inside a
    paint; deferring it to the next pass only moved that stall (one decode cannot be split).

    Signals:
        decoded(): pictures asked for are ready (or known not to decode): repaint
    """

    decoded = Signal()
    _ready = Signal()  # emitted on the pool thread; queued to this object's (the GUI) thread

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)  # thumbnails trickle in; the encoders need the CPUs
        self._lock = threading.Lock()
        self._done: list[tuple[str, QImage]] = []
        #: Keys asked for and not yet delivered (each is decoded once, not once per paint).
        self.pending: set[str] = set()
        #: Keys whose file did not decode: a placeholder, not a decode on each paint.
        self.unreadable: set[str] = set()
        self._ready.connect(self._deliver)

    def pixmap(self, path: str | None, size: QSize) -> tuple[QPixmap | None, bool]:
        """``(picture, waiting)``: the cached picture covering ``size``, or None and whether
        it is being decoded (False: no file, or a file that does not decode)."""
        key = thumbnail_key(path, size) if path else None
        if path is None or key is None or key in self.unreadable:
            return None, False
        found = QPixmap()
        if QPixmapCache.find(key, found):
            return found, False
        if key not in self.pending:
            self.pending.add(key)
            self._pool.start(lambda: self._decode(key, path, QSize(size)))
        return None, True

    def wait(self) -> None:
        """Finish every decode asked for and deliver it (tests; closing)."""
        self._pool.waitForDone()
        self._deliver()

    def _decode(self, key: str, path: str, size: QSize) -> None:
        image = decode_covering(path, size)
        with self._lock:
            self._done.append((key, image))
        # RuntimeError: the decoder went away (the app is ending): nobody waits for it.
        with contextlib.suppress(RuntimeError):
            self._ready.emit()

    @Slot()
    def _deliver(self) -> None:
        with self._lock:
            done, self._done = self._done, []
        if not done:
            return
        for key, image in done:
            self.pending.discard(key)
            if image.isNull():
                self.unreadable.add(key)
            else:
                QPixmapCache.insert(key, QPixmap.fromImage(image))
        self.decoded.emit()


#: Pictures up to this many pixels are decoded where they are asked for (a clip's 480 px
#: thumbnail: 2-4 ms); larger ones (a 1080p reference: 35-55 ms) by the decoder's thread.
SYNC_PIXELS = 640 * 360


def picture_now_or_later(path: str, bound: QSize) -> tuple[QPixmap | None, bool]:
    """Like `ThumbnailDecoder.pixmap`, but a small picture is decoded here and now (a view that
    shows one picture can show it at once); a large one is left to the decoder."""
    reader = QImageReader(path)
    size = reader.size()
    if size.isValid() and size.width() * size.height() <= SYNC_PIXELS:
        image = reader.read()
        return (None if image.isNull() else QPixmap.fromImage(image)), False
    return shared_decoder().pixmap(path, bound)


_shared: ThumbnailDecoder | None = None


def shared_decoder() -> ThumbnailDecoder:
    """The one decoder the views share (made on first use, on the GUI thread)."""
    global _shared
    if _shared is None:
        _shared = ThumbnailDecoder()
    return _shared
