"""Find in this conversation: a bar above the reader, as a browser's or a mail client's
find bar. Ctrl+F opens it, Enter and F3 go to the next match, Shift+Enter and Shift+F3 to
the previous one, Esc closes it; "3 of 17" says where the reader is, and a screen reader
is told when that changes."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QToolButton, QWidget

from desktop_importer.gui import look

DEBOUNCE_MS = 150  # as the archive's search: results as you type, not on every key


class FindField(QLineEdit):
    """Enter: next; Shift+Enter: previous; Esc: close."""

    nextPressed = Signal()
    previousPressed = Signal()
    escapePressed = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            shifted = event.modifiers() & Qt.KeyboardModifier.ShiftModifier
            (self.previousPressed if shifted else self.nextPressed).emit()
            return
        if event.key() == Qt.Key.Key_Escape:
            self.escapePressed.emit()
            return
        super().keyPressEvent(event)


class FindBar(QWidget):
    """The bar's field, its count and its buttons; what to find is asked of its owner
    (`changed`, after a short pause in typing), and the owner says what was found."""

    changed = Signal(str)  # what to find, after the pause
    nextRequested = Signal()
    previousRequested = Signal()
    closed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("FindBar")
        self.field = FindField()
        self.field.setPlaceholderText("Find in this conversation")
        self.field.setAccessibleName("Find in this conversation")
        self.field.setClearButtonEnabled(True)
        self.count = look.secondary(QLabel())
        self.count.setAccessibleName("No search yet")
        self.count.setMinimumWidth(90)
        self.previous = self._button("↑", "Previous match (Shift+F3)")
        self.next = self._button("↓", "Next match (F3)")
        self.close_button = self._button("✕", "Close find bar (Esc)")
        row = QHBoxLayout(self)
        row.setContentsMargins(8, 4, 8, 4)
        row.setSpacing(4)
        row.addWidget(self.field, 1)
        row.addWidget(self.count)
        for button in (self.previous, self.next, self.close_button):
            row.addWidget(button)
        self.debounce = QTimer(self)
        self.debounce.setSingleShot(True)
        self.debounce.setInterval(DEBOUNCE_MS)
        self.debounce.timeout.connect(lambda: self.changed.emit(self.field.text()))
        self.field.textChanged.connect(lambda _text: self.debounce.start())
        self.field.nextPressed.connect(self._next)
        self.field.previousPressed.connect(self.previousRequested)
        self.field.escapePressed.connect(self.closed)
        self.previous.clicked.connect(self.previousRequested)
        self.next.clicked.connect(self._next)
        self.close_button.clicked.connect(self.closed)
        self.hide()

    def _button(self, glyph: str, name: str) -> QToolButton:
        button = QToolButton()
        button.setText(glyph)
        button.setToolTip(name)
        button.setAccessibleName(name)
        button.setAutoRaise(True)
        return button

    def _next(self) -> None:
        if self.debounce.isActive():  # Enter before the pause: find now, at the first match
            self.debounce.stop()
            self.changed.emit(self.field.text())
            return
        self.nextRequested.emit()

    def open(self) -> None:
        self.show()
        self.field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.field.selectAll()

    def say(self, current: int, total: int) -> None:
        """Show (and tell a screen reader) where the reader is among the matches."""
        if not self.field.text().strip():
            words = ""
        elif total == 0:
            words = "No matches"
        else:
            words = f"{current + 1:,} of {total:,}"
        self.count.setText(words)
        # Setting the name sends the accessibility event a screen reader announces.
        self.count.setAccessibleName(f"{words} matches" if total else words or "No search yet")
        self.previous.setEnabled(total > 1)
        self.next.setEnabled(total > 1)
