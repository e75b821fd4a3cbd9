"""The main window: composes the drop area, the library, progress, the result panel and the
dialogs, and follows the import flow: starting one here, watching one that runs elsewhere,
how it ended, quitting while it runs. Its menus (menus.py), the archive's upkeep
(upkeep_flow.py) and the result panel (result_panel.py) are apart. It holds no import
logic of its own: the service and the import process (import_process.py) do.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtGui import (
    QCloseEvent,
    QDragEnterEvent,
    QDragLeaveEvent,
    QDragMoveEvent,
    QDropEvent,
    QIcon,
)
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QVBoxLayout,
)

from desktop_importer.app import App
from desktop_importer.basics.errors import DesktopImporterError, LimitExceeded
from desktop_importer.gui import look, text
from desktop_importer.gui.assistant_dialog import AssistantDialog
from desktop_importer.gui.drop_zone import DropAnywhere, DropZone, move_drag
from desktop_importer.gui.export_dialog import ExportDialog
from desktop_importer.gui.import_process import ImportProcess
from desktop_importer.gui.library_view import LibraryView
from desktop_importer.gui.menus import WindowCommands, build_menus
from desktop_importer.gui.progress_panel import ProgressPanel
from desktop_importer.gui.rejection_dialog import RejectionDialog
from desktop_importer.gui.resources import resource_path
from desktop_importer.gui.result_panel import ResultPanel
from desktop_importer.gui.upkeep_flow import UpkeepFlow
from desktop_importer.importing.report import ProfileStatus, plural
from desktop_importer.importing.service import check_export, profile_status

BUSY_ELSEWHERE = "An import is running: a new one would be rejected until it finishes."
BUSY_ELSEWHERE_HINT = "It was started in another window or from the command line."
BUSY_HERE_HINT = "Drop another export when this one is done."


class ImportWindow(QMainWindow):
    importEnded = Signal(str)  # complete | failed | cancelled | rejected

    def __init__(self, app: App, profile: str, settings: QSettings, *, poll_ms: int = 1000) -> None:
        super().__init__()
        self.app, self.profile, self.settings, self.poll_ms = app, profile, settings, poll_ms
        self.setWindowTitle("Desktop Importer")
        self.setWindowIcon(QIcon(str(resource_path("desktop-importer.svg"))))
        self.rejection: RejectionDialog | None = None
        self.quit_box: QMessageBox | None = None
        self.export_dialog: ExportDialog | None = None
        self.file_dialog: QFileDialog | None = None
        self._quitting = False

        self.archive = look.secondary(QLabel())
        self.maintenance = look.secondary(QLabel())
        self.maintenance.setAccessibleName("Archive maintenance")
        self.maintenance.hide()
        self.drop_zone = DropZone()
        self.progress = ProgressPanel()
        self.result = ResultPanel()
        self.library = LibraryView(app, profile, app.clock.now)
        self.pages = QStackedWidget()
        self.body = self._lay_out()
        self.setCentralWidget(self.body)
        self.setAcceptDrops(True)
        self.drops = DropAnywhere(self.body, self.statusBar(), self.start_files)
        commands = WindowCommands(
            self.choose_file,
            self.show_export,
            self.find_in_conversation,
            self.focus_search,
            self.library.find_step,
            self.show_assistant_setup,
            self.show_insights,
        )
        self.menu_actions = build_menus(self, commands, app.store.path)
        self.backup_action = self.menu_actions.backup
        self.export_action = self.menu_actions.export
        self.upkeep = UpkeepFlow(app, self.maintenance, self.menu_actions.backup, self)

        self.process = ImportProcess(profile, self)
        self.watch = QTimer(self)  # follows an import running elsewhere
        self.watch.setInterval(poll_ms)
        self._wire()
        geometry = settings.value("geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1000, 680)
        splitter = settings.value("librarySplitter")
        if splitter is not None:
            self.library.restoreState(splitter)
        self.load_state()
        self.upkeep.recover_if_needed()

    def _lay_out(self) -> look.DropFrame:
        """The window's body, top to bottom: the archive's totals, the maintenance line, the
        drop area or the library, progress, and how the last import ended."""
        body = look.DropFrame()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(18, 14, 18, 14)
        layout.setSpacing(10)
        self.pages.addWidget(self.drop_zone)
        self.pages.addWidget(self.library)
        layout.addWidget(self.archive)
        layout.addWidget(self.maintenance)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.progress)
        layout.addWidget(self.result)
        body.setObjectName("Body")
        body.set_drop("none")
        # The style sheet only where its states are needed: gui/look.py says why.
        look.styled(self.drop_zone, self.progress, self.result.title)
        return body

    def _wire(self) -> None:
        """The import process's signals and the panels' requests to the window's flow."""
        self.process.progressed.connect(self.progress.show_progress)
        self.process.succeeded.connect(self._succeeded)
        self.process.rejected.connect(self._rejected)
        self.process.cancelled.connect(self._cancelled)
        self.process.failed.connect(self._failed)
        self.process.limitReached.connect(self._limit_reached)
        self.process.finished.connect(self._worker_finished)
        self.drop_zone.filesDropped.connect(self.start_files)
        self.drop_zone.chooseRequested.connect(self.choose_file)
        self.progress.cancelRequested.connect(self.process.cancel)
        self.result.retryRequested.connect(self.start_files)
        self.result.anywayRequested.connect(lambda paths: self.start_files(paths, allow_large=True))
        self.result.restRequested.connect(lambda paths: self.start_files(paths, partial=True))
        self.watch.timeout.connect(self._watch_elsewhere)
        self.setTabOrder(self.drop_zone.choose, self.progress.cancel)
        self.setTabOrder(self.progress.cancel, self.result.links_button)
        self.setTabOrder(self.result.links_button, self.result.rest_button)
        self.setTabOrder(self.result.rest_button, self.result.anyway_button)
        self.setTabOrder(self.result.anyway_button, self.result.retry_button)

    # -- finding ----------------------------------------------------------------------------

    def find_in_conversation(self) -> None:
        """The find bar over the conversation shown; with none, the archive's search."""
        if self.pages.currentWidget() is not self.library or not self.library.open_find():
            self.focus_search()

    def focus_search(self) -> None:
        if self.pages.currentWidget() is self.library:
            self.library.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
            self.library.search.selectAll()

    # -- drop anywhere (drop_zone.DropAnywhere) ----------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        self.drops.enter(event)

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        move_drag(event)

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        self.drops.leave()

    def dropEvent(self, event: QDropEvent) -> None:
        self.drops.drop(event)

    # -- export -------------------------------------------------------------------------

    def show_export(self) -> None:
        dialog = ExportDialog(self.app, self.profile, self.library.current, self)
        dialog.open()
        self.export_dialog = dialog

    def show_insights(self) -> None:
        """Insights in the reader pane, once the archive holds something."""
        if self.pages.currentWidget() is self.library:
            self.library.show_insights()
            self.library.insights_page.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def show_assistant_setup(self) -> None:
        """Help → Use with an AI assistant…: the MCP configuration, with a Copy button."""
        self.assistant_dialog = AssistantDialog(self.profile, self)
        self.assistant_dialog.open()

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
        source = state.source_paths
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
        """Choose the export's file, or several of its files (one import)."""
        dialog = QFileDialog(self, "Choose your export", str(Path.home()), "Exports (*.zip *.json)")
        dialog.setFileMode(QFileDialog.FileMode.ExistingFiles)
        dialog.filesSelected.connect(lambda chosen: self.start_files([Path(c) for c in chosen]))
        dialog.finished.connect(dialog.deleteLater)
        self.file_dialog = dialog
        dialog.open()

    def start_file(self, path: Path) -> None:
        self.start_files([path])

    def start_files(
        self, paths: list[Path], *, allow_large: bool = False, partial: bool = False
    ) -> None:
        """Preflight at once on this thread (cheap), then import in a child process: one
        export and one import, however many files or folders."""
        what = paths[0].name if len(paths) == 1 else f"These {len(paths)} files"
        if self.process.is_running():
            self._show_result(
                "An import is already running in this window.",
                [f"{what} {'was' if len(paths) == 1 else 'were'} not started; drop "
                 f"{'it' if len(paths) == 1 else 'them'} again when this one is done."],
                error=True,
            )  # fmt: skip
            return
        settings = self.app.settings
        try:
            export = check_export(paths, settings, allow_large=allow_large, partial=partial)
        except LimitExceeded as e:
            self._limit_reached(e.message, paths)
            return
        except DesktopImporterError as e:
            self.result.show_refusal(f"{what} cannot be imported.", e, paths)
            self.importEnded.emit("failed")
            return
        state = self.read_status()
        if state.processing and not state.stale:
            self._open_rejection(paths)
            return
        self.watch.stop()
        self.drop_zone.set_busy(f"Importing {export.name}…", BUSY_HERE_HINT, can_choose=False)
        self.menu_actions.open.setEnabled(False)
        self._show_result("", [])
        self.progress.begin(f"Importing {export.name}", cancellable=True)
        self.process.start(paths, allow_large=allow_large, partial=partial)

    def _open_rejection(self, paths: list[Path]) -> None:
        if self.rejection is not None:
            self.rejection.deleteLater()  # the previous one, closed by now
        dialog = RejectionDialog(self.read_status, self.app.clock, self, poll_ms=self.poll_ms)
        dialog.retryRequested.connect(lambda: self.start_files(paths))
        self.rejection = dialog
        dialog.open()
        self.importEnded.emit("rejected")

    # -- how it ended ---------------------------------------------------------------------

    def _succeeded(self, report: dict[str, object]) -> None:
        self._show_result("Import complete.", text.report_lines(report))
        self.importEnded.emit("complete")

    def _rejected(self, elapsed_minutes: int) -> None:
        if self.process.paths:
            self._open_rejection(self.process.paths)

    def _cancelled(self, message: str) -> None:
        self._show_result("Import cancelled.", [message], retry=self.process.paths)
        self.importEnded.emit("cancelled")

    def _failed(self, message: str) -> None:
        self._show_result("The import failed.", [message], error=True, retry=self.process.paths)
        self.importEnded.emit("failed")

    def _limit_reached(self, message: str, paths: list[Path] | None = None) -> None:
        """A size limit that is safe to lift refused the files: say so, offer to go on."""
        paths = paths or self.process.paths
        what = paths[0].name if len(paths) == 1 else "The export"
        self._show_result(
            f"{what} is larger than the app imports unasked.",
            [message, text.IMPORT_ANYWAY_HINT],
            error=True,
        )
        self.result.offer_anyway(paths)
        self.importEnded.emit("failed")

    def _worker_finished(self) -> None:
        self.progress.end()
        self.menu_actions.open.setEnabled(True)
        self.drop_zone.set_busy(None)
        self._after_import(lambda: self._show_archive(profile_status(self.app, self.profile)))
        if self._quitting:
            self.close()

    def _show_result(
        self, title: str, lines: list[str], *, error: bool = False, retry: list[Path] | None = None
    ) -> None:
        self.result.show_result(title, lines, error=error, retry=retry)

    # -- quitting -------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.process.is_running():
            event.ignore()
            if not self._quitting:
                self._ask_to_quit()
            return
        self.watch.stop()
        self.upkeep.stop()
        self.library.insights_page.stop()  # its words are written: before the archive closes
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

    def _quit_after_cancel(self) -> None:
        self._quitting = True
        self.process.cancel()
