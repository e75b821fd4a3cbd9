"""The conversation list: a model that reads the library a page at a time as the view
scrolls (never one widget per row), a model of search results, the delegate that paints
both, the table view that shows them, and the search field above it. Models hold the
service's plain rows; they never run SQL themselves."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QFont, QFontMetrics, QKeyEvent, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHeaderView,
    QLineEdit,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
)

from desktop_importer import library
from desktop_importer.gui import look, text
from desktop_importer.importing.report import plural
from desktop_importer.vendors.parsed import ARCHIVED, STARRED

ConversationRole = Qt.ItemDataRole.UserRole + 1  # the conversation id
NodeRole = Qt.ItemDataRole.UserRole + 2  # search: the matching message's node id
# The second line, plain text (the delegate paints it; text from an export is never markup),
# a snippet's matched words between library.MATCH_START and MATCH_END.
DetailRole = Qt.ItemDataRole.UserRole + 3
Index = QModelIndex | QPersistentModelIndex
PageLoader = Callable[[tuple[float, int] | None, int], list[library.ListRow]]


def _when(seconds: float | None) -> datetime | None:
    return None if seconds is None else datetime.fromtimestamp(seconds, UTC)


class _Rows(QAbstractListModel):
    """A list without headers: the view is a one-column table, and a screen reader would
    otherwise read a row number before each title."""

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        return None


class ConversationListModel(_Rows):
    """Rows of the library, newest first, fetched a page at a time (`canFetchMore` /
    `fetchMore`): the view asks for more as it scrolls near the end."""

    def __init__(
        self, load_page: PageLoader, *, page: int = library.PAGE, now: Callable[[], datetime]
    ) -> None:
        super().__init__()
        self._load = load_page
        self._page = page
        self._now = now
        self.rows: list[library.ListRow] = []
        self._exhausted = False

    def reload(self) -> None:
        self.beginResetModel()
        self.rows, self._exhausted = [], False
        self.endResetModel()
        self.fetchMore(QModelIndex())

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def canFetchMore(self, parent: Index) -> bool:
        return not parent.isValid() and not self._exhausted

    def fetchMore(self, parent: Index) -> None:
        if parent.isValid() or self._exhausted:
            return
        after = self.rows[-1].cursor if self.rows else None
        found = self._load(after, self._page)
        self._exhausted = len(found) < self._page
        if found:
            self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows) + len(found) - 1)
            self.rows.extend(found)
            self.endInsertRows()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        row = self.rows[index.row()]
        title = row.title or "Untitled"
        updated = _when(row.update_time or row.create_time)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return title
        if role == ConversationRole:
            return row.conversation_id
        if role == Qt.ItemDataRole.ToolTipRole:
            exact = text.local_date_time(updated) if updated else "no date"
            return f"{title}\nLast updated {exact}"
        details = [
            text.vendor_name(row.vendor),
            text.relative_time(updated, self._now()) if updated else "no date",
            plural(row.message_count, "message"),
        ]
        # Markers lead the line, where a narrow list does not cut them off.
        flags = row.flags or 0
        markers = [
            words
            for shown, words in (
                (flags & STARRED, "★ Starred"),
                (flags & ARCHIVED, "Archived"),
                (row.gone, "Not in latest export"),
            )
            if shown
        ]
        details = markers + details
        if role == DetailRole:
            return " · ".join(details)
        if role == Qt.ItemDataRole.AccessibleDescriptionRole:
            return ", ".join(details)
        return None


class SearchResultsModel(_Rows):
    """The results of one search, best first: a title and a snippet with the matched words
    marked (painted bold by the delegate; text from an export never becomes markup)."""

    def __init__(self) -> None:
        super().__init__()
        self.results: list[library.SearchResult] = []

    def set_results(self, results: list[library.SearchResult]) -> None:
        self.beginResetModel()
        self.results = results
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.results)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.results):
            return None
        result = self.results[index.row()]
        title = result.title or "Untitled"
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return title
        if role == ConversationRole:
            return result.conversation_id
        if role == NodeRole:
            return result.node_id
        if role == DetailRole:
            return result.snippet or result.marked_title or ""
        if role in (Qt.ItemDataRole.AccessibleDescriptionRole, Qt.ItemDataRole.ToolTipRole):
            return library.plain_marks(result.snippet or result.marked_title or "", "", "")
        return None


class RowDelegate(QStyledItemDelegate):
    """Two lines a row: the title, then the details (vendor, date, count) or a snippet
    whose matched words are bold. Painted directly: a QTextDocument per row per paint cost
    about a millisecond a row, a visible stall while scrolling."""

    PADDING = 8

    @classmethod
    def row_height(cls, metrics: QFontMetrics) -> int:
        return metrics.height() * 2 + cls.PADDING * 2 + 4

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        return QSize(200, self.row_height(option.fontMetrics))

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        painter.save()
        style = option.widget.style() if option.widget else QApplication.style()
        style.drawPrimitive(
            QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, option.widget
        )
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        palette: QPalette = option.palette
        pad = self.PADDING
        rect: QRect = option.rect.adjusted(pad, pad // 2, -pad, -pad // 2)
        line = option.fontMetrics.height() + 2
        plain, bold = QFont(option.font), QFont(option.font)
        bold.setWeight(QFont.Weight.DemiBold)
        painter.setFont(bold)
        painter.setPen(palette.color(_role(selected, QPalette.ColorRole.Text)))
        title = painter.fontMetrics().elidedText(
            str(index.data(Qt.ItemDataRole.DisplayRole) or ""),
            Qt.TextElideMode.ElideRight,
            rect.width(),
        )
        first = QRect(rect.left(), rect.top(), rect.width(), line)
        painter.drawText(first, Qt.AlignmentFlag.AlignVCenter, title)
        painter.setPen(palette.color(_role(selected, QPalette.ColorRole.PlaceholderText)))
        x, right = rect.left(), rect.right()
        second_top = rect.top() + line + 2
        for words, marked in segments(str(index.data(DetailRole) or "")):
            painter.setFont(bold if marked else plain)
            metrics = painter.fontMetrics()
            room = right - x
            shown = metrics.elidedText(words, Qt.TextElideMode.ElideRight, room)
            painter.drawText(QRect(x, second_top, room, line), Qt.AlignmentFlag.AlignVCenter, shown)
            x += metrics.horizontalAdvance(shown)
            if shown != words or x >= right:
                break
        painter.restore()


def _role(selected: bool, role: QPalette.ColorRole) -> QPalette.ColorRole:
    return QPalette.ColorRole.HighlightedText if selected else role


def segments(marked: str) -> list[tuple[str, bool]]:
    """A marked snippet as (words, is a match) pieces, in order."""
    pieces: list[tuple[str, bool]] = []
    rest = marked
    while rest:
        start = rest.find(library.MATCH_START)
        if start < 0:
            pieces.append((rest, False))
            break
        if start:
            pieces.append((rest[:start], False))
        end = rest.find(library.MATCH_END, start)
        end = len(rest) if end < 0 else end
        pieces.append((rest[start + 1 : end], True))
        rest = rest[end + 1 :]
    return [(words, marked) for words, marked in pieces if words]


class SearchField(QLineEdit):
    """Esc clears it; Down moves into the results."""

    downPressed = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and self.text():
            self.clear()
            return
        if event.key() == Qt.Key.Key_Down:
            self.downPressed.emit()
            return
        super().keyPressEvent(event)


class ConversationListView(QTableView):
    """The list of conversations: a one-column table without headers or grid, every row the
    same height. A table lays out nothing per row: appending a page costs the same at row
    50,000 as at row 200, where a tree view re-laid out every row (30 ms a page at 53,000
    rows) and a list view did the same. Enter opens the current row (arrows move, as in any
    list)."""

    def __init__(self) -> None:
        super().__init__()
        self.horizontalHeader().hide()
        self.horizontalHeader().setStretchLastSection(True)
        rows = self.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        look.flat_scroll_bar(self.verticalScrollBar())
        self._fit_rows()

    def _fit_rows(self) -> None:
        self.verticalHeader().setDefaultSectionSize(RowDelegate.row_height(self.fontMetrics()))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.FontChange:
            self._fit_rows()
        super().changeEvent(event)

    activatedByKey = Signal(QModelIndex)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.activatedByKey.emit(self.currentIndex())
            return
        super().keyPressEvent(event)
