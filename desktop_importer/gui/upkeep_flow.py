"""The archive's upkeep as the window shows it: recovery after a crash when the window opens,
and a backup when the person asks for one. Each runs on a thread (ServiceJob) in short
steps, says how far it is on the window's maintenance line, and stops between two steps
when the window closes."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from desktop_importer.basics.settings import human_bytes
from desktop_importer.gui.service_job import ServiceJob
from desktop_importer.upkeep import backup, recovery

if TYPE_CHECKING:
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QLabel

    from desktop_importer.app import App


class UpkeepFlow(QObject):
    def __init__(self, app: App, line: QLabel, backup_action: QAction, window: QWidget) -> None:
        super().__init__(window)
        self.app, self.line, self.backup_action, self.window = app, line, backup_action, window
        self.maintenance_job: ServiceJob | None = None
        self.backup_job: ServiceJob | None = None
        self.backup_box: QMessageBox | None = None
        backup_action.triggered.connect(self.choose_backup_folder)

    # -- recovery after a crash -----------------------------------------------------------

    def recover_if_needed(self) -> None:
        """An import that died left rows and index entries behind: remove them in short
        steps on a thread, saying so, while the window stays usable."""
        if self.maintenance_job is not None or not recovery.recovery_needed(self.app):
            return
        job = ServiceJob(
            lambda progress, cancel: recovery.recover(self.app, progress=progress, cancel=cancel),
            self,
        )
        job.progressed.connect(
            lambda stage, steps: self.line.setText(recovery.stage_sentence(stage, steps))
        )
        job.failed.connect(self.line.setText)
        job.succeeded.connect(lambda _report: self.line.hide())
        job.finished.connect(self._maintenance_finished)
        self.line.setText(recovery.RECOVERING)
        self.line.show()
        self.maintenance_job = job
        job.start()

    def _maintenance_finished(self) -> None:
        self.maintenance_job = None

    # -- backup ---------------------------------------------------------------------------

    def choose_backup_folder(self) -> None:
        parent = QFileDialog.getExistingDirectory(self.window, "Choose where to put the backup")
        if parent:
            stamp = self.app.clock.now().astimezone().strftime("%Y-%m-%d %H%M")
            self.start_backup(Path(parent) / f"Desktop Importer backup {stamp}")

    def start_backup(self, target: Path) -> None:
        """Copy the archive into `target` on a thread (upkeep/backup.py), saying how far it
        is."""
        if self.backup_job is not None:
            return
        job = ServiceJob(
            lambda progress, cancel: backup.backup(
                self.app, target, progress=progress, cancel=cancel
            ),
            self,
        )
        job.progressed.connect(
            lambda _stage, done: self.line.setText(f"Backing up the archive… {done}%")
        )
        job.succeeded.connect(self._backed_up)
        job.failed.connect(self._backup_failed)
        job.finished.connect(self._backup_finished)
        self.line.setText("Backing up the archive…")
        self.line.show()
        self.backup_action.setEnabled(False)
        self.backup_job = job
        job.start()

    def _backed_up(self, result: backup.BackupResult) -> None:
        box = QMessageBox(self.window)
        box.setWindowTitle("Backup complete")
        box.setText(f"Backed up the archive to {result.path} ({human_bytes(result.bytes)}).")
        box.setInformativeText(
            "To restore it, quit Desktop Importer and put its contents into the archive's "
            "folder (the README says how)."
        )
        show = box.addButton("Open folder", QMessageBox.ButtonRole.ActionRole)
        box.addButton(QMessageBox.StandardButton.Close)
        show.clicked.connect(lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(result.path))))
        box.open()
        self.backup_box = box

    def _backup_failed(self, message: str) -> None:
        box = QMessageBox(self.window)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("Backup failed")
        box.setText(message)
        box.open()
        self.backup_box = box

    def _backup_finished(self) -> None:
        self.backup_job = None
        self.backup_action.setEnabled(True)
        self.line.hide()

    # -- the window closes ----------------------------------------------------------------

    def stop(self) -> None:
        if self.maintenance_job is not None:
            self.maintenance_job.stop()  # between two short steps; the rest is done next time
        if self.backup_job is not None:
            self.backup_job.stop()  # an unfinished backup removes what it wrote
