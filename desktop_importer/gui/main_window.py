"""The main window: composes the drop area, progress, result and dialogs, and wires them to
the service and the import worker. It holds no import logic of its own.

Over 400 lines: the window's flows (import, watching another process's import, recovery,
backup, quitting) share its state and its modal dialogs; they are the next to move into
flows of their own.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEventLoop, QSettings, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDesktopServices,
    QDragEnterEvent,
    QDragLeaveEvent,
    QDragMoveEvent,
    QDropEvent,
    QIcon,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
)

from desktop_importer import __version__
from desktop_importer.app import App
from desktop_importer.basics import paths
from desktop_importer.basics.errors import DesktopImporterError, LimitExceeded
from desktop_importer.basics.settings import human_bytes
from desktop_importer.gui import look, text
from desktop_importer.gui.drop_zone import DropZone, enter_drag, move_drag, verdict_for
from desktop_importer.gui.export_dialog import ExportDialog
from desktop_importer.gui.import_process import ImportProcess
from desktop_importer.gui.library_view import LibraryView
from desktop_importer.gui.progress_panel import ProgressPanel
from desktop_importer.gui.rejection_dialog import RejectionDialog
from desktop_importer.gui.resources import resource_path
from desktop_importer.gui.service_job import ServiceJob
from desktop_importer.importing.report import ProfileStatus, plural
from desktop_importer.importing.service import check_export, profile_status
from desktop_importer.upkeep import backup, recovery

BUSY_ELSEWHERE = "An import is running: a new one would be rejected until it finishes."
BUSY_ELSEWHERE_HINT = "It was started in another window or from the command line."
BUSY_HERE_HINT = "Drop another export when this one is done."


class ImportWindow(QMainWindow):
    importEnded = Signal(str)  # complete | failed | cancelled | rejected

    def __init__(self, app: App, profile: str, settings: QSettings, *, poll_ms: int = 1000) -> None:
        # Over 60 lines: the window's menus, pages and timers built in the order they
        # appear. The next to split, with the window's flows (see docs/ARCHITECTURE.md).
        super().__init__()
        self.app, self.profile, self.settings, self.poll_ms = app, profile, settings, poll_ms
        self.setWindowTitle("Desktop Importer")
        self.setWindowIcon(QIcon(str(resource_path("desktop-importer.svg"))))
        self.retry_path: Path | None = None
        self.rejection: RejectionDialog | None = None
        self.quit_box: QMessageBox | None = None
        self.backup_job: ServiceJob | None = None
        self.export_dialog: ExportDialog | None = None
        self.backup_box: QMessageBox | None = None
        self.file_dialog: QFileDialog | None = None
        self._quitting = False

        self.archive = look.secondary(QLabel())
        self.maintenance = look.secondary(QLabel())
        self.maintenance.setAccessibleName("Archive maintenance")
        self.maintenance.hide()
        self.maintenance_job: ServiceJob | None = None
        self.drop_zone = DropZone()
        self.progress = ProgressPanel()
        self.result_title = QLabel()
        self.result_title.setObjectName("ResultTitle")
        self.result_title.setWordWrap(True)
        self.result_body = QLabel()
        self.result_body.setWordWrap(True)
        self.result_body.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.retry_button = QPushButton("Try again")
        self.retry_button.setAccessibleName("Try the import again")
        self.retry_button.hide()
        self.anyway_button = QPushButton("Import anyway")
        self.anyway_button.setAccessibleName("Import this file anyway, past the size limit")
        self.anyway_button.hide()
        self.anyway_path: Path | None = None
        result_row = QHBoxLayout()
        result_row.addWidget(self.result_title, 1)
        result_row.addWidget(self.anyway_button)
        result_row.addWidget(self.retry_button)

        body = look.DropFrame()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(18, 14, 18, 14)
        layout.setSpacing(10)
        self.library = LibraryView(app, profile, app.clock.now)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.drop_zone)
        self.pages.addWidget(self.library)
        layout.addWidget(self.archive)
        layout.addWidget(self.maintenance)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.progress)
        layout.addLayout(result_row)
        layout.addWidget(self.result_body)
        body.setObjectName("Body")
        body.set_drop("none")
        # The style sheet only where its states are needed: gui/look.py says why.
        look.styled(self.drop_zone, self.progress, self.result_title)
        self.body = body
        self.setCentralWidget(body)
        self.setAcceptDrops(True)
        self._build_menus()

        self.process = ImportProcess(profile, self)
        self.process.progressed.connect(self.progress.show_progress)
        self.process.succeeded.connect(self._succeeded)
        self.process.rejected.connect(self._rejected)
        self.process.cancelled.connect(self._cancelled)
        self.process.failed.connect(self._failed)
        self.process.limitReached.connect(self._limit_reached)
        self.process.finished.connect(self._worker_finished)
        self.drop_zone.fileDropped.connect(self.start_file)
        self.drop_zone.chooseRequested.connect(self.choose_file)
        self.progress.cancelRequested.connect(self.process.cancel)
        self.retry_button.clicked.connect(self._try_again)
        self.anyway_button.clicked.connect(self._import_anyway)

        self.watch = QTimer(self)  # follows an import running elsewhere
        self.watch.setInterval(poll_ms)
        self.watch.timeout.connect(self._watch_elsewhere)
        self.setTabOrder(self.drop_zone.choose, self.progress.cancel)
        self.setTabOrder(self.progress.cancel, self.anyway_button)
        self.setTabOrder(self.anyway_button, self.retry_button)
        geometry = settings.value("geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1000, 680)
        splitter = settings.value("librarySplitter")
        if splitter is not None:
            self.library.restoreState(splitter)
        self.load_state()
        self.recover_if_needed()

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
        job.progressed.connect(self._maintenance_progressed)
        job.failed.connect(lambda message: self.maintenance.setText(message))
        job.succeeded.connect(lambda _report: self.maintenance.hide())
        job.finished.connect(self._maintenance_finished)
        self.maintenance.setText(recovery.RECOVERING)
        self.maintenance.show()
        self.maintenance_job = job
        job.start()

    def _maintenance_progressed(self, stage: str, steps: int) -> None:
        self.maintenance.setText(recovery.stage_sentence(stage, steps))

    def _maintenance_finished(self) -> None:
        self.maintenance_job = None

    # -- menus ----------------------------------------------------------------------------

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        open_action = QAction("&Import…", self)
        open_action.setShortcut(QKeySequence.StandardKey.Open)
        open_action.triggered.connect(self.choose_file)
        file_menu.addAction(open_action)
        export_action = QAction("&Export…", self)
        export_action.setShortcut(QKeySequence("Ctrl+E"))
        export_action.triggered.connect(self.show_export)
        file_menu.addAction(export_action)
        self.addAction(export_action)  # the shortcut works wherever the focus is
        self.export_action = export_action
        backup_action = QAction("Back &up…", self)
        backup_action.triggered.connect(self.choose_backup_folder)
        file_menu.addAction(backup_action)
        self.backup_action = backup_action
        # Keys as in a browser, a mail client and Obsidian: Ctrl+F finds in what is open
        # (the conversation in the reader), Ctrl+K or Ctrl+Shift+F searches everything.
        find_action = QAction("&Find in conversation", self)
        find_action.setShortcut(QKeySequence.StandardKey.Find)
        find_action.triggered.connect(self.find_in_conversation)
        self.addAction(find_action)
        search_action = QAction("&Search all conversations", self)
        search_action.setShortcuts([QKeySequence("Ctrl+K"), QKeySequence("Ctrl+Shift+F")])
        search_action.triggered.connect(self.focus_search)
        self.addAction(search_action)
        for keys, step in ((QKeySequence.StandardKey.FindNext, 1),
                           (QKeySequence.StandardKey.FindPrevious, -1)):  # fmt: skip
            action = QAction(self)
            action.setShortcuts(QKeySequence.keyBindings(keys))
            action.triggered.connect(lambda _on=False, step=step: self.library.find_step(step))
            self.addAction(action)
        file_menu.addSeparator()
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        help_menu = self.menuBar().addMenu("&Help")
        logs_action = QAction("Open &log folder", self)
        logs_action.triggered.connect(self.open_log_folder)
        help_menu.addAction(logs_action)
        about_action = QAction("&About Desktop Importer", self)
        about_action.triggered.connect(self.show_about)
        help_menu.addAction(about_action)
        self.open_action = open_action

    def find_in_conversation(self) -> None:
        """The find bar over the conversation shown; with none, the archive's search."""
        if self.pages.currentWidget() is not self.library or not self.library.open_find():
            self.focus_search()

    def focus_search(self) -> None:
        if self.pages.currentWidget() is self.library:
            self.library.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
            self.library.search.selectAll()

    # -- drop anywhere ------------------------------------------------------------------

    def _set_drop(self, state: str) -> None:
        self.body.set_drop(state)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        verdict = enter_drag(event)
        self._set_drop("accept" if verdict.path else "refuse")
        self.statusBar().showMessage(verdict.reason)

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        move_drag(event)

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        self._set_drop("none")
        self.statusBar().clearMessage()

    def dropEvent(self, event: QDropEvent) -> None:
        verdict = verdict_for(event)
        self._set_drop("none")
        self.statusBar().clearMessage()
        if verdict.path is None:
            event.ignore()
            self.statusBar().showMessage(verdict.reason, 5000)
            return
        event.acceptProposedAction()
        self.start_file(verdict.path)

    # -- export and backup ----------------------------------------------------------------

    def show_export(self) -> None:
        dialog = ExportDialog(self.app, self.profile, self.library.current, self)
        dialog.open()
        self.export_dialog = dialog

    def choose_backup_folder(self) -> None:
        parent = QFileDialog.getExistingDirectory(self, "Choose where to put the backup")
        if parent:
            stamp = self.app.clock.now().astimezone().strftime("%Y-%m-%d %H%M")
            self.start_backup(Path(parent) / f"Desktop Importer backup {stamp}")

    def start_backup(self, target: Path) -> None:
        """Copy the archive into `target` on a thread (backup.py), saying how far it is."""
        if self.backup_job is not None:
            return
        job = ServiceJob(
            lambda progress, cancel: backup.backup(
                self.app, target, progress=progress, cancel=cancel
            ),
            self,
        )
        job.progressed.connect(
            lambda _stage, done: self.maintenance.setText(f"Backing up the archive… {done}%")
        )
        job.succeeded.connect(self._backed_up)
        job.failed.connect(self._backup_failed)
        job.finished.connect(self._backup_finished)
        self.maintenance.setText("Backing up the archive…")
        self.maintenance.show()
        self.backup_action.setEnabled(False)
        self.backup_job = job
        job.start()

    def _backed_up(self, result: backup.BackupResult) -> None:
        box = QMessageBox(self)
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
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("Backup failed")
        box.setText(message)
        box.open()
        self.backup_box = box

    def _backup_finished(self) -> None:
        self.backup_job = None
        self.backup_action.setEnabled(True)
        self.maintenance.hide()

    def open_log_folder(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(paths.ensure_private_dir(paths.log_dir()))))

    def show_about(self) -> None:
        box = QMessageBox(self)
        box.setWindowTitle("About Desktop Importer")
        box.setIconPixmap(self.windowIcon().pixmap(64, 64))
        box.setText(f"<b>Desktop Importer {__version__}</b>")
        box.setInformativeText(
            "Your ChatGPT and Claude exports as a private, searchable archive on this "
            f"computer.\n\nArchive: {self.app.store.path}"
        )
        box.open()
        self.about_box = box

    # -- the profile's state --------------------------------------------------------------

    def read_status(self) -> ProfileStatus:
        """The guard's row only: what the once-a-second polls need."""
        return profile_status(self.app, self.profile, totals=False)

    def load_state(self) -> None:
        """Show what the profile is doing: running elsewhere, ended badly, or its last result."""
        state = profile_status(self.app, self.profile)
        self._show_archive(state)
        if self.process.is_running():
            return
        self.drop_zone.set_busy(None)
        self.watch.stop()
        self.retry_path = None
        if state.processing and not state.stale:
            self.drop_zone.set_busy(BUSY_ELSEWHERE, BUSY_ELSEWHERE_HINT)
            running_for = 0.0
            if state.processing_started_at is not None:
                running_for = (self.app.clock.now() - state.processing_started_at).total_seconds()
            self.progress.begin(
                f"Importing {state.source_name} (started elsewhere "
                f"{text.minutes(state.elapsed_minutes)} ago)",
                cancellable=False,
                already_seconds=max(0.0, running_for),
            )
            if state.progress:
                self.progress.show_progress(state.progress)
            self._show_result("", [])
            self.watch.start()
            return
        self.progress.end()
        source = Path(state.source_path) if state.source_path else None
        if state.processing:  # stale: its process died or it went silent
            self._show_result(
                f"The import of {state.source_name} stopped responding.",
                ["You can import it again; the archive is as it was before it started."],
                error=True,
                retry=source,
            )
        elif state.status in ("failed", "cancelled"):
            what = "was cancelled" if state.status == "cancelled" else "failed"
            self._show_result(
                f"The last import ({state.source_name}) {what}.",
                [state.last_error or ""],
                error=state.status == "failed",
                retry=source,
            )
        elif state.status == "complete" and state.last_report:
            when = text.local_date_time(state.finished_at) if state.finished_at else ""
            self._show_result(
                f"Last import: {state.source_name}, {when}", text.report_lines(state.last_report)
            )
        else:
            self._show_result("", [])

    def _watch_elsewhere(self) -> None:
        state = self.read_status()
        if state.processing and not state.stale:
            if state.progress:
                self.progress.show_progress(state.progress)
            return
        self._after_import(self.load_state)

    def _after_import(self, show_state: Callable[[], None]) -> None:
        """An import ended (here or elsewhere): show the profile's state, and read the
        library again for what it published, once (switching to the library reads it)."""
        showing_library = self.pages.currentWidget() is self.library
        show_state()
        if showing_library:
            self.library.refresh()

    def _show_archive(self, state: ProfileStatus) -> None:
        """The archive's totals; the library once it holds something, else the drop area."""
        self.archive.setText(
            f"Archive: {plural(state.conversations, 'conversation')}, "
            f"{plural(state.messages, 'message')}"
        )
        has_library = state.conversations > 0
        if has_library and self.pages.currentWidget() is not self.library:
            self.library.refresh()
            self.pages.setCurrentWidget(self.library)
            self.setTabOrder(self.library.search, self.library.list)
        elif not has_library:
            self.pages.setCurrentWidget(self.drop_zone)

    # -- starting an import ---------------------------------------------------------------

    def choose_file(self) -> None:
        dialog = QFileDialog(
            self, "Choose your export", str(Path.home()), "Exports (*.zip conversations.json)"
        )
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.fileSelected.connect(lambda chosen: self.start_file(Path(chosen)))
        dialog.finished.connect(dialog.deleteLater)
        self.file_dialog = dialog
        dialog.open()

    def start_file(self, path: Path, *, allow_large: bool = False) -> None:
        """Preflight at once on this thread (cheap), then import in a child process."""
        if self.process.is_running():
            self._show_result(
                "An import is already running in this window.",
                [f"{path.name} was not started; drop it again when this one is done."],
                error=True,
            )
            return
        try:
            export = check_export(path, self.app.settings, allow_large=allow_large)
        except LimitExceeded as e:
            self._limit_reached(e.message, path)
            return
        except DesktopImporterError as e:
            self._show_result(f"{path.name} cannot be imported.", [e.message], error=True)
            self.importEnded.emit("failed")
            return
        state = self.read_status()
        if state.processing and not state.stale:
            self._open_rejection(path)
            return
        self.retry_path = path
        self.watch.stop()
        self.drop_zone.set_busy(f"Importing {export.name}…", BUSY_HERE_HINT, can_choose=False)
        self.open_action.setEnabled(False)
        self._show_result("", [])
        self.progress.begin(f"Importing {export.name}", cancellable=True)
        self.process.start(path, allow_large=allow_large)

    def _open_rejection(self, path: Path) -> None:
        if self.rejection is not None:
            self.rejection.deleteLater()  # the previous one, closed by now
        dialog = RejectionDialog(self.read_status, self.app.clock, self, poll_ms=self.poll_ms)
        dialog.retryRequested.connect(lambda: self.start_file(path))
        self.rejection = dialog
        dialog.open()
        self.importEnded.emit("rejected")

    # -- how it ended ---------------------------------------------------------------------

    def _succeeded(self, report: dict[str, object]) -> None:
        self._show_result("Import complete.", text.report_lines(report))
        self.importEnded.emit("complete")

    def _rejected(self, elapsed_minutes: int) -> None:
        if self.process.path is not None:
            self._open_rejection(self.process.path)

    def _cancelled(self, message: str) -> None:
        self._show_result("Import cancelled.", [message], retry=self.process.path)
        self.importEnded.emit("cancelled")

    def _failed(self, message: str) -> None:
        self._show_result("The import failed.", [message], error=True, retry=self.process.path)
        self.importEnded.emit("failed")

    def _limit_reached(self, message: str, path: Path | None = None) -> None:
        """A size limit that is safe to lift refused the file: say so, offer to go on."""
        path = path or self.process.path
        self._show_result(
            f"{path.name if path else 'The export'} is larger than the app imports unasked.",
            [message, text.IMPORT_ANYWAY_HINT],
            error=True,
        )
        self.anyway_path = path
        self.anyway_button.setVisible(path is not None)
        self.importEnded.emit("failed")

    def _import_anyway(self) -> None:
        if self.anyway_path is not None:
            self.start_file(self.anyway_path, allow_large=True)

    def _worker_finished(self) -> None:
        self.progress.end()
        self.open_action.setEnabled(True)
        self.drop_zone.set_busy(None)
        self._after_import(lambda: self._show_archive(profile_status(self.app, self.profile)))
        if self._quitting:
            self.close()

    def _show_result(
        self, title: str, lines: list[str], *, error: bool = False, retry: Path | None = None
    ) -> None:
        self.result_title.setText(title)
        self.result_title.setProperty("tone", "error" if error else "normal")
        self.result_title.style().unpolish(self.result_title)
        self.result_title.style().polish(self.result_title)
        self.result_body.setText("\n".join(line for line in lines if line))
        self.retry_path = retry if retry is not None and retry.exists() else None
        self.retry_button.setVisible(self.retry_path is not None)
        self.anyway_path = None
        self.anyway_button.hide()

    def _try_again(self) -> None:
        if self.retry_path is not None:
            self.start_file(self.retry_path)

    # -- quitting -------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.process.is_running():
            event.ignore()
            if not self._quitting:
                self._ask_to_quit()
            return
        self.watch.stop()
        if self.maintenance_job is not None:
            self.maintenance_job.stop()  # between two short steps; the rest is done next time
        if self.backup_job is not None:
            self.backup_job.stop()  # an unfinished backup removes what it wrote
        self.settings.setValue("geometry", self.saveGeometry())
        self.settings.setValue("librarySplitter", self.library.saveState())
        self.settings.sync()
        event.accept()

    def _ask_to_quit(self) -> None:
        box = QMessageBox(self)
        box.setWindowTitle("Quit Desktop Importer?")
        box.setText("An import is running. Quit and cancel it?")
        box.setInformativeText(
            "Nothing it has read so far will be kept; the archive stays as it was."
        )
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.button(QMessageBox.StandardButton.Yes).setText("Cancel import and quit")
        box.button(QMessageBox.StandardButton.No).setText("Keep importing")
        box.button(QMessageBox.StandardButton.Yes).clicked.connect(self._quit_after_cancel)
        self.quit_box = box
        box.open()

    def wait_for_end(self, timeout_ms: int, action: Callable[[], None]) -> str | None:
        """Do `action` (start an import, press Cancel…) and run a local event loop until the
        import ends: its outcome (complete, failed, cancelled, rejected), or None on timeout.
        For the smoke test and the benchmarks, which have no user to wait for; the app
        itself never blocks."""
        loop = QEventLoop()
        outcome: list[str] = []

        def ended(result: str) -> None:
            outcome.append(result)
            loop.quit()

        self.importEnded.connect(ended)
        QTimer.singleShot(timeout_ms, loop.quit)
        action()
        if not outcome:  # an action may end the import at once (a refused file)
            loop.exec()
        self.importEnded.disconnect(ended)
        return outcome[0] if outcome else None

    def _quit_after_cancel(self) -> None:
        self._quitting = True
        self.process.cancel()
