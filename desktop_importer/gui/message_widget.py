"""One message in the reader pane, as the vendor's app shows it: its speaker and time, each
block of the structured message view in its own widget (Markdown, code with its language,
collapsible thoughts and attachments, Canvas documents, images and files:
gui/media_view.py), a switcher ("< 2/3 >") where the message has siblings (an edit or a
regeneration), and the words a search found marked.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCore import QRect, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop_importer.basics.markdown import (
    escape_markdown,
    inert_images,
    is_safe_link,
    split_fences,
)
from desktop_importer.basics.media import asset_id
from desktop_importer.basics.settings import human_bytes
from desktop_importer.gui import look, text
from desktop_importer.gui.media_view import media_widget
from desktop_importer.gui.safe_text import SafeText
from desktop_importer.library import MediaFile, ReaderMessage, speaker
from desktop_importer.vendors.blocks import Block, heading, plain_text

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
        url = block.url or ""
        linkable = is_safe_link(url) and not any(c in url for c in " <>\n")
        view.set_markdown(f"Source: [{words}](<{url}>)" if linkable else f"Source: {words}")
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
