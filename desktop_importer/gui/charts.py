"""Insights' charts, painted with QPainter from palette roles (light and dark both read),
laid out again on every resize, and usable without a mouse or sight.

Each chart is a set of cells (a day, a month's bar, an hour) with a sentence each. Arrows
move between cells and the chart's accessible name says the cell reached, as a screen
reader announces a list's items; Enter or a click activates it (a day lists its
conversations). Every chart's data is also a table (ChartCard), which a screen reader
reads as any table.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QAccessible,
    QAccessibleEvent,
    QAccessibleInterface,
    QColor,
    QFocusEvent,
    QFontMetricsF,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QResizeEvent,
)
from PySide6.QtWidgets import QAccessibleWidget, QSizePolicy, QToolTip, QWidget

from desktop_importer.gui import text
from desktop_importer.importing.report import plural

if TYPE_CHECKING:
    from desktop_importer.library.insights import Day, ModelMonth, Month

Role = QPalette.ColorRole
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")  # fmt: skip

# Each assistant's own colour, as its app shows it, chosen to read on light and dark alike.
VENDOR_COLOURS = {
    "chatgpt": QColor("#10a37f"),
    "claude": QColor("#d97757"),
    "deepseek": QColor("#4d6bfe"),
    "grok": QColor("#8e8e93"),
    "gemini": QColor("#a56eff"),
    "lechat": QColor("#f0b400"),
}


def day_name(day: date) -> str:
    return f"{WEEKDAYS[day.weekday()]}, {day.day} {MONTHS[day.month - 1]} {day.year}"


def month_name(month: str) -> str:
    """'2026-03' as 'March 2026'."""
    year, number = month.split("-")
    return f"{MONTHS[int(number) - 1]} {year}"


def mix(a: QColor, b: QColor, t: float) -> QColor:
    return QColor.fromRgbF(
        a.redF() + (b.redF() - a.redF()) * t,
        a.greenF() + (b.greenF() - a.greenF()) * t,
        a.blueF() + (b.blueF() - a.blueF()) * t,
    )


def shade(palette: QPalette, level: float) -> QColor:
    """A heat map's colour: a faint cell for nothing, then stronger towards the accent."""
    base = palette.color(Role.Base)
    if level <= 0:
        return mix(base, palette.color(Role.Text), 0.08)
    return mix(base, palette.color(Role.Highlight), 0.3 + 0.7 * min(1.0, level))


def level(value: int, most: int) -> float:
    """How strong a count shows, in five steps (as heat maps have them, and a few colours
    paint fast): the square root, so that quiet days still show."""
    if most <= 0 or value <= 0:
        return 0.0
    return max(1, round(math.sqrt(value / most) * LEVELS)) / LEVELS


LEVELS = 5


def vendor_colour(vendor: str) -> QColor:
    return VENDOR_COLOURS.get(vendor, QColor("#7f8c8d"))


def months_between(first: str, last: str) -> list[str]:
    """Every month from `first` to `last` (YYYY-MM), both included."""
    year, month = int(first[:4]), int(first[5:])
    out = []
    while f"{year:04d}-{month:02d}" <= last:
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


class ChartAccessible(QAccessibleWidget):
    """A chart is a chart to a screen reader (a plain widget is a "filler"), with its
    name (the cell reached) and description as the widget has them."""

    def __init__(self, widget: QWidget) -> None:
        super().__init__(widget, QAccessible.Role.Chart)


def _accessible(key: str, obj: QObject) -> QAccessibleInterface | None:
    return ChartAccessible(obj) if isinstance(obj, Chart) else None


_factory_installed = False


def _install_factory() -> None:
    global _factory_installed
    if not _factory_installed:
        QAccessible.installFactory(_accessible)
        _factory_installed = True


@dataclass
class Cell:
    rect: QRectF
    label: str  # what the tooltip and a screen reader say
    colour: QColor | None = None  # None: the chart colours it (a heat map's level)
    level: float = 0.0
    payload: object = None  # what activating it gives (a day), None for nothing


class Chart(QWidget):
    """Cells laid out for the width the chart has, painted, reached by keyboard and mouse."""

    activated = Signal(object)  # the payload of the cell activated
    LAYOUT_STATE: tuple[str, ...] = ("cells", "frame")  # what lay_out sets

    def __init__(self, name: str) -> None:
        super().__init__()
        _install_factory()
        self.name = name
        self.cells: list[Cell] = []
        self.current = -1
        self._laid: tuple[float, float] | None = None  # (width, height) the cells are for
        self._layouts: dict[float, tuple[float, dict[str, object]]] = {}
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        # The page's background, painted by the chart too: a saved picture has it.
        self.setAutoFillBackground(True)
        self.setBackgroundRole(Role.Base)
        self.setAccessibleName(name)
        self.setAccessibleDescription(
            "Arrow keys move through the chart; the Table button shows its data as a table."
        )
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    # -- what subclasses give ------------------------------------------------------------

    def lay_out(self, width: float) -> float:
        """Place the cells for `width`; returns the height needed."""
        raise NotImplementedError

    def paint_frame(self, painter: QPainter) -> None:
        """Axes, labels, legends: what is not a cell."""

    # -- Qt ------------------------------------------------------------------------------

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return math.ceil(self.laid_out(float(width)))

    def laid_out(self, width: float) -> float:
        """The height for `width`, the cells placed for it: once per width and data (a
        layout pass asks for several widths, a scroll bar's with and without)."""
        if self._laid is not None and self._laid[0] == width:
            return self._laid[1]
        cached = self._layouts.get(width)
        if cached is None:
            height = self.lay_out(width)
            state = {name: getattr(self, name) for name in self.LAYOUT_STATE}
            if len(self._layouts) >= 4:
                self._layouts.pop(next(iter(self._layouts)))
            cached = self._layouts[width] = (height, state)
        else:
            for name, value in cached[1].items():
                setattr(self, name, value)
        self._laid = (width, cached[0])
        return cached[0]

    def sizeHint(self) -> QSize:
        return QSize(600, self.heightForWidth(600))

    def minimumSizeHint(self) -> QSize:
        return QSize(240, 80)

    def relayout(self) -> None:
        self._laid = None  # the data changed, or the width
        self._layouts.clear()
        height = math.ceil(self.laid_out(float(max(self.width(), 240))))
        self.setFixedHeight(height)
        self.current = min(self.current, len(self.cells) - 1)
        self.updateGeometry()
        self.update()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.relayout()

    def paintEvent(self, event: QPaintEvent) -> None:
        self.laid_out(float(max(self.width(), 240)))
        painter = QPainter(self)
        palette = self.palette()
        # Cells as plain rectangles, only those the update needs: antialiased rounded ones
        # took 10 ms for a two-year calendar.
        shown = QRectF(event.rect())
        colours: dict[float, QColor] = {}
        for cell in self.cells:
            if not shown.intersects(cell.rect):
                continue
            colour = cell.colour
            if colour is None:
                colour = colours.get(cell.level)
                if colour is None:
                    colour = colours[cell.level] = shade(palette, cell.level)
            painter.fillRect(cell.rect, colour)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.paint_frame(painter)
        if self.hasFocus() and 0 <= self.current < len(self.cells):
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.setPen(QPen(palette.color(Role.Text), 2))
            painter.drawRoundedRect(self.cells[self.current].rect.adjusted(-2, -2, 2, 2), 3, 3)
        painter.end()

    def cell_at(self, point: QPointF) -> int:
        self.laid_out(float(max(self.width(), 240)))
        for index, cell in enumerate(self.cells):
            if cell.rect.adjusted(-1, -1, 1, 1).contains(point):
                return index
        return -1

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        index = self.cell_at(event.position())
        if index >= 0:
            QToolTip.showText(event.globalPosition().toPoint(), self.cells[index].label, self)
        else:
            QToolTip.hideText()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        index = self.cell_at(event.position())
        if index >= 0 and event.button() == Qt.MouseButton.LeftButton:
            self.set_current(index)
            self.activate()

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        if self.current < 0 and self.cells:
            self.set_current(self.first_cell())
        self.update()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.update()

    def first_cell(self) -> int:
        """Where the keyboard starts: the first cell with something in it."""
        return next((i for i, c in enumerate(self.cells) if c.level > 0 or c.colour), 0)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = Qt.Key(event.key())
        if not self.cells:
            super().keyPressEvent(event)
            return
        moves = {Qt.Key.Key_Left: -1, Qt.Key.Key_Right: 1}
        if self.current < 0:  # focus came without a focus event (an inactive window)
            self.set_current(self.first_cell())
            if key in moves or key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
                return
        if key in moves:
            self.set_current(max(0, min(len(self.cells) - 1, self.current + moves[key])))
        elif key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            self.set_current(self.vertical_neighbour(-1 if key == Qt.Key.Key_Up else 1))
        elif key == Qt.Key.Key_Home:
            self.set_current(0)
        elif key == Qt.Key.Key_End:
            self.set_current(len(self.cells) - 1)
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.activate()
        else:
            super().keyPressEvent(event)

    def vertical_neighbour(self, direction: int) -> int:
        here = self.cells[self.current].rect.center()
        best, best_distance = self.current, math.inf
        for index, cell in enumerate(self.cells):
            centre = cell.rect.center()
            dy = (centre.y() - here.y()) * direction
            if dy <= 0.5:
                continue
            distance = dy + 4 * abs(centre.x() - here.x())
            if distance < best_distance:
                best, best_distance = index, distance
        return best

    def set_current(self, index: int) -> None:
        if not 0 <= index < len(self.cells):
            return
        self.current = index
        self.setAccessibleName(f"{self.name}: {self.cells[index].label}")
        QAccessible.updateAccessibility(QAccessibleEvent(self, QAccessible.Event.NameChanged))
        self.update()

    def activate(self) -> None:
        if 0 <= self.current < len(self.cells):
            payload = self.cells[self.current].payload
            if payload is not None:
                self.activated.emit(payload)

    def font_metrics(self) -> QFontMetricsF:
        return QFontMetricsF(self.font())

    def draw_text(self, painter: QPainter, rect: QRectF, words: str, flags: Qt.AlignmentFlag,
                  role: Role = Role.PlaceholderText) -> None:  # fmt: skip
        painter.setPen(self.palette().color(role))
        painter.drawText(rect, int(flags), words)


class CalendarChart(Chart):
    """One cell a day, a band a year (weeks across, Monday at the top), as a contributions
    calendar; a day's cell activates with its date."""

    GAP = 2.0

    def __init__(self) -> None:
        super().__init__("Activity by day")
        self.days: dict[date, Day] = {}
        self.years: list[int] = []
        self.frame: list[tuple[QRectF, str, Qt.AlignmentFlag]] = []

    def set_data(self, days: dict[date, Day]) -> None:
        self.days = days
        self.years = list(range(min(days).year, max(days).year + 1)) if days else []
        self.current = -1
        self.relayout()

    def lay_out(self, width: float) -> float:
        metrics = self.font_metrics()
        left = metrics.horizontalAdvance("Wed") + 8
        step = max(3.0, min(17.0, (width - left) / 54))  # a narrow pane: thinner gaps
        size = step - (self.GAP if step >= 8 else 1.0)
        line = metrics.height()
        most = max((d.messages for d in self.days.values()), default=0)
        cells: list[Cell] = []
        frame: list[tuple[QRectF, str, Qt.AlignmentFlag]] = []
        top = 0.0
        for year in reversed(self.years):  # the latest first, as a feed shows
            start = date(year, 1, 1)
            monday = start - timedelta(days=start.weekday())
            frame.append((QRectF(0, top, left + 60, line), str(year), Qt.AlignmentFlag.AlignLeft))
            grid_top = top + line * 2 + 2
            for row, name in ((0, "Mon"), (2, "Wed"), (4, "Fri")):
                rect = QRectF(0, grid_top + row * step, left - 6, size)
                frame.append((rect, name, Qt.AlignmentFlag.AlignRight))
            day = start
            while day.year == year:
                column = (day - monday).days // 7
                x = left + column * step
                if day.day == 1:
                    rect = QRectF(x, top + line, 40, line)
                    frame.append((rect, MONTHS[day.month - 1][:3], Qt.AlignmentFlag.AlignLeft))
                figure = self.days.get(day)
                label = day_name(day) + (
                    f": {plural(figure.messages, 'message')} in "
                    f"{plural(figure.conversations, 'conversation')}"
                    if figure
                    else ": nothing"
                )
                cells.append(
                    Cell(
                        QRectF(x, grid_top + day.weekday() * step, size, size),
                        label,
                        level=level(figure.messages, most) if figure else 0.0,
                        payload=day if figure else None,
                    )
                )
                day += timedelta(days=1)
            top = grid_top + 7 * step + line
        self.cells, self.frame = cells, frame
        return max(top, line * 2)

    def first_cell(self) -> int:
        """The latest day with a message (the calendar opens on the present)."""
        if not self.days:
            return 0
        latest = max(self.days)
        return next((i for i, c in enumerate(self.cells) if c.payload == latest), 0)

    def paint_frame(self, painter: QPainter) -> None:
        for rect, words, flags in self.frame:
            self.draw_text(painter, rect, words, flags | Qt.AlignmentFlag.AlignVCenter)
        if not self.years:
            self.draw_text(painter, QRectF(self.rect()), "No messages yet.",
                           Qt.AlignmentFlag.AlignCenter)  # fmt: skip


class MonthChart(Chart):
    """Conversations started (or messages written) per month, a bar a month stacked by
    assistant, with the trend (the mean of three months) drawn over them."""

    HEIGHT = 220.0
    LAYOUT_STATE = ("cells", "frame", "legend", "trend", "grid")

    def __init__(self) -> None:
        super().__init__("Per month, by assistant")
        self.months: list[str] = []
        self.vendors: list[str] = []
        self.counts: dict[tuple[str, str], tuple[int, int]] = {}
        self.frame: list[tuple[QRectF, str, Qt.AlignmentFlag]] = []
        self.legend: list[tuple[QRectF, str]] = []
        self.trend: list[QPointF] = []
        self.grid: list[float] = []
        self.counted = 0  # 0: conversations started, 1: messages written

    def show_metric(self, counted: int) -> None:
        self.counted = counted
        self.current = -1
        self.relayout()

    def set_data(self, months: list[Month]) -> None:
        self.counts = {(m.month, m.vendor): (m.conversations, m.messages) for m in months}
        self.months = months_between(months[0].month, months[-1].month) if months else []
        totals: dict[str, int] = {}
        for m in months:
            totals[m.vendor] = totals.get(m.vendor, 0) + m.conversations
        self.vendors = sorted(totals, key=lambda v: (-totals[v], v))
        self.current = -1
        self.relayout()

    def lay_out(self, width: float) -> float:
        metrics = self.font_metrics()
        line = metrics.height()
        self.legend = []
        x = 0.0
        for vendor in self.vendors:
            name = text.vendor_name(vendor)
            self.legend.append((QRectF(x, 0, 12, 12), name))
            x += 12 + 6 + metrics.horizontalAdvance(name) + 16
        at = self.counted
        sums = [sum(self.counts.get((m, v), (0, 0))[at] for v in self.vendors) for m in self.months]
        most = max(sums, default=0)
        ceiling = nice_ceiling(most)
        left = metrics.horizontalAdvance(f"{ceiling:,}") + 8
        top, bottom = line + 10, self.HEIGHT - line - 4
        span = bottom - top
        self.grid = [top + span * (1 - f) for f in (0.0, 0.5, 1.0)]
        self.frame = [
            (QRectF(0, y - line / 2, left - 6, line), f"{round(ceiling * i / 2):,}",
             Qt.AlignmentFlag.AlignRight)
            for i, y in enumerate(self.grid)
        ]  # fmt: skip
        count = max(1, len(self.months))
        slot = (width - left) / count
        bar = max(1.0, slot * 0.75)
        cells: list[Cell] = []
        year_width = metrics.horizontalAdvance("2026 ")
        labelled_at = -math.inf
        for index, month in enumerate(self.months):
            x = left + index * slot + (slot - bar) / 2
            y = bottom
            parts = []
            conversations = messages = 0
            for vendor in self.vendors:
                figures = self.counts.get((month, vendor), (0, 0))
                conversations, messages = conversations + figures[0], messages + figures[1]
                if figures[0] or figures[1]:
                    parts.append(f"{text.vendor_name(vendor)} {figures[0]:,} and {figures[1]:,}")
                if figures[at]:
                    h = span * figures[at] / ceiling if ceiling else 0
                    cells.append(Cell(QRectF(x, y - h, bar, h), "", vendor_colour(vendor)))
                    y -= h
            label = (
                f"{month_name(month)}: {plural(conversations, 'conversation')} started, "
                f"{plural(messages, 'message')}"
                + (f" ({'; '.join(parts)})" if len(parts) > 1 else "")
            )
            # The month's own cell: the whole column, for the keyboard and the tooltip.
            cells.append(
                Cell(QRectF(left + index * slot, top, slot, span), label, QColor(0, 0, 0, 0))
            )
            if (month.endswith("-01") or index == 0) and x - labelled_at >= year_width:
                rect = QRectF(x - 2, bottom + 2, year_width, line)
                self.frame.append((rect, month[:4], Qt.AlignmentFlag.AlignLeft))
                labelled_at = x
        # The trend: the mean of each month and the two before it.
        self.trend = []
        for index in range(len(self.months)):
            window = sums[max(0, index - 2) : index + 1]
            mean = sum(window) / len(window)
            x = left + index * slot + slot / 2
            self.trend.append(QPointF(x, bottom - (span * mean / ceiling if ceiling else 0)))
        self.cells = cells
        return self.HEIGHT

    def keyed(self) -> list[int]:
        return [i for i, c in enumerate(self.cells) if c.label]

    def set_current(self, index: int) -> None:
        if 0 <= index < len(self.cells) and not self.cells[index].label:
            keyed = self.keyed()
            index = next((k for k in keyed if k > index), keyed[-1] if keyed else -1)
        super().set_current(index)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        keyed = self.keyed()
        key = Qt.Key(event.key())
        if keyed and key in (Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Home, Qt.Key.Key_End):
            at = keyed.index(self.current) if self.current in keyed else len(keyed) - 1
            at = {Qt.Key.Key_Left: at - 1, Qt.Key.Key_Right: at + 1, Qt.Key.Key_Home: 0,
                  Qt.Key.Key_End: len(keyed) - 1}[key]  # fmt: skip
            super().set_current(keyed[max(0, min(len(keyed) - 1, at))])
            return
        if key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            return
        super().keyPressEvent(event)

    def first_cell(self) -> int:
        keyed = self.keyed()
        return keyed[-1] if keyed else 0

    def cell_at(self, point: QPointF) -> int:
        self.laid_out(float(max(self.width(), 240)))
        for index in self.keyed():
            if self.cells[index].rect.contains(point):
                return index
        return -1

    def paintEvent(self, event: QPaintEvent) -> None:
        self.laid_out(float(max(self.width(), 240)))
        painter = QPainter(self)
        palette = self.palette()
        painter.setPen(QPen(mix(palette.color(Role.Base), palette.color(Role.Text), 0.15), 1))
        for y in self.grid:
            painter.drawLine(QPointF(self.frame[0][0].right() + 6, y), QPointF(self.width(), y))
        painter.end()
        super().paintEvent(event)

    def paint_frame(self, painter: QPainter) -> None:
        for rect, words, flags in self.frame:
            self.draw_text(painter, rect, words, flags | Qt.AlignmentFlag.AlignVCenter)
        for swatch, name in self.legend:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(vendor_colour(next(v for v in self.vendors
                                                if text.vendor_name(v) == name)))  # fmt: skip
            painter.drawRoundedRect(swatch, 2, 2)
            rect = QRectF(swatch.right() + 6, swatch.top() - 3, 200, swatch.height() + 6)
            self.draw_text(painter, rect, name, Qt.AlignmentFlag.AlignLeft
                           | Qt.AlignmentFlag.AlignVCenter, Role.Text)  # fmt: skip
        if len(self.trend) > 1:
            pen = QPen(self.palette().color(Role.Text), 1.5, Qt.PenStyle.DashLine)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPolyline(self.trend)
        if not self.months:
            self.draw_text(painter, QRectF(self.rect()), "No conversations yet.",
                           Qt.AlignmentFlag.AlignCenter)  # fmt: skip


def nice_ceiling(value: int) -> int:
    """The smallest of 1, 2 or 5 times a power of ten at or above `value` (an axis's top)."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if step * power >= value:
            return step * power
    return 10 * power


class ModelChart(Chart):
    """The models used over time: a lane per model (the most used eight, then the rest),
    a cell per month shaded by the conversations started with it. Long names are cut with
    an ellipsis, never drawn over the lanes."""

    LANES = 8
    OTHER = "Other models"

    def __init__(self) -> None:
        super().__init__("Models over time")
        self.lanes: list[tuple[str, dict[str, int]]] = []
        self.months: list[str] = []
        self.frame: list[tuple[QRectF, str, Qt.AlignmentFlag]] = []

    def set_data(self, models: list[ModelMonth], months: list[str]) -> None:
        totals: dict[str, int] = {}
        by_lane: dict[str, dict[str, int]] = {}
        for row in models:
            name = model_label(row.model, row.vendor)
            totals[name] = totals.get(name, 0) + row.conversations
            lane = by_lane.setdefault(name, {})
            lane[row.month] = lane.get(row.month, 0) + row.conversations
        ranked = sorted(totals, key=lambda n: (-totals[n], n))
        lanes = [(name, by_lane[name]) for name in ranked[: self.LANES]]
        if len(ranked) > self.LANES:
            rest: dict[str, int] = {}
            for name in ranked[self.LANES :]:
                for month, n in by_lane[name].items():
                    rest[month] = rest.get(month, 0) + n
            lanes.append((self.OTHER, rest))
        self.lanes = lanes
        self.months = months_between(months[0], months[-1]) if months else []
        self.current = -1
        self.relayout()

    def lay_out(self, width: float) -> float:
        metrics = self.font_metrics()
        line = metrics.height()
        widest = max((metrics.horizontalAdvance(name) for name, _ in self.lanes), default=0)
        left = min(width * 0.35, widest + 10)
        row = max(line + 4, 18.0)
        count = max(1, len(self.months))
        slot = (width - left) / count
        most = max((n for _, lane in self.lanes for n in lane.values()), default=0)
        cells: list[Cell] = []
        frame: list[tuple[QRectF, str, Qt.AlignmentFlag]] = []
        for r, (name, lane) in enumerate(self.lanes):
            y = r * row
            shown = metrics.elidedText(name, Qt.TextElideMode.ElideRight, left - 10)
            frame.append((QRectF(0, y, left - 10, row), shown, Qt.AlignmentFlag.AlignLeft))
            for index, month in enumerate(self.months):
                n = lane.get(month, 0)
                cells.append(
                    Cell(
                        QRectF(left + index * slot + 0.5, y + 2, max(1.0, slot - 1), row - 4),
                        f"{name}, {month_name(month)}: {plural(n, 'conversation')}",
                        level=level(n, most),
                    )
                )
        bottom = len(self.lanes) * row
        for index, month in enumerate(self.months):
            if month.endswith("-01") or index == 0:
                rect = QRectF(left + index * slot, bottom + 2, 60, line)
                frame.append((rect, month[:4], Qt.AlignmentFlag.AlignLeft))
        self.cells, self.frame = cells, frame
        return bottom + line + 6 if self.lanes else line * 2

    def paint_frame(self, painter: QPainter) -> None:
        for rect, words, flags in self.frame:
            self.draw_text(painter, rect, words, flags | Qt.AlignmentFlag.AlignVCenter, Role.Text)
        if not self.lanes:
            self.draw_text(painter, QRectF(self.rect()), "No models named yet.",
                           Qt.AlignmentFlag.AlignCenter)  # fmt: skip


def model_label(model: str | None, vendor: str) -> str:
    name = text.vendor_name(vendor)
    return f"{model} ({name})" if model else f"{name} (model not in its export)"


class HourChart(Chart):
    """When you talk: a row a weekday, a cell an hour, shaded by the messages written."""

    def __init__(self) -> None:
        super().__init__("When you talk")
        self.hours: list[list[int]] = [[0] * 24 for _ in range(7)]
        self.frame: list[tuple[QRectF, str, Qt.AlignmentFlag]] = []

    def set_data(self, hours: list[list[int]]) -> None:
        self.hours = hours
        self.current = -1
        self.relayout()

    def lay_out(self, width: float) -> float:
        metrics = self.font_metrics()
        line = metrics.height()
        left = metrics.horizontalAdvance("Wed") + 10
        size = max(8.0, min(26.0, (width - left) / 24 - 2))
        step = size + 2
        most = max((n for row in self.hours for n in row), default=0)
        cells: list[Cell] = []
        frame: list[tuple[QRectF, str, Qt.AlignmentFlag]] = []
        for hour in range(0, 24, 3):
            frame.append((QRectF(left + hour * step, 0, 40, line), f"{hour:02d}",
                          Qt.AlignmentFlag.AlignLeft))  # fmt: skip
        top = line + 4
        for day in range(7):
            y = top + day * step
            frame.append((QRectF(0, y, left - 6, size), WEEKDAYS[day][:3],
                          Qt.AlignmentFlag.AlignRight))  # fmt: skip
            for hour in range(24):
                n = self.hours[day][hour]
                cells.append(
                    Cell(
                        QRectF(left + hour * step, y, size, size),
                        f"{WEEKDAYS[day]}s, {hour:02d}:00 to {(hour + 1) % 24:02d}:00: "
                        f"{plural(n, 'message')}",
                        level=level(n, most),
                    )
                )
        self.cells, self.frame = cells, frame
        return top + 7 * step

    def paint_frame(self, painter: QPainter) -> None:
        for rect, words, flags in self.frame:
            self.draw_text(painter, rect, words, flags | Qt.AlignmentFlag.AlignVCenter)
