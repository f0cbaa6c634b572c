"""`FrameView`: the player's picture, each frame converted and scaled off the GUI thread."""

from __future__ import annotations

import functools
import itertools
import logging

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QObject,
    QPoint,
    QRect,
    QSize,
    Qt,
    QThreadPool,
    Signal,
    Slot,
)
from PySide6.QtGui import QColor, QImage, QPainter, QPaintEvent, QResizeEvent, QShowEvent
from PySide6.QtMultimedia import QVideoFrame, QVideoSink
from PySide6.QtWidgets import QSizePolicy, QWidget

log = logging.getLogger(__name__)

#: What the window's backing store holds: a frame in it is painted without a conversion.
DISPLAY_FORMAT = QImage.Format.Format_ARGB32_Premultiplied


@functools.cache
def converter_pool() -> QThreadPool:
    """One thread for every player's conversions: a frame is converted while the next decodes.

    Its own pool, not the global one: a thumbnail decode or a clip probe queued there would hold
    frames back; one thread keeps a player's frames in order.
    """
    pool = QThreadPool()
    pool.setObjectName("frame-converter")
    pool.setMaxThreadCount(1)
    if (app := QCoreApplication.instance()) is not None:
        # No conversion may run Python while the interpreter shuts down after the event loop.
        app.aboutToQuit.connect(_drain_converter_pool)
    return pool


def _drain_converter_pool() -> None:
    pool = converter_pool()
    pool.clear()
    pool.waitForDone(2000)


def fit(frame: QSize, bounds: QSize) -> QSize:
    """``frame`` scaled to fit inside ``bounds``, aspect kept (at least 1x1)."""
    if frame.isEmpty() or bounds.isEmpty():
        return QSize(max(bounds.width(), 1), max(bounds.height(), 1))
    return frame.scaled(bounds, Qt.AspectRatioMode.KeepAspectRatio).expandedTo(QSize(1, 1))


def convert(frame: QVideoFrame, bounds: QSize) -> QImage:
    """``frame`` as an image in the display's format, scaled smoothly to fit ``bounds``.

    Run on the converter thread; both Qt calls release the GIL. Done on the GUI thread (as
    QVideoWidget does where it has no GPU path: software rendering, the offscreen platform),
    they cost it 2-5 ms per 720p frame.
    """
    image = frame.toImage()
    if image.isNull():
        return image
    size = fit(image.size(), bounds)
    if size != image.size():
        image = image.scaled(
            size, Qt.AspectRatioMode.IgnoreAspectRatio, Qt.TransformationMode.SmoothTransformation
        )
    return image.convertToFormat(DISPLAY_FORMAT)


class _Relay(QObject):
    """Carries converted frames back to the GUI thread, each with its view's token.

    One for every view, made on the GUI thread and never deleted: a relay per view could have
    its last reference dropped, and the QObject destroyed, on the converter thread.
    """

    converted = Signal(int, int, QImage)


@functools.cache
def _relay() -> _Relay:
    return _Relay()


_tokens = itertools.count(1)


class FrameView(QWidget):
    """Paints the latest frame of `sink` (a player's video output) to fit, letterboxed in black.

    The frame reaches the GUI thread queued (the player emits it on its own thread), is converted
    and scaled to the view's size on `converter_pool`, and comes back ready to paint as it is.
    One conversion runs at a time; frames arriving meanwhile replace each other, so a slow
    machine drops frames instead of queueing them.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("playerFrame")
        self.setMinimumSize(QSize(160, 90))
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.sink = QVideoSink(self)
        # A queued connection (the sink lives here, the frames come from the player's thread):
        # no Python runs on that thread, which QMediaPlayer.stop() waits for while the GUI
        # thread holds the GIL.
        self.sink.videoFrameChanged.connect(
            self._on_sink_video_frame_changed, Qt.ConnectionType.QueuedConnection
        )
        #: Which of the relay's frames are this view's.
        self._token = next(_tokens)
        _relay().converted.connect(self._on_relay_converted)
        self._image = QImage()
        self._pending: QVideoFrame | None = None
        #: The frame shown (or being converted): converted again at a new size when resized
        #: while paused, when no next frame would come to replace a stretched one.
        self._last: QVideoFrame | None = None
        self._converting = False
        #: Bumped by `clear`: a conversion started before belongs to the clip shown before.
        self._generation = 0

    def image(self) -> QImage:
        """The frame painted now (null before the first frame and after `clear`)."""
        return self._image

    def clear(self) -> None:
        """Forget the frame shown (a new clip is loading): paint black until its first frame."""
        self._generation += 1
        self._pending = self._last = None
        self._image = QImage()
        self.update()

    @Slot(QVideoFrame)
    def _on_sink_video_frame_changed(self, frame: QVideoFrame) -> None:
        self._pending = frame
        if not self._converting:
            self._convert_pending()

    def _convert_pending(self) -> None:
        frame, self._pending = self._pending, None
        if frame is None:
            return
        if not frame.isValid():  # the player stopped or unloaded: nothing to show
            self._last = None
            self._image = QImage()
            self.update()
            return
        if not self.isVisible():
            self._pending = frame  # converted when shown (see showEvent)
            return
        self._converting = True
        self._last = frame
        # Read here: the task must not touch the widget (another thread; it may be gone).
        ratio, size = self.devicePixelRatioF(), self.size()
        token, generation = self._token, self._generation
        converter_pool().start(lambda: _convert_and_send(frame, ratio, size, token, generation))

    @Slot(int, int, QImage)
    def _on_relay_converted(self, token: int, generation: int, image: QImage) -> None:
        if token != self._token:
            return  # another view's frame
        self._converting = False
        if generation == self._generation:
            self._image = image
            self.update()
        self._convert_pending()

    def _convert_last_again(self) -> None:
        """The paused frame at the view's new size or pixel ratio (no next frame would come)."""
        if self._pending is None and self._last is not None:
            self._pending = self._last
            if not self._converting:
                self._convert_pending()

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.DevicePixelRatioChange:  # moved to another screen
            self._convert_last_again()
        return super().event(event)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._converting:
            self._convert_pending()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._convert_last_again()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(Qt.GlobalColor.black))
        if self._image.isNull():
            return
        # Converted for this size, it is drawn 1:1; after a resize it is stretched (fast,
        # unsmoothed) until the next frame arrives at the new size.
        logical = self._image.deviceIndependentSize().toSize()
        target = QRect(QPoint(), fit(logical, self.size()))
        target.moveCenter(self.rect().center())
        painter.drawImage(target, self._image)


def _convert_and_send(
    frame: QVideoFrame, ratio: float, size: QSize, token: int, generation: int
) -> None:
    try:
        image = convert(frame, size * ratio)
        # Here, while the image is not shared: set on the GUI thread, it copied every frame.
        image.setDevicePixelRatio(ratio)
    except Exception:  # a frame Qt cannot map: skip it, never kill the converter thread
        log.exception("cannot convert a video frame")
        image = QImage()
    _relay().converted.emit(token, generation, image)
