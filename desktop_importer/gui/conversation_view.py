"""The reader pane: one conversation's branch as the vendor's app shows it. One widget per
message (message_widget.py), built as it scrolls into view, a few ahead of what is on
screen and released behind it; the pane opens at a message (a search hit) and marks the
words found.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCore import QRect, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop_importer.gui import look, text
from desktop_importer.gui.message_widget import MessageWidget
from desktop_importer.gui.safe_text import warm_lexers
from desktop_importer.importing.report import plural
from desktop_importer.library import ReaderConversation, ReaderMessage

# Messages built at once when a conversation opens (the first paint); the others follow one
# per turn of the event loop. Four at once stalled switching conversations for 18-29 ms
# (p99), one for 16; two a turn with images stalled it 21-23 ms.
FIRST = 1
STEP = 1
AHEAD = 20  # messages kept built ahead of what is on screen
BEFORE = 1  # messages built above a search hit as it opens; the rest as the reader scrolls up


class PageLayout(QVBoxLayout):
    """The reader page's column. A message added makes the page's layout run at the page's
    old height before the scroll area grows the page: a QVBoxLayout then squeezed every
    message built so far into that height, and the next pass gave them their height back
    (two resizes of every message per message added: 40 µs each, 4 ms with a hundred
    built). This one lays its items out as tall as they ask for their width and grows the
    page at once, so that the scroll range (and a view kept on a message while others are
    added above it) follows in the same turn, before anything is painted; `arranged` is
    told each time."""

    arranged: Callable[[], None] | None = None

    def setGeometry(self, rect: QRect) -> None:
        needed = (
            self.heightForWidth(rect.width())
            if self.hasHeightForWidth()
            else self.sizeHint().height()
        )
        if needed <= rect.height():
            super().setGeometry(rect)
        else:
            super().setGeometry(QRect(rect.x(), rect.y(), rect.width(), needed))
            page = self.parentWidget()
            if page is not None:
                page.resize(page.width(), page.height() + needed - rect.height())
        if self.arranged is not None:
            self.arranged()


class ReaderView(QScrollArea):
    """The reader pane: the conversation's title, "Show hidden", and its messages."""

    branchRequested = Signal(str, str)
    showHiddenToggled = Signal(bool)
    copyRequested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        # Over 60 lines: the pane's widgets, built and wired top to bottom as they appear.
        super().__init__(parent)
        self.setObjectName("Reader")
        warm_lexers()
        self.setWidgetResizable(True)
        self.setAccessibleName("Conversation")
        # A scroll bar that came and went as messages were added changed the page's width,
        # and every message laid its text out again (up to 14 ms a step).
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        look.flat_scroll_bar(self.verticalScrollBar())
        page = QWidget()
        page.setObjectName("ReaderPage")
        page.setAutoFillBackground(True)
        # Growing at the bottom as messages are added repaints only what it uncovers, not
        # every message on screen.
        page.setAttribute(Qt.WidgetAttribute.WA_StaticContents)
        page.setBackgroundRole(look.Role.Base)
        self.column = PageLayout(page)
        self.column.setContentsMargins(16, 12, 16, 16)
        self.column.setSpacing(10)
        self.title = QLabel()
        self.title.setObjectName("ReaderTitle")
        look.strong(self.title, 14)
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details = look.secondary(QLabel())
        self.details.setTextFormat(Qt.TextFormat.PlainText)  # names from exports, as typed
        self.show_hidden = QCheckBox("Show hidden")
        self.show_hidden.setAccessibleName("Show hidden and tool messages")
        look.styled(self.show_hidden)  # its box, visible on a dark base
        self.show_hidden.toggled.connect(self.showHiddenToggled)
        top = QHBoxLayout()
        top.addWidget(self.details, 1)
        top.addWidget(self.show_hidden)
        self.column.addWidget(self.title)
        self.column.addLayout(top)
        self.messages = QVBoxLayout()
        self.messages.setSpacing(10)
        self.column.addLayout(self.messages)
        self.column.addStretch(1)
        self.setWidget(page)
        self.widgets: list[MessageWidget] = []
        self._graveyard: list[MessageWidget] = []
        self._reaper = QTimer(self)
        self._reaper.setInterval(0)
        self._reaper.timeout.connect(self._reap)
        self.conversation: ReaderConversation | None = None
        self._pending: list[ReaderMessage] = []  # below the last message built
        self._earlier: list[ReaderMessage] = []  # above the first message built
        self._anchor: tuple[MessageWidget, int] | None = None  # (widget, its y) to keep in view
        self._following = False  # the reader, not the person, is scrolling
        self.column.arranged = self._follow_anchor
        self._wanted = 0
        self.marks: list[str] = []  # the words marked in every message (a search, find)
        self._current_match: MessageWidget | None = None
        # The next message is built from a zero timer, not a posted call: Qt's glib loop runs a
        # timer that has just fired only once posted events (paints, layouts, input handed
        # on) have been sent, so building never holds them up. A chain of posted calls was
        # sent back to back with them, two builds before the next timer or key press.
        self._stepper = QTimer(self)
        self._stepper.setSingleShot(True)
        self._stepper.setInterval(0)
        self._stepper.timeout.connect(self._step)
        self.verticalScrollBar().valueChanged.connect(self._scrolled)
        self.verticalScrollBar().rangeChanged.connect(lambda *_: self._maybe_more())
        self.show_empty()

    def show_empty(self) -> None:
        self._clear()
        self.conversation = None
        self.title.setText("Choose a conversation")
        self.details.setText("Its messages appear here.")
        self.show_hidden.setEnabled(False)

    def show_conversation(self, view: ReaderConversation, *, focus: str | None = None) -> None:
        """Show `view` from the top, or scrolled to the message `focus`, highlighted."""
        keep = view.conversation_id == (self.conversation and self.conversation.conversation_id)
        position = self.verticalScrollBar().value() if keep and focus is None else 0
        self._clear()
        self.conversation = view
        self.title.setText(view.title or "Untitled")
        updated = view.update_time or view.create_time
        parts = [text.vendor_name(view.vendor)]
        if view.project:
            parts.append(f"project {view.project}")
        if updated is not None:
            parts.append(text.local_date_time(datetime.fromtimestamp(updated, UTC)))
        parts.append(plural(len(view.messages), "message"))
        if view.hidden_count:
            parts.append(f"{view.hidden_count:,} hidden")
        self.details.setText(" · ".join(parts))
        self.show_hidden.setEnabled(True)
        target = next((i for i, m in enumerate(view.messages) if m.node_id == focus), None)
        # A hit opens with BEFORE messages above it; the earlier ones are built as the
        # reader scrolls up (building the 1,995 above a hit took 4.7 s in one turn).
        start = 0 if target is None else max(0, target - BEFORE)
        self._earlier = list(view.messages[:start])
        self._pending = list(view.messages[start:])
        self._build(FIRST if target is None else target - start + FIRST)
        self._wanted = len(self.widgets) + AHEAD if target is not None else AHEAD
        self._more_soon()
        if target is not None:
            widget = self.widgets[target - start]
            widget.set_match(True)
            QTimer.singleShot(0, lambda: self.ensureWidgetVisible(widget, 0, 40))
        else:
            QTimer.singleShot(0, lambda: self.verticalScrollBar().setValue(position))

    def set_marks(self, words: list[str]) -> None:
        """Mark `words` in the messages built and in each built from now on."""
        self.marks = list(words)
        self._current_match = None
        for widget in self.widgets:
            widget.mark(self.marks)

    def jump_to(self, node_id: str, occurrence: int) -> None:
        """Show the `occurrence`th match in the message `node_id`, marked as the current
        one. A message not built yet is opened as a search hit is (a few messages above
        it, the rest as the reader scrolls), never by building everything before it."""
        widget = self.message_widget(node_id)
        if widget is None and self.conversation is not None:
            self.show_conversation(self.conversation, focus=node_id)
            widget = self.message_widget(node_id)
        if widget is None:
            return
        if self._current_match is not None and self._current_match is not widget:
            self._current_match.show_match(-1)
        self._current_match = widget
        widget.show_match(occurrence)  # marked now; scrolled to once it is laid out
        QTimer.singleShot(0, lambda: self._scroll_to(widget, occurrence))

    def _scroll_to(self, widget: MessageWidget, occurrence: int) -> None:
        if widget not in self.widgets:
            return
        rect = widget.show_match(occurrence)
        page = self.widget()
        if rect is None or page is None:
            self.ensureWidgetVisible(widget, 0, 40)
            return
        spot = widget.mapTo(page, rect.center())
        self.ensureVisible(spot.x(), spot.y(), 0, max(60, self.viewport().height() // 3))

    def message_widget(self, node_id: str) -> MessageWidget | None:
        return next((w for w in self.widgets if w.message.node_id == node_id), None)

    def _clear(self) -> None:
        # Hidden now, deleted one per turn of the event loop: taking a dozen widgets out of
        # the layout at once (setParent) cost a third of switching conversations, and
        # deleting twenty at once 1-2.5 ms more of the turn that shows the next one.
        for widget in self.widgets:
            widget.hide()
        self._graveyard += self.widgets
        if self._graveyard:
            self._reaper.start()
        self.widgets = []
        self._pending = []
        self._earlier = []
        self._anchor = None
        self._current_match = None

    def _reap(self) -> None:
        if self._graveyard:
            self._graveyard.pop().deleteLater()
        if not self._graveyard:
            self._reaper.stop()

    def _message_widget(self, message: ReaderMessage, at: int) -> None:
        """Build `message`'s widget and put it at `at` in the column (and in `widgets`)."""
        assert self.conversation is not None
        widget = MessageWidget(message, self.conversation.vendor, self.conversation.file_for)
        widget.branchRequested.connect(self.branchRequested)
        widget.copyRequested.connect(self.copyRequested)
        if self.marks:
            widget.mark(self.marks)
        self.messages.insertWidget(at, widget)
        self.widgets.insert(at, widget)

    def _build(self, count: int) -> None:
        if self.conversation is None:
            return
        for message in self._pending[:count]:
            self._message_widget(message, len(self.widgets))
        self._pending = self._pending[count:]

    def _build_earlier(self) -> None:
        """Build the message above the first one built. What is on screen stays where it
        is: the first message in view when the reader began building above it is the
        anchor (until the person scrolls), and the scroll position follows it as the page
        grows above it."""
        if self.conversation is None or not self._earlier:
            return
        if self._anchor is None:
            top = self.verticalScrollBar().value()
            anchor = next((w for w in self.widgets if w.y() + w.height() > top), None)
            if anchor is not None:
                self._anchor = (anchor, anchor.y())
        self._message_widget(self._earlier.pop(), 0)

    def _follow_anchor(self) -> None:
        """Scroll by as much as the layout moved the anchor (messages built above it)."""
        if self._anchor is None:
            return
        widget, was = self._anchor
        moved = widget.y() - was
        bar = self.verticalScrollBar()
        if moved:
            self._following = True
            bar.setValue(bar.value() + moved)
            self._following = False
            self._anchor = (widget, widget.y())

    def _more_soon(self) -> None:
        if (self._pending or self._earlier) and not self._stepper.isActive():
            self._stepper.start()

    def _step(self) -> None:
        """Build one more message per turn of the event loop, below or above what is built,
        so that opening a long conversation never holds the window for long."""
        if self._pending and (len(self.widgets) < self._wanted or self._near_end()):
            self._build(STEP)
            self._more_soon()
        elif self._earlier and self._near_top():
            self._build_earlier()
            self._more_soon()

    def _maybe_more(self) -> None:
        if self._pending and self._near_end():
            self._wanted = len(self.widgets) + AHEAD
            self._more_soon()
        elif self._earlier and self._near_top():
            self._more_soon()

    def _scrolled(self) -> None:
        if not self._following:  # the person scrolled: the next anchor is what they see then
            self._anchor = None
        self._maybe_more()

    def _near_top(self) -> bool:
        """Within two screens of the first message built."""
        return self.verticalScrollBar().value() <= 2 * self.viewport().height()

    def _near_end(self) -> bool:
        """Within two screens of the last message built."""
        bar = self.verticalScrollBar()
        return bar.value() >= bar.maximum() - 2 * self.viewport().height()
