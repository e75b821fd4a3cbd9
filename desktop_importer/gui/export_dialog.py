"""File → Export…: the whole archive or the conversation shown, as Markdown notes, HTML
pages or the vendor's JSON, into a chosen folder, on a thread with its progress and Cancel,
ending with "Open folder". The work is exporting.export, as on the command line."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from desktop_importer import exporting
from desktop_importer.app import App
from desktop_importer.gui.service_job import ServiceJob
from desktop_importer.importing.report import plural

FORMATS = (
    ("markdown", "Markdown notes (Obsidian, any editor)"),
    ("html", "HTML pages"),
    ("json", "The vendor's JSON"),
)


class ExportDialog(QDialog):
    def __init__(
        self, app: App, profile: str, shown: str | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.app, self.profile, self.shown = app, profile, shown
        self.job: ServiceJob | None = None
        self.outcome: exporting.ExportResult | None = None
        self.setWindowTitle("Export")
        self.format = QComboBox()
        self.format.setAccessibleName("Format")
        for key, words in FORMATS:
            self.format.addItem(words, key)
        self.everything = QRadioButton("The whole archive")
        self.everything.setChecked(True)
        self.one = QRadioButton("The conversation shown")
        self.one.setEnabled(shown is not None)
        self.folder = QLineEdit()
        self.folder.setAccessibleName("Folder to export into")
        self.folder.setPlaceholderText("Choose a folder…")
        choose = QPushButton("Choose…")
        choose.setAccessibleName("Choose the folder")
        choose.clicked.connect(self._choose)
        where = QHBoxLayout()
        where.addWidget(self.folder, 1)
        where.addWidget(choose)
        form = QFormLayout()
        form.addRow("Format", self.format)
        form.addRow("Export", self.everything)
        form.addRow("", self.one)
        form.addRow("Into", where)
        self.progress = QProgressBar()
        self.progress.setAccessibleName("Export progress")
        self.progress.hide()
        self.said = QLabel()
        self.said.setWordWrap(True)
        self.said.setTextFormat(Qt.TextFormat.PlainText)
        self.said.setAccessibleName("Export status")
        self.start = QPushButton("Export")
        self.start.setDefault(True)
        self.start.clicked.connect(self.run)
        self.cancel = QPushButton("Cancel")
        self.cancel.clicked.connect(self._cancel)
        self.open_folder = QPushButton("Open folder")
        self.open_folder.hide()
        self.open_folder.clicked.connect(self._open_folder)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.open_folder, self.cancel, self.start):
            buttons.addWidget(button)
        column = QVBoxLayout(self)
        column.addLayout(form)
        column.addWidget(self.progress)
        column.addWidget(self.said)
        column.addLayout(buttons)
        self.resize(520, self.sizeHint().height())

    def _choose(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, "Choose the folder to export into")
        if chosen:
            self.folder.setText(chosen)

    def run(self) -> None:
        if self.job is not None:
            return
        if not self.folder.text().strip():
            self.said.setText("Choose a folder to export into.")
            return
        target = Path(self.folder.text().strip())
        fmt = str(self.format.currentData())
        ids = [self.shown] if self.one.isChecked() and self.shown else None
        job = ServiceJob(
            lambda progress, cancel: exporting.export(
                self.app,
                self.profile,
                target,
                fmt=fmt,
                conversation_ids=ids,
                progress=progress,
                cancel=cancel,
            ),
            self,
        )
        job.progressed.connect(lambda _stage, done: self.progress.setValue(done))
        job.succeeded.connect(self._done)
        job.failed.connect(self.said.setText)
        job.finished.connect(self._finished)
        self.progress.setValue(0)
        self.progress.show()
        self.said.setText(f"Exporting into {target}…")
        self.start.setEnabled(False)
        self.job = job
        job.start()

    def _done(self, result: exporting.ExportResult) -> None:
        self.outcome = result
        words = (
            f"Exported {plural(result.conversations, 'conversation')} into "
            f"{result.directory}: {plural(result.files, 'file')} written, "
            f"{plural(result.media, 'media file')} copied."
        )
        if result.skipped_edited:
            words += f" {len(result.skipped_edited):,} edited since were left alone."
        self.said.setText(words)
        self.open_folder.show()
        self.cancel.setText("Close")

    def _finished(self) -> None:
        self.job = None
        self.start.setEnabled(True)
        self.progress.hide()

    def _cancel(self) -> None:
        if self.job is not None:
            self.job.stop()  # between two conversations: what was written stays whole
            self.said.setText("Export stopped; what was written is complete.")
            return
        self.close()

    def _open_folder(self) -> None:
        if self.outcome is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.outcome.directory)))
