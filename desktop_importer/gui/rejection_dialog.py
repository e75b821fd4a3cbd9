"""The modal dialog shown when the guard rejects an import: how long the other import has
been running, what it is doing, and a Retry that becomes available as soon as retrying can
work (the other import ended, or went stale)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from desktop_importer.basics.clock import Clock
from desktop_importer.gui import text
from desktop_importer.importing.report import ProfileStatus

TITLE = "Import already in progress"


def rejection_message(elapsed_minutes: int) -> str:
    return (
        f"An import is already processing (started {text.minutes(elapsed_minutes)} ago). "
        "Please wait for it to complete, or try again in a few minutes."
    )


class RejectionDialog(QDialog):
    retryRequested = Signal()

    def __init__(
        self,
        read_status: Callable[[], ProfileStatus],
        clock: Clock,
        parent: QWidget | None = None,
        *,
        poll_ms: int = 1000,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(TITLE)
        self.setModal(True)
        self._read_status = read_status
        self._clock = clock
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setObjectName("RejectionMessage")
        self.other = QLabel()
        self.other.setWordWrap(True)
        self.staleness = QLabel()
        self.staleness.setWordWrap(True)
        self.buttons = QDialogButtonBox()
        self.retry = self.buttons.addButton("Retry", QDialogButtonBox.ButtonRole.AcceptRole)
        self.retry.setAccessibleName("Retry the import")
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.buttons.accepted.connect(self._retry)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(self.other)
        layout.addWidget(self.staleness)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(460)
        self._timer = QTimer(self)
        self._timer.setInterval(poll_ms)
        self._timer.timeout.connect(self.refresh)
        self._timer.start()
        self.finished.connect(self._timer.stop)
        self.refresh()

    def refresh(self) -> None:
        """Read the profile again: elapsed minutes, the other import's progress, Retry."""
        state = self._read_status()
        now = self._clock.now()
        can_retry = not state.processing or state.stale
        if state.processing:
            self.message.setText(rejection_message(state.elapsed_minutes))
            progress = state.progress
            doing = text.stage_line(progress) if progress else "Working…"
            share = f" ({text.fraction(progress):.0%})" if progress and progress.bytes_total else ""
            self.other.setText(
                f"It is importing {state.source_name or 'an export'}: {doing}{share}"
            )
        else:
            self.other.setText("The other import has ended; you can import now.")
        if state.processing and state.stale:
            self.staleness.setText("It has stopped responding, so a retry may take over now.")
        elif state.processing and state.stale_at is not None:
            self.staleness.setText(
                f"If it stays silent, it will count as stale at {text.local_time(state.stale_at)} "
                f"(in {text.minutes(text.minutes_until(state.stale_at, now))}) and Retry will "
                "become available."
            )
        else:
            self.staleness.setText("")
        self.retry.setEnabled(can_retry)
        self.retry.setDefault(can_retry)
        self.close_button.setDefault(not can_retry)
        if can_retry:
            self.retry.setFocus(Qt.FocusReason.OtherFocusReason)

    def _retry(self) -> None:
        if self.retry.isEnabled():
            self.accept()
            self.retryRequested.emit()
