"""The large drop target: says while a drag hovers whether it will take it, and why not."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDragLeaveEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QFrame, QLabel, QPushButton, QSizePolicy, QStatusBar, QVBoxLayout

from desktop_importer.gui.drop_rules import DropVerdict, judge

if TYPE_CHECKING:
    from collections.abc import Callable

    from desktop_importer.gui.look import DropFrame

IDLE_TEXT = "Drop your AI chat export (.zip) here"
IDLE_HINT = (
    "ChatGPT, Claude, DeepSeek, Grok, Gemini (Google Takeout) or Le Chat; or its files, or "
    "their folder; or choose them yourself (Ctrl+O)"
)


def verdict_for(event: QDragEnterEvent | QDragMoveEvent | QDropEvent) -> DropVerdict:
    urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
    local = [Path(url.toLocalFile()) for url in urls if url.isLocalFile()]
    return judge(local, remote=len(urls) - len(local))


def enter_drag(event: QDragEnterEvent) -> DropVerdict:
    """Take a drag's enter event either way, so that move and leave events arrive and a
    refusal can be shown while the drag hovers; only a valid one may be dropped."""
    verdict = verdict_for(event)
    event.accept()
    if verdict.accepted:
        event.acceptProposedAction()
    return verdict


def move_drag(event: QDragMoveEvent) -> None:
    """A refused drag is ignored on every move, so it cannot be dropped."""
    if verdict_for(event).accepted:
        event.acceptProposedAction()
    else:
        event.ignore()


class DropZone(QFrame):
    """States (the `state` property, styled in the window's style sheet): idle, accept,
    refuse, busy (an import is running: new drops would be rejected)."""

    filesDropped = Signal(list)  # of Path: one export, however many
    chooseRequested = Signal()

    def __init__(self, parent: QFrame | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("DropZone")
        self.setAcceptDrops(True)
        self.setAccessibleName("Drop area for an export file")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumHeight(180)
        self.title = QLabel(IDLE_TEXT)
        self.title.setObjectName("DropTitle")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title.setWordWrap(True)
        self.hint = QLabel(IDLE_HINT)
        self.hint.setObjectName("DropHint")
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint.setWordWrap(True)
        self.choose = QPushButton("Choose file…")
        self.choose.setAccessibleName("Choose an export file")
        self.choose.clicked.connect(self.chooseRequested)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.title)
        layout.addWidget(self.hint)
        layout.addWidget(self.choose, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(1)
        self._busy: tuple[str, str] | None = None
        self._set_state("idle")

    # -- what it shows ------------------------------------------------------------------

    @property
    def state(self) -> str:
        return str(self.property("state"))

    def set_busy(self, title: str | None, hint: str = "", *, can_choose: bool = True) -> None:
        """Say that an import is running (and what a new drop would meet), or None to clear."""
        self._busy = (title, hint) if title else None
        self.choose.setVisible(can_choose or title is None)
        self._set_state("idle")

    def _set_state(self, state: str, title: str | None = None, hint: str | None = None) -> None:
        if state == "idle" and self._busy:
            state, (title, hint) = "busy", self._busy
        self.setProperty("state", state)
        self.title.setText(title or IDLE_TEXT)
        self.hint.setText(hint if hint is not None else IDLE_HINT)
        self.hint.setVisible(bool(self.hint.text()))
        for widget in (self, self.title):  # descendant selectors need the child re-polished
            widget.style().unpolish(widget)
            widget.style().polish(widget)

    # -- drag and drop ------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        verdict = enter_drag(event)
        self._set_state("accept" if verdict.accepted else "refuse", verdict.reason, "")

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        move_drag(event)

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        self._set_state("idle")

    def dropEvent(self, event: QDropEvent) -> None:
        verdict = verdict_for(event)
        self._set_state("idle")
        if not verdict.accepted:
            event.ignore()
            self._set_state("idle", None, verdict.reason)
            return
        event.acceptProposedAction()
        self.filesDropped.emit(list(verdict.paths))


class DropAnywhere:
    """Drops anywhere on a window: its body's border says while a drag hovers whether it
    will be taken, the status bar why; what is dropped goes to `take`, as one export."""

    def __init__(
        self, frame: DropFrame, status: QStatusBar, take: Callable[[list[Path]], None]
    ) -> None:
        self.frame, self.status, self.take = frame, status, take

    def enter(self, event: QDragEnterEvent) -> None:
        verdict = enter_drag(event)
        self.frame.set_drop("accept" if verdict.accepted else "refuse")
        self.status.showMessage(verdict.reason)

    def leave(self) -> None:
        self.frame.set_drop("none")
        self.status.clearMessage()

    def drop(self, event: QDropEvent) -> None:
        verdict = verdict_for(event)
        self.leave()
        if not verdict.accepted:
            event.ignore()
            self.status.showMessage(verdict.reason, 5000)
            return
        event.acceptProposedAction()
        self.take(list(verdict.paths))
