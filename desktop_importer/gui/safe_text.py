"""Text views for untrusted text: Markdown without HTML, links that open only in the browser
and only for http, https and mailto, no resource ever loaded (no remote image, no `file:`),
and a height that follows the text so that a conversation scrolls as one page."""

from __future__ import annotations

import bisect
import re
import threading
from typing import Any

from PySide6.QtCore import QRect, QUrl, Signal
from PySide6.QtGui import (
    QColor,
    QDesktopServices,
    QFont,
    QFontDatabase,
    QGuiApplication,
    QPalette,
    QResizeEvent,
    QSyntaxHighlighter,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
)
from PySide6.QtWidgets import QFrame, QSizePolicy, QTextBrowser, QTextEdit, QWidget

from desktop_importer.basics.markdown import SAFE_SCHEMES
from desktop_importer.library import match_spans

MARKDOWN = (
    QTextDocument.MarkdownFeature.MarkdownNoHTML
    | QTextDocument.MarkdownFeature.MarkdownDialectGitHub
)


def is_safe_link(url: QUrl) -> bool:
    return url.isValid() and url.scheme().lower() in SAFE_SCHEMES


def open_safe_link(url: QUrl) -> bool:
    """Open a link in the system's browser if it is http, https or mailto; never anything
    else (a `javascript:`, `file:` or app-specific link from an export does nothing)."""
    if not is_safe_link(url):
        return False
    QDesktopServices.openUrl(url)
    return True


def monospace() -> QFont:
    return QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)


class SafeText(QTextBrowser):
    """A read-only, selectable text that grows to its content's height."""

    linkRefused = Signal(QUrl)
    # The width the last text was laid out at: a new short text starts at the height it has
    # at that width (in a conversation, nearly always its own), not at QTextEdit's 192
    # pixels, so that its message is laid out once rather than twice. A long one waits for
    # its real width: laying it out at a wrong guess would cost a second full layout.
    _width_seen = 0
    FIRST_FIT_CHARS = 20_000

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.anchorClicked.connect(self._clicked)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setVerticalScrollBarPolicy(self.verticalScrollBarPolicy().ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.viewport().setAutoFillBackground(False)
        self.document().setDocumentMargin(2)
        self.document().documentLayout().documentSizeChanged.connect(self._fit)
        self.highlighter: CodeHighlighter | None = None
        self._matches: list[QTextCursor] = []  # the words marked (mark_matches)
        self._current = -1  # the one marked as current

    def set_code(self, code: str, language: str | None) -> None:
        """Code in monospace, coloured by a real lexer for its language."""
        self.setFont(monospace())
        if self.highlighter is None:
            self.highlighter = CodeHighlighter(self.document(), language)
        self.set_plain(code)

    def set_markdown(self, markdown: str) -> None:
        self.document().setMarkdown(markdown, MARKDOWN)
        self._first_fit()

    def set_plain(self, plain: str) -> None:
        self.setPlainText(plain)
        self._first_fit()

    def _first_fit(self) -> None:
        if SafeText._width_seen and self.document().characterCount() <= self.FIRST_FIT_CHARS:
            self.document().setTextWidth(SafeText._width_seen)
            self._fit()

    def mark_matches(self, words: list[str]) -> int:
        """Mark every word the query matches, as a mail client marks a search's words:
        extra selections drawn over the text, which is never changed (no markup is made of
        it). Returns how many."""
        self._matches = []
        document = self.document()
        block = document.begin()
        while block.isValid() and words:
            for start, end in match_spans(block.text(), words):
                cursor = QTextCursor(document)
                cursor.setPosition(block.position() + start)
                cursor.setPosition(block.position() + end, QTextCursor.MoveMode.KeepAnchor)
                self._matches.append(cursor)
            block = block.next()
        self._current = -1
        self._paint_marks()
        return len(self._matches)

    def set_current_match(self, index: int) -> QRect | None:
        """Mark the `index`th match as the current one (-1: none); where it is, in this
        view's coordinates."""
        self._current = index if 0 <= index < len(self._matches) else -1
        self._paint_marks()
        if self._current < 0:
            return None
        return self.cursorRect(self._matches[self._current]).translated(self.viewport().pos())

    def _paint_marks(self) -> None:
        dark = _is_dark(self.palette())
        found, current = QTextCharFormat(), QTextCharFormat()
        found.setBackground(QColor("#6b5a00" if dark else "#ffe36e"))
        current.setBackground(QColor("#c25e00" if dark else "#ff9e3d"))
        for fmt in (found, current):
            fmt.setForeground(QColor("#ffffff" if dark else "#000000"))
        selections = []
        for index, cursor in enumerate(self._matches):
            selection = QTextEdit.ExtraSelection()
            selection.cursor = cursor
            selection.format = current if index == self._current else found
            selections.append(selection)
        self.setExtraSelections(selections)

    def loadResource(self, kind: int, name: QUrl | str) -> Any:
        """Nothing is fetched or read for a document from an export: not a remote image, not
        a local file. (Images of the archive's own media come through addResource.)"""
        return None

    def _clicked(self, url: QUrl) -> None:
        if not open_safe_link(url):
            self.linkRefused.emit(url)

    def fitted_height(self) -> int:
        """The height that shows all of its text at its width."""
        return int(self.document().size().height()) + 2 * self.frameWidth() + 2

    def _fit(self) -> None:
        height = self.fitted_height()
        if self.height() != height:
            self.setFixedHeight(height)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        SafeText._width_seen = self.viewport().width()
        self.document().setTextWidth(SafeText._width_seen)
        self._fit()


# -- syntax colours ---------------------------------------------------------------------

HIGHLIGHT_LIMIT = 200_000  # characters of one code block; a longer one stays plain
_lexers: dict[str, Any] = {}
# A fence without a language is coloured only where its first line says what it is: a
# wrong colouring reads worse than none, and asking Pygments' lexers to guess imports them
# all (0.2 s).
_SURE = (
    (re.compile(r"#!.*\bpython[\d.]*\b"), "python"),
    (re.compile(r"#!.*\b(?:ba|z|k|da)?sh\b"), "bash"),
    (re.compile(r"#!.*\bnode\b"), "javascript"),
    (re.compile(r"<\?php\b"), "php"),
    (re.compile(r"<!doctype html|<html\b", re.IGNORECASE), "html"),
    (re.compile(r"<\?xml\b"), "xml"),
)
# Imported off the GUI thread once the reader exists: a lexer's first use imports its module
# (Python's: 41 ms), a stall in the middle of scrolling (bench.reader_scroll: 108 ms).
COMMON = ("python", "bash", "javascript", "typescript", "sql", "json", "html", "css", "c",
          "cpp", "java", "go", "rust", "yaml", "markdown", "diff")  # fmt: skip
_warming: threading.Thread | None = None


def lexer_for(language: str | None, code: str) -> Any | None:
    """Pygments' lexer for a fence's language (its aliases included: py, sh, js…), or, when
    the fence names none, the one its first line makes sure of; None: leave it plain."""
    if not language:
        first = code.lstrip()[:200].split("\n", 1)[0]
        language = next((name for sure, name in _SURE if sure.match(first)), None)
        if language is None:
            return None
    key = language.strip().lower()
    if key not in _lexers:
        from pygments.lexers import get_lexer_by_name
        from pygments.util import ClassNotFound

        try:
            _lexers[key] = get_lexer_by_name(key, stripnl=False, ensurenl=False)
        except ClassNotFound:
            _lexers[key] = None
    return _lexers[key]


def warm_lexers() -> None:
    """Import the lexers of the languages most code is in, on a thread of its own (once)."""
    global _warming
    if _warming is None:
        _warming = threading.Thread(
            target=lambda: [lexer_for(name, "") for name in COMMON],
            name="warm-lexers",
            daemon=True,
        )
        _warming.start()


def _is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Base).lightness() < 128


# (light, dark) colours of Pygments' token kinds, the most specific kind first.
COLOURS = (
    ("Comment", "#6e7781", "#8a94a6"),
    ("Keyword", "#8250df", "#c792ea"),
    ("Name.Builtin", "#0550ae", "#82aaff"),
    ("Name.Function", "#0550ae", "#82aaff"),
    ("Name.Class", "#953800", "#ffcb6b"),
    ("Name.Decorator", "#953800", "#ffcb6b"),
    ("Name.Tag", "#116329", "#f07178"),
    ("Name.Attribute", "#953800", "#ffcb6b"),
    ("Literal.String", "#0a7d32", "#c3e88d"),
    ("Literal.Number", "#b35900", "#f78c6c"),
    ("Operator.Word", "#8250df", "#c792ea"),
    ("Generic.Deleted", "#cf222e", "#f07178"),
    ("Generic.Inserted", "#116329", "#c3e88d"),
)


class CodeHighlighter(QSyntaxHighlighter):
    """Colours a code block with Pygments' lexer for its language, in two palettes that read
    on light and dark backgrounds. The whole block is lexed in one pass (a string or a
    comment over several lines is coloured as one), and each line is given its part."""

    def __init__(self, document: QTextDocument, language: str | None) -> None:
        super().__init__(document)
        self.language = language
        dark = _is_dark(QGuiApplication.palette())
        self.formats: list[tuple[tuple[str, ...], QTextCharFormat]] = []
        for kind, light_colour, dark_colour in COLOURS:
            fmt = QTextCharFormat()
            fmt.setForeground(QColor(dark_colour if dark else light_colour))
            if kind == "Comment":
                fmt.setFontItalic(True)
            self.formats.append((tuple(kind.split(".")), fmt))
        self._lexed: tuple[int, int] = (-1, -1)  # the document's (revision, length) lexed
        self._spans: list[tuple[int, int, QTextCharFormat]] = []  # (start, end, format)
        self._starts: list[int] = []

    def _format_of(self, token: Any) -> QTextCharFormat | None:
        path = tuple(token)  # Token.Literal.String.Doc -> ("Literal", "String", "Doc")
        for kind, fmt in self.formats:
            if path[: len(kind)] == kind:
                return fmt
        return None

    def _lex(self) -> None:
        document = self.document()
        self._lexed = (document.revision(), document.characterCount())
        self._spans, self._starts = [], []
        code = document.toPlainText()
        if len(code) > HIGHLIGHT_LIMIT:
            return
        lexer = lexer_for(self.language, code)
        if lexer is None:
            return
        for index, token, value in lexer.get_tokens_unprocessed(code):
            fmt = self._format_of(token)
            if fmt is not None and value:
                self._spans.append((index, index + len(value), fmt))
        self._starts = [start for start, _, _ in self._spans]

    def highlightBlock(self, text: str) -> None:
        document = self.document()
        # setPlainText clears and fills the document within one revision: its length tells.
        if self._lexed != (document.revision(), document.characterCount()):
            self._lex()
        if not self._spans:
            return
        begin = self.currentBlock().position()
        end = begin + len(text)
        at = max(0, bisect.bisect_right(self._starts, begin) - 1)
        for start, stop, fmt in self._spans[at:]:
            if start >= end:
                break
            if stop > begin:
                first = max(start, begin)
                self.setFormat(first - begin, min(stop, end) - first, fmt)
