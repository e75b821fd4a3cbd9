"""Text views for untrusted text: Markdown without HTML, links that open only in the browser
and only for http, https and mailto, no resource ever loaded (no remote image, no `file:`),
and a height that follows the text so that a conversation scrolls as one page."""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import QUrl, Signal
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
    QTextDocument,
    QTextFormat,
)
from PySide6.QtWidgets import QFrame, QSizePolicy, QTextBrowser, QWidget

SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
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
        self.highlighter = CodeHighlighter(self.document())

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

_KEYWORD_WORDS = (
    "and as assert async await break case catch class const continue def del elif "
    "else enum except export extends false final finally fn for from func function "
    "go if impl import in interface is lambda let loop match mod mut new nil none "
    "not null or package pass private protected pub public raise return self static "
    "struct super switch this throw trait true try type typeof use val var void "
    "where while with yield True False None"
)
KEYWORDS = frozenset(_KEYWORD_WORDS.split())
TOKENS = re.compile(
    r"(?P<comment>#[^\n]*|//[^\n]*|--[^\n]*)"
    r"|(?P<string>\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'|`[^`\n]*`)"
    r"|(?P<number>\b\d[\d_.xXa-fA-F]*\b)"
    r"|(?P<word>\b[A-Za-z_][A-Za-z0-9_]*\b)"
)
HIGHLIGHT_LIMIT = 4000  # characters of one line; longer lines stay plain


def _is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Base).lightness() < 128


class CodeHighlighter(QSyntaxHighlighter):
    """Colours keywords, strings, numbers and comments in code blocks (those of Markdown and
    code shown on its own), in two palettes that read on light and dark backgrounds. A
    token colouring, not a parser: good enough to read by, and linear in the text."""

    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        dark = _is_dark(QGuiApplication.palette())
        colours = {
            "keyword": "#c792ea" if dark else "#8250df",
            "string": "#c3e88d" if dark else "#0a7d32",
            "number": "#f78c6c" if dark else "#b35900",
            "comment": "#8a94a6" if dark else "#6e7781",
        }
        self.formats: dict[str, QTextCharFormat] = {}
        for name, colour in colours.items():
            fmt = QTextCharFormat()
            fmt.setForeground(QColor(colour))
            if name == "comment":
                fmt.setFontItalic(True)
            self.formats[name] = fmt

    def highlightBlock(self, text: str) -> None:
        block_format = self.currentBlock().blockFormat()
        if not block_format.hasProperty(QTextFormat.Property.BlockCodeFence) and not (
            block_format.nonBreakableLines()
        ):
            return
        if len(text) > HIGHLIGHT_LIMIT:
            return
        for match in TOKENS.finditer(text):
            kind = match.lastgroup or ""
            if kind == "word":
                if match.group() not in KEYWORDS:
                    continue
                kind = "keyword"
            self.setFormat(match.start(), match.end() - match.start(), self.formats[kind])
