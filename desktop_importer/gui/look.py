"""How the window's body looks, drawn from palette roles so that light and dark themes both
read well, without a style sheet.

A style sheet set on a widget makes Qt style every widget below it through
QStyleSheetStyle: polishing, laying out and painting the reader's messages cost about 60 %
more (bench.library: a message built, laid out and painted in 5.1 ms at the median, 1.9 ms
without). So the style sheet (`resources/style.qss`) is set only on the widgets that need
its states (the drop zone, the progress panel, the import's result, the list's frame), and
the reader and the body paint themselves here.
"""

from __future__ import annotations

import functools

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QFrame, QLabel, QScrollBar, QWidget

from desktop_importer.gui.resources import resource_path

ERROR = QColor("#c0392b")
Role = QPalette.ColorRole


@functools.cache
def style_sheet() -> str:
    return resource_path("style.qss").read_text(encoding="utf-8")


def styled(*widgets: QWidget) -> None:
    """Give `widgets` (and what they hold) the style sheet's rules."""
    sheet = style_sheet()
    for widget in widgets:
        widget.setStyleSheet(sheet)


def flat_scroll_bar(bar: QScrollBar) -> None:
    """Under Fusion, a scroll bar drawn flat by the style sheet. Fusion paints its groove as
    a gradient a row at a time: 1.5 ms for an 800-pixel bar, on every scroll and every
    message the reader adds; the flat bar paints in 0.02 ms. Other styles keep their own
    (native) bar."""
    if bar.style().name().lower() == "fusion":
        styled(bar)


def secondary(label: QLabel) -> QLabel:
    """Text that says less: the palette's placeholder colour."""
    label.setForegroundRole(Role.PlaceholderText)
    return label


def strong(widget: QWidget, points: float | None = None) -> QWidget:
    """Semibold, and `points` large if given."""
    font = QFont(widget.font())
    font.setWeight(QFont.Weight.DemiBold)
    if points is not None:
        font.setPointSizeF(points)
    widget.setFont(font)
    return widget


class Card(QFrame):
    """A box with rounded corners: a fill and a border from palette roles (the border dashed
    if asked, or `ERROR` red)."""

    def __init__(
        self,
        *,
        radius: float = 6,
        fill: QPalette.ColorRole | None = Role.AlternateBase,
        border: QPalette.ColorRole = Role.Midlight,
        dashed: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.radius, self.fill, self.border, self.dashed = radius, fill, border, dashed

    def colours(self) -> tuple[QColor | None, QColor, float]:
        """The fill (None: none), the border's colour and its width."""
        palette = self.palette()
        fill = palette.color(self.fill) if self.fill is not None else None
        return fill, palette.color(self.border), 1.0

    def paintEvent(self, event: QPaintEvent) -> None:
        fill, border, width = self.colours()
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pen = QPen(border, width)
        if self.dashed:
            pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        if fill is not None:
            painter.setBrush(fill)
        inset = width / 2
        box = QRectF(self.rect()).adjusted(inset, inset, -inset, -inset)
        painter.drawRoundedRect(box, self.radius, self.radius)
        painter.end()


class Framed(QLabel):
    """Plain words in a thin rounded frame: a marker beside a message's time (`radius` 4),
    or, dashed, the place of a file the export left out."""

    def __init__(
        self, words: str, *, radius: float = 4, margin: int = 0, dashed: bool = False
    ) -> None:
        super().__init__(words)
        self.radius, self.dashed = radius, dashed
        secondary(self)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setContentsMargins(4 + margin, margin, 4 + margin, margin)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pen = QPen(self.palette().color(Role.Mid), 1)
        if self.dashed:
            pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        box = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        painter.drawRoundedRect(box, self.radius, self.radius)
        painter.end()
        super().paintEvent(event)


class DropFrame(QWidget):
    """The window's body: while a file hovers, a border that says whether it will be taken
    (property "drop": "accept", "refuse" or "none")."""

    def set_drop(self, state: str) -> None:
        self.setProperty("drop", state)
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        state = self.property("drop")
        if state not in ("accept", "refuse"):
            return
        painter = QPainter(self)
        palette = self.palette()
        if state == "accept":
            painter.fillRect(self.rect(), palette.color(Role.AlternateBase))
            pen = QPen(palette.color(Role.Highlight), 3)
        else:
            pen = QPen(ERROR, 3, Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.drawRect(QRectF(self.rect()).adjusted(1.5, 1.5, -1.5, -1.5))
        painter.end()
