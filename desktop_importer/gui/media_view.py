"""Media in the reader: images inline, decoded off the GUI thread at the width shown; other
files as a row with their name, size and type, "Open" and "Save as…"; a missing file as a
placeholder that names it.

Decoding is bounded: `QImageReader` reads only PNG, JPEG, GIF and WebP (by content: stored
files have no extension), is asked for the scaled size (`setScaledSize`), and Qt's
allocation limit refuses an image whose decoding would need more than ALLOCATION_MB (a
50,000 x 50,000 PNG declares 10 GB): such an image shows a sentence instead, and opens in
the system's viewer on request.
"""

from __future__ import annotations

import logging
import queue
from collections import OrderedDict
from pathlib import Path

import shiboken6
from PySide6.QtCore import (
    QObject,
    QRect,
    QRunnable,
    QSize,
    Qt,
    QThreadPool,
    QTimer,
    QUrl,
)
from PySide6.QtGui import (
    QDesktopServices,
    QImage,
    QImageReader,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPixmap,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop_importer import library
from desktop_importer.basics import media
from desktop_importer.basics.errors import DesktopImporterError
from desktop_importer.basics.settings import human_bytes
from desktop_importer.gui import look

log = logging.getLogger(__name__)

# The images the reader shows, by the type their bytes say (basics/media.py), as Qt names them.
QT_FORMATS = {
    "image/png": b"png",
    "image/jpeg": b"jpeg",
    "image/gif": b"gif",
    "image/webp": b"webp",
}
ALLOCATION_MB = 128
MAX_WIDTH = 480  # images are shown within this box (and never larger than they are)
MAX_HEIGHT = 400
CACHE_IMAGES = 64
COLLECT_MS = 20  # how often decoded images are taken up while any is being decoded
KIND_WORDS = {"image": "Image", "audio": "Voice recording", "file": "File"}


TOO_LARGE = "This image is too large to show here; Open shows it in your viewer."


def too_large(width: int | None, height: int | None) -> bool:
    return bool(width and height and width * height * 4 > ALLOCATION_MB * 2**20)


def decode(path: Path, width: int, height: int | None = None) -> QImage | str:
    """The image at `path` scaled to `width` (and `height`, when the caller has laid out
    that box already; never enlarged), or why it cannot be shown.

    Its format is told from its first bytes here, and Qt reads with that format's handler
    only. Qt's own probe asks every image plugin, and the SVG one connects a signal under
    Qt's connection lock while PySide holds the GIL on this pool thread; the GUI thread,
    disconnecting a signal under the same lock, waited for the GIL: both hung for good
    (seen once in the suite, in `test_media`)."""
    try:
        with path.open("rb") as file:
            head = file.read(16)
    except OSError as e:
        return f"This image could not be shown ({e.strerror or e})."
    kind = QT_FORMATS.get(media.sniff(head) or "")
    if kind is None:
        return "This file is not an image the reader shows (PNG, JPEG, GIF or WebP)."
    reader = QImageReader(str(path), kind)
    reader.setAutoDetectImageFormat(False)
    reader.setAllocationLimit(ALLOCATION_MB)
    size = reader.size()
    if not size.isValid() or size.isEmpty():
        return "This image is damaged."
    if size.width() > width:
        box = QSize(width, height) if height else QSize(width, 10**9)
        reader.setScaledSize(size.scaled(box, Qt.AspectRatioMode.KeepAspectRatio))
    image = reader.read()
    if image.isNull():
        if (
            reader.error() == QImageReader.ImageReaderError.InvalidDataError
            and size.width() * size.height() > ALLOCATION_MB * 2**18
        ):
            return "This image is too large to show here; Open shows it in your viewer."
        return f"This image could not be shown ({reader.errorString()})."
    return image


Key = tuple[str, tuple[int, int]]  # (sha256, the box it is shown in)


class _Decode(QRunnable):
    def __init__(self, results: _Results, key: Key, path: Path) -> None:
        super().__init__()
        self.results, self.key, self.path = results, key, path

    def run(self) -> None:  # on a pool thread: neither a widget nor a signal is touched here
        self.results.put((self.key, decode(self.path, *self.key[1])))


_Results = queue.SimpleQueue[tuple[Key, QImage | str]]


class ImageDecoder(QObject):
    """Decodes images on a thread pool (one thread: decoding is CPU work, and the GUI thread
    needs the other core) and keeps the last CACHE_IMAGES decoded. A decoded image goes to
    the views that asked for it, not to every view on screen (fifty images made fifty calls
    per image).

    The decoding thread hands its images over through a queue, which the GUI thread empties
    on a timer while any image is being decoded: it emits no signal. An emit from that
    thread takes Qt's lock on the connections of the decoder while it holds Python's GIL,
    and a GUI thread connecting or disconnecting a signal may hold a lock of the same pool
    (Qt shares a few among all objects) while it waits for the GIL: both would wait for
    good, as the decoding thread's format probe once did (a2ebc6e)."""

    def __init__(self) -> None:
        super().__init__()
        self.pool = QThreadPool()
        self.pool.setMaxThreadCount(1)
        self._cache: OrderedDict[Key, QImage | str] = OrderedDict()
        self._waiting: dict[Key, list[ImageView]] = {}
        self._results: _Results = queue.SimpleQueue()
        self._collect = QTimer(self)
        self._collect.setInterval(COLLECT_MS)
        self._collect.timeout.connect(self._collected)

    def request(self, view: ImageView) -> QImage | str | None:
        """`view`'s image decoded at its box if it is ready; otherwise None, and `view.take`
        has it later."""
        key = (view.file.sha256, view.box)
        if key in self._cache:
            self._cache.move_to_end(key)
            return self._cache[key]
        if key not in self._waiting:
            self.pool.start(_Decode(self._results, key, view.file.path))
            if not self._collect.isActive():  # a restart would put it off again
                self._collect.start()
        self._waiting.setdefault(key, []).append(view)
        return None

    def _collected(self) -> None:
        while True:
            try:
                key, result = self._results.get_nowait()
            except queue.Empty:
                break
            self._arrived(key, result)
        if not self._waiting:
            self._collect.stop()

    def _arrived(self, key: Key, result: QImage | str) -> None:
        self._cache[key] = result
        while len(self._cache) > CACHE_IMAGES:
            self._cache.popitem(last=False)
        for view in self._waiting.pop(key, []):
            if shiboken6.isValid(view):  # not closed while it was decoded
                view.take(result)


_decoder: ImageDecoder | None = None


def decoder() -> ImageDecoder:
    global _decoder
    if _decoder is None:
        _decoder = ImageDecoder()
    return _decoder


class ImageView(QFrame):
    """An image, scaled to fit, decoded when it is first painted (that is, when it scrolls
    into view); until then a frame of its size. A click opens it in the system's viewer."""

    def __init__(self, file: library.MediaFile, caption: str) -> None:
        super().__init__()
        self.setObjectName("Image")
        self.file = file
        self.setAccessibleName(f"Image {file.name}" + (f": {caption}" if caption else ""))
        self.setToolTip(f"{file.name}, {human_bytes(file.bytes)}. Click to open it full size.")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        # Fit within MAX_WIDTH x MAX_HEIGHT, never enlarged, as the vendors' apps show them;
        # narrower when the reader is (its height follows its width).
        ratio = (file.height / file.width) if file.width and file.height else 0.75
        self.width_shown = max(16, int(min(MAX_WIDTH, file.width or MAX_WIDTH, MAX_HEIGHT / ratio)))
        # Laid out once at the size it will have: an image arriving changes no geometry,
        # so it costs no layout of the whole conversation.
        self.box = (self.width_shown, max(16, round(self.width_shown * ratio)))
        # A fixed height, set again when its width changes, rather than a heightForWidth:
        # Qt's layouts asked every image's (Python) heightForWidth twice on every layout of
        # the reader, 1 ms a pass with a hundred images.
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.setMinimumWidth(min(48, self.box[0]))
        self.setMaximumWidth(self.box[0])
        self.pixmap: QPixmap | None = None
        self.problem: str | None = None
        self._asked = False
        self._fit(self.box[0])
        if too_large(file.width, file.height):  # as its header declares: never decoded
            self._asked = True
            self.take(TOO_LARGE)

    def _fit(self, width: int) -> None:
        """Its height for `width`: the image's shape, or three lines for a sentence."""
        if self.problem is not None:
            height = self.fontMetrics().height() * 3
        else:
            height = max(16, round(min(width, self.box[0]) * self.box[1] / self.box[0]))
        if self.minimumHeight() != height or self.maximumHeight() != height:
            self.setFixedHeight(height)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit(event.size().width())

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self._asked:  # painted: it is in view, so it is wanted now (after this paint)
            self._asked = True
            QTimer.singleShot(0, self._request)
        painter = QPainter(self)
        if self.pixmap is not None:
            if self.width() < self.pixmap.width():  # a narrow reader: scaled to fit it
                painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
                painter.drawPixmap(QRect(0, 0, self.width(), self.height()), self.pixmap)
            else:
                painter.drawPixmap(0, 0, self.pixmap)
        else:
            painter.setPen(self.palette().color(self.foregroundRole()))
            painter.drawText(
                self.rect().adjusted(8, 0, -8, 0),
                Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextWordWrap,
                f"{self.file.name}: {self.problem}"
                if self.problem
                else f"Loading {self.file.name}…",
            )

    def _request(self) -> None:
        self.take(decoder().request(self))

    def take(self, result: QImage | str | None) -> None:
        """Show the decoded image, or the sentence saying why it cannot be shown."""
        if isinstance(result, QImage):
            self.pixmap = QPixmap.fromImage(result)
            if self.pixmap.width() != self.box[0] or self.pixmap.height() != self.box[1]:
                self.box = (self.pixmap.width(), self.pixmap.height())  # its header was wrong
                self.setMaximumWidth(self.box[0])
                self._fit(self.width())
        elif isinstance(result, str):
            self.problem = result
            self.setAccessibleDescription(result)
            self.setMaximumWidth(MAX_WIDTH)
            self._fit(self.width())
        self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            open_file(self, self.file)
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            open_file(self, self.file)
            return
        super().keyPressEvent(event)


def open_file(parent: QWidget, file: library.MediaFile) -> None:
    """Hand the system's default application a private temporary copy."""
    try:
        copy = library.temporary_copy(file)
    except DesktopImporterError as e:
        _say(parent, e.message)
        return
    if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(copy))):
        _say(parent, f"No application on this computer opens {file.mime_type} files.")


def save_file(parent: QWidget, file: library.MediaFile) -> None:
    target, _ = QFileDialog.getSaveFileName(parent, "Save as", library.safe_file_name(file.name))
    if not target:
        return
    try:
        library.save_copy(file, Path(target))
    except DesktopImporterError as e:
        _say(parent, e.message)


def _say(parent: QWidget, sentence: str) -> None:
    QMessageBox.warning(parent, "Desktop Importer", sentence)


class FileRow(look.Card):
    """A file other than an image: its name, size and type, "Open" (unless it could run
    something: HTML, SVG, programs) and "Save as…"."""

    def __init__(self, file: library.MediaFile, kind: str) -> None:
        super().__init__()
        self.setObjectName("FileRow")
        self.file = file
        words = KIND_WORDS.get(kind, "File")
        if kind == "file" and file.mime_type.startswith(("video/", "audio/")):
            words = "Video" if file.mime_type.startswith("video/") else "Audio"
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 6, 10, 6)
        column = QVBoxLayout()
        column.setSpacing(0)
        name = QLabel(file.name)
        name.setTextFormat(Qt.TextFormat.PlainText)
        look.strong(name)
        details = look.secondary(QLabel(f"{words} · {human_bytes(file.bytes)} · {file.mime_type}"))
        details.setTextFormat(Qt.TextFormat.PlainText)
        column.addWidget(name)
        column.addWidget(details)
        row.addLayout(column, 1)
        self.setAccessibleName(f"{words} {file.name}, {human_bytes(file.bytes)}")
        self.open: QToolButton | None = None
        if library.safe_to_open(file):
            self.open = QToolButton()
            self.open.setText("Open")
            self.open.setAccessibleName(f"Open {file.name}")
            self.open.clicked.connect(lambda: open_file(self, file))
            row.addWidget(self.open)
        self.save = QToolButton()
        self.save.setText("Save as…")
        self.save.setAccessibleName(f"Save {file.name} as")
        self.save.clicked.connect(lambda: save_file(self, file))
        row.addWidget(self.save)


def missing_view(kind: str, name: str) -> QWidget:
    words = KIND_WORDS.get(kind, "File")
    label = look.Framed(
        f"{words} not in the archive: {name}. The export did not include it.",
        radius=6,
        margin=10,
        dashed=True,
    )
    label.setObjectName("Placeholder")
    label.setWordWrap(True)
    label.setAccessibleName(f"{words} {name}, not in the archive")
    return label


def media_widget(kind: str, name: str, caption: str, file: library.MediaFile | None) -> QWidget:
    """The widget of an image, audio or file block, with its caption (a generated image's
    prompt or title) below it, kept or missing."""
    if file is None:
        shown: QWidget = missing_view(kind, name)
    elif file.mime_type in library.SHOWN_IMAGES:
        shown = ImageView(file, caption)
    else:
        return FileRow(file, kind)
    if not caption:
        return shown
    box = QWidget()
    column = QVBoxLayout(box)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(2)
    column.addWidget(shown)
    label = look.secondary(QLabel(caption))
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    column.addWidget(label)
    return box
