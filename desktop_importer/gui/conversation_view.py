"""The reader pane: one conversation's branch as the vendor's app shows it. One widget per
message, built as it scrolls into view; each block of the structured message view gets its
own widget (Markdown, code with its language, collapsible thoughts and attachments, Canvas
documents, images and files: gui/media_view.py), and a switcher ("< 2/3 >") where a message has
siblings (an edit or a regeneration).

Over 400 lines: the reader pane's widgets (message, folded block, media, branch switch)
and their keyboard and accessibility wiring, which read best side by side.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCore import QRect, Qt, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop_importer.basics.markdown import escape_markdown, inert_images, split_fences
from desktop_importer.basics.media import asset_id
from desktop_importer.basics.settings import human_bytes
from desktop_importer.gui import look, text
from desktop_importer.gui.media_view import media_widget
from desktop_importer.gui.safe_text import SafeText, warm_lexers
from desktop_importer.importing.report import plural
from desktop_importer.library import MediaFile, ReaderConversation, ReaderMessage, speaker
from desktop_importer.vendors.blocks import Block, heading, plain_text

# Messages built at once when a conversation opens (the first paint); the others follow one
# per turn of the event loop. Four at once stalled switching conversations for 18-29 ms
# (p99), one for 16; two a turn with images stalled it 21-23 ms.
FIRST = 1
STEP = 1
AHEAD = 20  # messages kept built ahead of what is on screen
BEFORE = 1  # messages built above a search hit as it opens; the rest as the reader scrolls up
COLLAPSE_BYTES = 64 * 1024  # a message longer than this starts collapsed behind "Show all"
PREVIEW_CHARS = 3000  # what a collapsed message shows
MARKDOWN_LIMIT = 256 * 1024  # longer text is shown as plain text: Markdown of 5 MB took 2.4 s


class Collapsible(QWidget):
    """A heading that shows or hides its body (thoughts, attachments, tool calls)."""

    def __init__(self, heading: str, body: QWidget, *, expanded: bool = False) -> None:
        super().__init__()
        self.toggle = QToolButton()
        self.toggle.setText(heading)
        self.toggle.setCheckable(True)
        self.toggle.setChecked(expanded)
        self.toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if expanded else Qt.ArrowType.RightArrow)
        self.toggle.setAccessibleName(f"Show or hide: {heading}")
        self.toggle.setAutoRaise(True)
        self.body = body
        body.setVisible(expanded)
        self.toggle.toggled.connect(self._toggled)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.toggle)
        layout.addWidget(body)

    def _toggled(self, on: bool) -> None:
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if on else Qt.ArrowType.RightArrow)
        self.body.setVisible(on)


def _text_view(content: str, *, markdown: bool, name: str) -> SafeText:
    view = SafeText()
    view.setAccessibleName(name)
    if markdown and len(content) <= MARKDOWN_LIMIT:
        view.set_markdown(content)
    else:
        view.set_plain(content)
    return view


def _code_view(code: str, language: str | None, name: str) -> QWidget:
    box = look.Card()
    box.setObjectName("Code")
    layout = QVBoxLayout(box)
    layout.setContentsMargins(8, 4, 8, 6)
    layout.setSpacing(2)
    label = look.secondary(QLabel(language or "code"))
    label.setObjectName("CodeLanguage")
    layout.addWidget(label)
    view = SafeText()
    view.setAccessibleName(f"{name}, {language or 'code'}")
    view.set_code(code, language)
    layout.addWidget(view)
    return box


def _markdown_view(markdown: str) -> QWidget:
    pieces = (
        split_fences(markdown) if len(markdown) <= MARKDOWN_LIMIT else [("text", markdown, None)]
    )
    if len(pieces) == 1 and pieces[0][0] == "text":
        return _text_view(inert_images(markdown), markdown=True, name="Message text")
    box = QWidget()
    column = QVBoxLayout(box)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(6)
    for kind, content, language in pieces:
        if kind == "code":
            column.addWidget(_code_view(content, language, "Code"))
        else:
            column.addWidget(_text_view(inert_images(content), markdown=True, name="Message text"))
    return box


def block_widget(
    block: Block, *, user_text: bool, file_for: Callable[[str | None], MediaFile | None]
) -> QWidget:
    """The widget of one block of the structured message view; `file_for` finds the kept
    file a media block points at."""
    if block.kind == "text":
        if user_text:
            return _text_view(block.text, markdown=False, name="Message text")
        return _markdown_view(block.text)
    if block.kind == "code":
        return _code_view(block.text, block.language, "Code")
    if block.kind == "reasoning":
        return look.secondary(QLabel(block.text))
    if block.kind == "canvas":
        body = (
            _text_view(block.text, markdown=True, name="Document")
            if block.language in (None, "document")
            else _code_view(block.text, (block.language or "").removeprefix("code/"), "Document")
        )
        return Collapsible(f"Document: {block.title}", body, expanded=True)
    if block.kind in ("image", "audio", "file"):
        name = block.name or asset_id(block.pointer) or "unnamed"
        return media_widget(block.kind, name, block.text, file_for(block.pointer))
    if block.kind == "citation":
        view = SafeText()
        view.setAccessibleName("Source")
        words = escape_markdown(block.title or block.url or "")
        view.set_markdown(f"Source: [{words}]({block.url})")
        return view
    title = heading(block)
    if block.kind == "tool_call":
        folded: QWidget = _code_view(block.text, block.language, title)
    elif block.kind == "unknown":
        folded = _code_view(block.raw or "", "json", title)
    else:
        content = block.text + (f"\n\n{block.url}" if block.url else "")
        folded = _text_view(content, markdown=block.kind == "thoughts", name=title)
    return Collapsible(title, folded)


class MessageWidget(look.Card):
    """One message: who and when, its blocks, its branch switcher and "Copy message". A
    card on the reader's base, shaded for the user's turns, outlined when a search hit."""

    branchRequested = Signal(str, str)  # parent node id, the sibling to show
    copyRequested = Signal(str)  # the message as plain text

    def __init__(
        self,
        message: ReaderMessage,
        vendor: str,
        file_for: Callable[[str | None], MediaFile | None] = lambda pointer: None,
    ) -> None:
        user = message.role == "user"
        super().__init__(radius=8, fill=look.Role.AlternateBase if user else look.Role.Base)
        self.message = message
        self.file_for = file_for
        self._words: list[str] = []  # what `mark` marked, marked again in a text built later
        self._views: list[SafeText] = []
        self._counts: list[int] = []  # matches in each of `_views`
        self.setObjectName("Message")
        self.setProperty("match", False)
        who = speaker(message, vendor)
        when = (
            text.local_date_time(datetime.fromtimestamp(message.create_time, UTC))
            if message.create_time is not None
            else ""
        )
        self.setAccessibleName(f"{who}, {when}" if when else who)
        header = QHBoxLayout()
        header.setSpacing(6)
        self.who = QLabel(who)
        look.strong(self.who)
        header.addWidget(self.who)
        self.when = look.secondary(QLabel(when))
        header.addWidget(self.when)
        for shown, words in (
            (message.hidden, "hidden in the app"),
            (not message.in_export, "no longer in the latest export"),
        ):
            if shown:
                header.addWidget(look.Framed(words))
        header.addStretch(1)
        self.switcher: QWidget | None = None
        if len(message.siblings) > 1:
            self.switcher = self._switcher()
            header.addWidget(self.switcher)
        self.copy = QToolButton()
        self.copy.setText("Copy")
        self.copy.setAccessibleName(f"Copy message from {who}")
        self.copy.clicked.connect(lambda: self.copyRequested.emit(plain_text(message.blocks)))
        header.addWidget(self.copy)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 10)
        layout.setSpacing(6)
        layout.addLayout(header)
        self.body = QVBoxLayout()
        self.body.setSpacing(6)
        layout.addLayout(self.body)
        if message.text_bytes > COLLAPSE_BYTES:
            self._collapsed()
        else:
            self._build()

    def _switcher(self) -> QWidget:
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        index, total = self.message.sibling_index, len(self.message.siblings)
        self.previous = QToolButton()
        self.previous.setText("‹")  # noqa: RUF001 (the vendor apps' own arrow)
        self.previous.setAccessibleName("Previous version of this message")
        self.previous.setEnabled(index > 0)
        self.position = QLabel(f"{index + 1}/{total}")
        self.position.setAccessibleName(f"Version {index + 1} of {total}")
        self.next = QToolButton()
        self.next.setText("›")  # noqa: RUF001
        self.next.setAccessibleName("Next version of this message")
        self.next.setEnabled(index < total - 1)
        self.previous.clicked.connect(lambda: self._go(index - 1))
        self.next.clicked.connect(lambda: self._go(index + 1))
        for widget in (self.previous, self.position, self.next):
            row.addWidget(widget)
        return box

    def _go(self, index: int) -> None:
        siblings = self.message.siblings
        if 0 <= index < len(siblings) and self.message.parent_id is not None:
            self.branchRequested.emit(self.message.parent_id, siblings[index])

    def _build(self) -> None:
        user_text = self.message.role == "user"
        for block in self.message.blocks:
            self.body.addWidget(block_widget(block, user_text=user_text, file_for=self.file_for))
        if not self.message.blocks:
            self.body.addWidget(look.secondary(QLabel("(no content)")))

    def _collapsed(self) -> None:
        whole = plain_text(self.message.blocks)
        preview = _text_view(
            whole[:PREVIEW_CHARS] + "…", markdown=False, name="Message text, shortened"
        )
        more = QPushButton(f"Show all ({human_bytes(self.message.text_bytes)})")
        more.setAccessibleName("Show the whole message")

        def expand() -> None:
            preview.setParent(None)  # gone now: not among the texts marked below
            preview.deleteLater()
            more.deleteLater()
            self._build()
            if self._words:
                self.mark(self._words)

        more.clicked.connect(expand)
        self.body.addWidget(preview)
        self.body.addWidget(more, 0, Qt.AlignmentFlag.AlignLeft)
        self.show_all = more

    def set_match(self, on: bool) -> None:
        self.setProperty("match", on)
        self.update()

    def mark(self, words: list[str]) -> int:
        """Mark the words a search or the find bar matched in every text of the message
        (inert: drawn over the text); returns how many."""
        self._words = words
        self._views = self.findChildren(SafeText)
        self._counts = [view.mark_matches(words) for view in self._views]
        return sum(self._counts)

    def show_match(self, index: int) -> QRect | None:
        """Make the `index`th match (the last, if there are fewer) the current one, opening
        a folded block that holds it; where it is, in this widget's coordinates."""
        found: QRect | None = None
        if sum(self._counts):
            index = min(index, sum(self._counts) - 1)
        for view, count in zip(self._views, self._counts, strict=True):
            if found is None and 0 <= index < count:
                folded = view.parentWidget()
                while folded is not None and folded is not self:
                    if isinstance(folded, Collapsible) and not folded.toggle.isChecked():
                        folded.toggle.setChecked(True)
                    folded = folded.parentWidget()
                rect = view.set_current_match(index)
                if rect is not None:
                    found = QRect(view.mapTo(self, rect.topLeft()), rect.size())
            else:
                view.set_current_match(-1)
            index -= count
        return found

    def colours(self) -> tuple[QColor | None, QColor, float]:
        fill, border, width = super().colours()
        if self.property("match"):
            return fill, self.palette().color(look.Role.Highlight), 2.0
        return fill, border, width


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
