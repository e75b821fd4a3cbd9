"""The running import: a bar driven by real progress, the stage in words, elapsed time, Cancel."""

from __future__ import annotations

from PySide6.QtCore import QElapsedTimer, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

from desktop_importer.basics.progress import ProgressUpdate
from desktop_importer.gui import text

STEPS = 1000


class ProgressPanel(QWidget):
    cancelRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel()
        self.title.setObjectName("ProgressTitle")
        self.stage = QLabel()
        self.bar = QProgressBar()
        self.bar.setRange(0, STEPS)
        self.bar.setAccessibleName("Import progress")
        self.clock = QLabel("0:00")
        self.cancel = QPushButton("Cancel")
        self.cancel.setAccessibleName("Cancel the import")
        self.cancel.clicked.connect(self._cancel)
        row = QHBoxLayout()
        row.addWidget(self.stage, 1)
        row.addWidget(self.clock)
        row.addWidget(self.cancel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.bar)
        layout.addLayout(row)
        self._since = QElapsedTimer()
        self._ticker = QTimer(self)
        self._ticker.setInterval(1000)
        self._ticker.timeout.connect(self._tick)
        self.hide()

    def begin(self, title: str, *, cancellable: bool, already_seconds: float = 0.0) -> None:
        self.title.setText(title)
        self.stage.setText(text.STAGES["starting"])
        self.bar.setValue(0)
        self.cancel.setEnabled(True)
        self.cancel.setVisible(cancellable)
        self._offset = already_seconds
        self._since.start()
        self._ticker.start()
        self._tick()
        self.show()

    def show_progress(self, progress: ProgressUpdate) -> None:
        self.stage.setText(text.stage_line(progress))
        self.bar.setValue(round(text.fraction(progress) * STEPS))

    def end(self) -> None:
        self._ticker.stop()
        self.hide()

    def _tick(self) -> None:
        self.clock.setText(text.elapsed(self._offset + self._since.elapsed() / 1000))

    def _cancel(self) -> None:
        self.cancel.setEnabled(False)
        self.stage.setText("Cancelling at the next batch…")
        self.cancelRequested.emit()
