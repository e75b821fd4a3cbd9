"""The main window end to end: real widgets offscreen, imports in real child processes."""

from __future__ import annotations

import json
import multiprocessing
import os
import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QAccessible, QDesktopServices, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop_importer.app import App
from desktop_importer.basics.errors import InvalidExport
from desktop_importer.basics.progress import ProgressUpdate
from desktop_importer.gui.main_window import BUSY_ELSEWHERE, ImportWindow
from desktop_importer.gui.rejection_dialog import TITLE, RejectionDialog, rejection_message
from desktop_importer.gui.single_instance import InstanceServer, server_name
from desktop_importer.importing.service import profile_status, start_import
from tests.gui.conftest import painted, screenshot
from tests.helpers.claude2026 import download_folder, injected_conversation
from tests.helpers.exports import chatgpt_zip, conversations, write_zip
from tests.helpers.gemini import takeout_zip
from tests.helpers.stubs import FakeClock

SPAWN = multiprocessing.get_context("spawn")
WAIT = 60_000
MakeWindow = Callable[[], ImportWindow]


@pytest.fixture
def small(tmp_path: Path) -> Path:
    return chatgpt_zip(tmp_path / "small export.zip", conversations(12))


@pytest.fixture
def large(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DESKTOP_IMPORTER_BATCH_CONVERSATIONS", "1")  # thousands of batches
    return chatgpt_zip(tmp_path / "large.zip", conversations(4000))


class Holder:
    """An import held `processing` by a real process that started `minutes_ago`."""

    def __init__(self, data_dir: Path, export: Path, minutes_ago: int) -> None:
        from tests.helpers.workers import hold_import

        self.ready, self.release, self.results = SPAWN.Event(), SPAWN.Event(), SPAWN.Queue()
        self.process = SPAWN.Process(
            target=hold_import,
            args=(str(data_dir), str(export), minutes_ago, self.ready, self.release, self.results),
        )
        self.killed = False
        self.process.start()
        assert self.ready.wait(120)

    def finish(self) -> None:
        self.release.set()
        self.process.join(120)
        assert self.results.get(timeout=10).startswith("added")

    def kill(self) -> None:
        self.killed = True
        self.process.kill()
        self.process.join(60)


@pytest.fixture
def holder(
    data_dir: Path, tmp_path: Path, live_clock: FakeClock
) -> Iterator[Callable[[int], Holder]]:
    made: list[Holder] = []

    def hold(minutes_ago: int) -> Holder:
        export = chatgpt_zip(tmp_path / "held.zip", conversations(3, prefix="held"))
        made.append(Holder(data_dir, export, minutes_ago))
        live_clock.set(datetime.now(UTC))  # the window's "now": just after the holder started
        return made[-1]

    yield hold
    for h in made:
        if not h.killed:  # set() would wait forever for a waiter that was SIGKILLed
            h.release.set()
        h.process.join(60)


def rejected(window: ImportWindow, path: Path) -> RejectionDialog:
    """Drop `path` while another import is fresh: the rejection dialog must open, modal."""
    window.start_file(path)
    dialog = window.rejection
    assert dialog is not None
    assert dialog.isVisible()
    assert dialog.isModal()
    return dialog


def test_a_dropped_export_is_imported_with_real_progress(
    make_window: MakeWindow, qtbot: QtBot, small: Path
) -> None:
    window = make_window()
    assert window.windowTitle() == "Desktop Importer"
    screenshot(window, "1-idle")
    seen: list[ProgressUpdate] = []
    window.process.progressed.connect(seen.append)
    with qtbot.waitSignal(window.importEnded, timeout=WAIT) as ended:
        window.start_file(small)
        assert window.progress.isVisible()
        assert window.drop_zone.state == "busy"
    assert ended.args == ["complete"]
    stages = [p.stage for p in seen]
    assert stages[0] == "reading" and stages[-1] == "complete"
    assert [p.bytes_done for p in seen] == sorted(p.bytes_done for p in seen)
    assert seen[-1].conversations_total == 12
    assert window.result.title.text() == "Import complete."
    assert window.result.body.text().startswith("12 conversations, 24 messages: 12 added")
    assert window.archive.text() == "Archive: 12 conversations, 24 messages"
    assert not window.progress.isVisible()
    assert window.drop_zone.state == "idle"
    assert profile_status(window.app).status == "complete"
    screenshot(window, "4-success")


def test_hovering_drags_show_in_the_window(
    make_window: MakeWindow, small: Path, tmp_path: Path
) -> None:
    from tests.gui.test_drop_zone import enter, files

    window = make_window()
    enter(window.drop_zone, files(small))
    assert window.drop_zone.title.text() == "Release to import small export.zip"
    screenshot(window, "2-hover-valid")
    enter(window.drop_zone, files(small, tmp_path / "notes.txt"))
    assert window.drop_zone.title.text() == (
        "Only .zip and .json files of an export, or its folder, can be imported "
        "(notes.txt is neither)."
    )
    screenshot(window, "2-hover-refused")


def test_progress_is_shown_while_it_runs(
    make_window: MakeWindow, qtbot: QtBot, large: Path
) -> None:
    window = make_window()
    window.start_file(large)
    qtbot.waitUntil(lambda: window.progress.bar.value() > 0, timeout=WAIT)
    assert window.progress.stage.text().startswith("Reading conversations… ")
    assert window.progress.title.text() == "Importing large.zip"
    screenshot(window, "3-in-progress")
    with qtbot.waitSignal(window.importEnded, timeout=WAIT):
        window.progress.cancel.click()


def test_cancel_half_way_leaves_the_archive_as_it_was(
    make_window: MakeWindow, qtbot: QtBot, small: Path, large: Path
) -> None:
    window = make_window()
    with qtbot.waitSignal(window.importEnded, timeout=WAIT):
        window.start_file(small)
    window.start_file(large)
    qtbot.waitUntil(lambda: window.progress.bar.value() > 0, timeout=WAIT)
    with qtbot.waitSignal(window.importEnded, timeout=WAIT) as ended:
        window.progress.cancel.click()
        assert window.progress.stage.text() == "Cancelling at the next batch…"
    assert ended.args == ["cancelled"]
    assert window.result.title.text() == "Import cancelled."
    assert window.result.body.text() == "Import cancelled; the archive is unchanged."
    state = profile_status(window.app)
    assert (state.status, state.conversations) == ("cancelled", 12)
    assert window.result.retry_button.isVisible()


def test_a_bad_file_gets_its_sentence_and_try_again(
    make_window: MakeWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    window = make_window()
    bad = write_zip(tmp_path / "bad.zip", {"conversations.json": '[{"id": "x", "mapping": {'})
    with qtbot.waitSignal(window.importEnded, timeout=WAIT) as ended:
        window.start_file(bad)
    assert ended.args == ["failed"]
    assert window.result.title.text() == "The import failed."
    assert "conversations.json ends in the middle of its JSON" in window.result.body.text()
    assert window.result.retry_button.isVisible()
    screenshot(window, "5-failure")
    not_zip = tmp_path / "notes.zip"
    not_zip.write_text("hello")
    with qtbot.waitSignal(window.importEnded, timeout=WAIT):
        window.start_file(not_zip)  # refused at once, without starting a worker
    assert window.result.title.text() == "notes.zip cannot be imported."
    assert not window.process.is_running()


def test_claudes_manifest_names_the_missing_file_then_imports_what_it_stands_for(
    make_window: MakeWindow, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toString()))
    window = make_window()
    folder = tmp_path / "Claude export"
    folder.mkdir()
    manifest = folder / "manifest-7c1e-2026-11-30-09-15-02.json"
    link = "https://claude.ai/api/export/7c1e/conversations-000.zip?sig=abc"
    listed = [
        {"filename": "conversations-000.zip", "export_url": link},
        {"filename": "conversations-001.zip", "export_url": "file:///etc/passwd"},  # not offered
    ]
    manifest.write_text(json.dumps({"data_files": listed}))
    with qtbot.waitSignal(window.importEnded, timeout=WAIT) as ended:
        window.start_file(manifest)
    assert ended.args == ["failed"]
    assert window.result.title.text() == f"{manifest.name} cannot be imported."
    assert "conversations-000.zip and conversations-001.zip are not beside it" in (
        window.result.body.text()
    )
    links = window.result.links_button
    assert links.isVisibleTo(window) and links.text() == "Open the download link"
    name = QAccessible.queryAccessibleInterface(links).text(QAccessible.Text.Name)
    assert name == "Open in the browser the links to download conversations-000.zip"
    links.click()
    assert opened == [link]
    body = window.result.body
    window.show()  # the sentence wraps: let the layout give it its lines before the picture
    qtbot.waitUntil(lambda: body.height() >= body.heightForWidth(body.width()))
    screenshot(window, "manifest-missing")
    manifest.write_text(json.dumps({"data_files": listed[:1]}))
    write_zip(folder / "conversations-000.zip", {"conversations.json": [injected_conversation()]})
    with qtbot.waitSignal(window.importEnded, timeout=WAIT) as ended:
        window.start_file(manifest)
    assert ended.args == ["complete"]
    assert window.result.title.text() == "Import complete."
    assert not links.isVisibleTo(window)


def drop_on(window: ImportWindow, *paths: Path) -> None:
    """Drop `paths` on the window, as a file manager does with several files selected."""
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    point = QPointF(40, 40)
    actions, button = Qt.DropAction.CopyAction, Qt.MouseButton.LeftButton
    modifier = Qt.KeyboardModifier.NoModifier
    QApplication.sendEvent(
        window, QDragEnterEvent(point.toPoint(), actions, data, button, modifier)
    )
    QApplication.sendEvent(window, QDropEvent(point, actions, data, button, modifier))


def test_several_files_dropped_together_are_one_import_with_one_report(
    make_window: MakeWindow, qtbot: QtBot, gui_app: App, tmp_path: Path
) -> None:
    folder = download_folder(tmp_path / "Claude export")
    window = make_window()
    parts = [folder / "conversations-000.zip", folder / "conversations-001.zip",
             folder / "users.json"]  # fmt: skip
    with qtbot.waitSignal(window.importEnded, timeout=WAIT) as ended:
        drop_on(window, *parts)
    assert ended.args == ["complete"]  # one import, one end
    assert window.result.title.text() == "Import complete."
    shown = window.result.body.text()
    assert "Read 2 files as one export: conversations-000.zip, conversations-001.zip." in shown
    assert "Set aside users.json: the account's details" in shown
    state = profile_status(gui_app)
    assert (state.conversations, state.source_paths) == (4, parts)
    assert state.source_name == "conversations-000.zip and 2 more files"


@pytest.mark.parametrize("palette", ["light", "dark"])
def test_a_missing_batch_offers_its_link_and_to_import_what_is_there(
    make_window: MakeWindow, qtbot: QtBot, gui_app: App, tmp_path: Path, palette: str, qapp: Any
) -> None:
    folder = download_folder(tmp_path / "Claude export")
    (folder / "conversations-001.zip").unlink()
    with painted(qapp, palette):
        window = make_window()
        with qtbot.waitSignal(window.importEnded, timeout=WAIT) as ended:
            drop_on(window, folder)
        assert ended.args == ["failed"]
        assert window.result.title.text() == "Claude export cannot be imported."
        rest, links = window.result.rest_button, window.result.links_button
        assert rest.isVisibleTo(window) and links.isVisibleTo(window)
        assert rest.text() == "Import what is there"
        name = QAccessible.queryAccessibleInterface(rest).text(QAccessible.Text.Name)
        assert name == "Import the files that are there now, without the missing ones"
        body = window.result.body
        window.show()
        qtbot.waitUntil(lambda: body.height() >= body.heightForWidth(body.width()))
        screenshot(window, f"manifest-partial-{palette}")
        with qtbot.waitSignal(window.importEnded, timeout=WAIT) as ended:
            rest.click()
        assert ended.args == ["complete"]
        assert profile_status(gui_app).conversations == 3
        assert not rest.isVisibleTo(window)


@pytest.mark.parametrize("where", ["preflight", "worker"])
def test_a_size_limit_is_named_in_plain_words_and_import_anyway_imports(
    make_window: MakeWindow,
    qtbot: QtBot,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    gui_app: App,
    where: str,
) -> None:
    """The preflight refuses a ZIP by its declared sizes; a bare conversations.json is
    counted as the worker reads it. Either way the window offers to go on."""
    monkeypatch.setenv("DESKTOP_IMPORTER_MAX_TOTAL_BYTES", "1000")  # the worker's too
    gui_app.settings = replace(gui_app.settings, max_total_bytes=1000)
    data = conversations(20)
    if where == "preflight":
        export = chatgpt_zip(tmp_path / "big.zip", data)
    else:
        export = tmp_path / "conversations.json"
        export.write_text(json.dumps(data))
    window = make_window()
    with qtbot.waitSignal(window.importEnded, timeout=WAIT) as ended:
        window.start_file(export)
    assert ended.args == ["failed"]
    assert window.result.title.text() == f"{export.name} is larger than the app imports unasked."
    shown = window.result.body.text()
    assert "the size limit for an export's conversations" in shown
    assert "DESKTOP_IMPORTER" not in shown and "max_total_bytes" not in shown
    assert window.result.anyway_button.isVisible()
    screenshot(window, f"limit-{where}")
    with qtbot.waitSignal(window.importEnded, timeout=WAIT) as ended:
        window.result.anyway_button.click()
    assert ended.args == ["complete"]
    assert profile_status(window.app).conversations == 20
    assert not window.result.anyway_button.isVisible()


def test_rejection_dialog_counts_minutes_and_retries_when_the_other_import_completes(
    make_window: MakeWindow,
    qtbot: QtBot,
    holder: Callable[[int], Holder],
    small: Path,
    live_clock: FakeClock,
) -> None:
    held = holder(7)
    window = make_window()
    dialog = rejected(window, small)
    assert dialog.windowTitle() == TITLE
    assert dialog.message.text() == rejection_message(7)
    assert rejection_message(7) == (
        "An import is already processing (started 7 minutes ago). "
        "Please wait for it to complete, or try again in a few minutes."
    )
    assert "held.zip" in dialog.other.text()
    assert "will count as stale at" in dialog.staleness.text()
    assert not dialog.retry.isEnabled()
    screenshot(dialog, "6-rejection")
    live_clock.advance(minutes=3)
    qtbot.waitUntil(lambda: dialog.message.text() == rejection_message(10))
    assert not dialog.retry.isEnabled()

    held.finish()
    qtbot.waitUntil(dialog.retry.isEnabled, timeout=WAIT)
    assert dialog.other.text() == "The other import has ended; you can import now."
    with qtbot.waitSignal(window.importEnded, timeout=WAIT) as ended:
        dialog.retry.click()
    assert ended.args == ["complete"]
    assert not dialog.isVisible()
    assert profile_status(window.app).conversations == 15


def test_retry_becomes_available_when_the_other_import_goes_stale(
    make_window: MakeWindow,
    qtbot: QtBot,
    holder: Callable[[int], Holder],
    small: Path,
    live_clock: FakeClock,
) -> None:
    holder(7)
    window = make_window()
    dialog = rejected(window, small)
    assert not dialog.retry.isEnabled()
    live_clock.advance(minutes=8, seconds=59)  # 15 min 59 s since the other import's last beat
    qtbot.waitUntil(dialog.retry.isEnabled)
    assert dialog.staleness.text() == "It has stopped responding, so a retry may take over now."


def test_retry_takes_over_from_an_import_whose_process_died(
    make_window: MakeWindow, qtbot: QtBot, holder: Callable[[int], Holder], small: Path
) -> None:
    held = holder(2)
    window = make_window()
    dialog = rejected(window, small)
    assert not dialog.retry.isEnabled()
    held.kill()
    qtbot.waitUntil(dialog.retry.isEnabled, timeout=WAIT)
    with qtbot.waitSignal(window.importEnded, timeout=WAIT) as ended:
        dialog.retry.click()
    assert ended.args == ["complete"]
    assert profile_status(window.app).status == "complete"


def test_start_up_shows_an_import_running_elsewhere_and_follows_it(
    make_window: MakeWindow, qtbot: QtBot, holder: Callable[[int], Holder]
) -> None:
    held = holder(4)
    window = make_window()
    assert window.drop_zone.state == "busy"
    assert window.drop_zone.title.text() == BUSY_ELSEWHERE
    assert window.progress.isVisible()
    assert window.progress.title.text() == "Importing held.zip (started elsewhere 4 minutes ago)"
    assert window.progress.clock.text().startswith("4:")
    assert not window.progress.cancel.isVisible()  # not ours to cancel
    screenshot(window, "7-running-elsewhere")
    held.finish()
    qtbot.waitUntil(lambda: window.drop_zone.state == "idle", timeout=WAIT)
    assert window.result.title.text().startswith("Last import: held.zip, ")
    assert window.archive.text() == "Archive: 3 conversations, 6 messages"


def test_start_up_offers_to_retry_a_failed_import(
    make_window: MakeWindow, gui_app: App, tmp_path: Path
) -> None:
    bad = write_zip(tmp_path / "bad.zip", {"conversations.json": "[1, 2"})
    with pytest.raises(InvalidExport):
        start_import(gui_app, bad)
    window = make_window()
    assert window.result.title.text() == "The last import (bad.zip) failed."
    assert "ends in the middle of its JSON" in window.result.body.text()
    assert window.result.retry_button.isVisible()
    assert window.result.retry_paths == [bad]


def closed_mid_import(make_window: MakeWindow, qtbot: QtBot, export: Path) -> ImportWindow:
    """A window whose user asked to quit while an import was under way."""
    window = make_window()
    window.start_file(export)
    qtbot.waitUntil(lambda: window.progress.bar.value() > 0, timeout=WAIT)
    window.close()
    return window


def test_quitting_during_an_import_asks_then_cancels_cleanly(
    make_window: MakeWindow, qtbot: QtBot, large: Path
) -> None:
    window = closed_mid_import(make_window, qtbot, large)
    box = window.quit_box
    assert box is not None and box.isVisible()
    assert window.isVisible()  # nothing happens before the answer
    from PySide6.QtWidgets import QMessageBox

    with qtbot.waitSignal(window.importEnded, timeout=WAIT) as ended:
        box.button(QMessageBox.StandardButton.Yes).click()
    assert ended.args == ["cancelled"]
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=WAIT)
    assert not window.process.is_running()
    assert profile_status(window.app).status == "cancelled"


def test_keeping_on_importing_when_asked_to_quit(
    make_window: MakeWindow, qtbot: QtBot, large: Path
) -> None:
    window = closed_mid_import(make_window, qtbot, large)
    assert window.quit_box is not None
    window.quit_box.reject()  # Escape: "Keep importing"
    assert window.isVisible()
    assert window.process.is_running()


@pytest.fixture
def wired(make_window: MakeWindow, data_dir: Path) -> Iterator[ImportWindow]:
    """A window wired to its file sources as the app wires it (gui/app.py): the instance
    server for a second launch, and the application's file-open events (macOS)."""
    from PySide6.QtWidgets import QApplication

    from desktop_importer.gui.app import connect_file_sources

    window = make_window()
    qt_app = QApplication.instance()
    assert isinstance(qt_app, QApplication)
    server = InstanceServer(server_name(data_dir, "default"))
    assert server.is_listening()
    sources = connect_file_sources(qt_app, window, server)
    yield window
    qt_app.removeEventFilter(sources)


@pytest.mark.qt_log_ignore("does not support raise")  # bringing the window up, offscreen
def test_a_second_launch_hands_its_file_to_the_running_window(
    wired: ImportWindow, qtbot: QtBot, small: Path
) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    launcher = str(Path(sys.executable).with_name("desktop-importer"))
    with qtbot.waitSignal(wired.importEnded, timeout=WAIT) as ended:
        second = subprocess.Popen([launcher, str(small)], env=env)
        qtbot.waitUntil(lambda: second.poll() is not None, timeout=WAIT)
    assert second.returncode == 0
    assert ended.args == ["complete"]
    assert profile_status(wired.app).conversations == 12


@pytest.mark.qt_log_ignore("does not support raise")  # bringing the window up, offscreen
def test_a_file_macos_opens_with_the_app_is_imported(
    wired: ImportWindow, qtbot: QtBot, small: Path
) -> None:
    """Finder's "Open With" and drops on the Dock icon arrive as QFileOpenEvents."""
    from PySide6.QtGui import QFileOpenEvent
    from PySide6.QtWidgets import QApplication

    qt_app = QApplication.instance()
    assert qt_app is not None
    with qtbot.waitSignal(wired.importEnded, timeout=WAIT) as ended:
        QApplication.sendEvent(qt_app, QFileOpenEvent(str(small)))
    assert ended.args == ["complete"]
    assert profile_status(wired.app).conversations == 12


def test_window_size_is_remembered(qtbot: QtBot, gui_app: App, tmp_path: Path) -> None:
    from PySide6.QtCore import QSettings

    settings = QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat)
    first = ImportWindow(gui_app, "default", settings)
    qtbot.addWidget(first)
    first.resize(777, 555)
    first.show()
    first.close()
    second = ImportWindow(
        gui_app, "default", QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat)
    )
    qtbot.addWidget(second)
    assert (second.width(), second.height()) == (777, 555)


def test_ctrl_o_opens_a_file_dialog_that_starts_the_import(
    make_window: MakeWindow, qtbot: QtBot, small: Path
) -> None:
    from PySide6.QtCore import Qt

    window = make_window()
    with qtbot.waitActive(window):
        window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    dialog = window.file_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.fileMode() == dialog.FileMode.ExistingFiles  # several files: one export
    other = chatgpt_zip(small.parent / "other.zip", conversations(2, prefix="other"))
    dialog.setDirectory(str(small.parent))
    dialog.selectFile(f'"{small.name}" "{other.name}"')
    with qtbot.waitSignal(window.importEnded, timeout=WAIT) as ended:
        dialog.accept()
    assert ended.args == ["complete"]
    assert window.process.paths == [small, other]


def test_the_rejection_dialog_works_from_the_keyboard(
    make_window: MakeWindow, qtbot: QtBot, holder: Callable[[int], Holder], small: Path
) -> None:
    from PySide6.QtCore import Qt

    held = holder(1)
    window = make_window()
    dialog = rejected(window, small)
    assert dialog.close_button.isDefault()  # Enter closes while Retry cannot work
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()

    dialog = rejected(window, small)
    held.finish()
    qtbot.waitUntil(dialog.retry.isEnabled, timeout=WAIT)
    assert dialog.retry.isDefault()
    with qtbot.waitSignal(window.importEnded, timeout=WAIT) as ended:
        qtbot.keyClick(dialog, Qt.Key.Key_Return)
    assert ended.args == ["complete"]


def test_controls_have_accessible_names(make_window: MakeWindow) -> None:
    window = make_window()
    names = {
        w.accessibleName()
        for w in (
            window.drop_zone,
            window.drop_zone.choose,
            window.progress.cancel,
            window.progress.bar,
            window.result.retry_button,
        )
    }
    assert "" not in names
    assert "Drop area for an export file" in names


def test_after_a_crash_the_window_tidies_the_archive_off_its_gui_thread(
    qtbot: QtBot, data_dir: Path, tmp_path: Path, window_as_started
) -> None:
    from desktop_importer.importing.service import open_app
    from desktop_importer.upkeep import recovery
    from tests.integration.test_recovery import crash, pages_in_use, wordy

    first = open_app(data_dir)
    start_import(first, chatgpt_zip(tmp_path / "a.zip", conversations(3)))
    first.close()
    before = pages_in_use(data_dir / "archive.sqlite3")
    crash(data_dir, chatgpt_zip(tmp_path / "big.zip", wordy(800, "big")), "update:30")
    window = window_as_started()
    assert window.maintenance.isVisible()
    assert window.maintenance.text().startswith("Tidying the archive after an import")
    screenshot(window, "recovering")
    qtbot.waitUntil(lambda: window.upkeep.maintenance_job is None, timeout=WAIT)
    assert not window.maintenance.isVisible()
    assert not recovery.recovery_needed(window.app)
    assert abs(pages_in_use(data_dir / "archive.sqlite3") - before) < 2**20
    assert "stopped responding" in window.result.title.text()  # the stale rule's offer


@pytest.mark.parametrize("palette", ["light", "dark"])
def test_an_unpacked_takeout_folder_dropped_imports_with_its_images(
    make_window: MakeWindow, qtbot: QtBot, tmp_path: Path, palette: str, qapp: Any
) -> None:
    """The folder a browser made of a Takeout, dropped whole: Gemini's log is found below
    and the photo beside it is kept, and the result says so in words."""
    folder = tmp_path / "Downloads" / "takeout-20260821T101010Z-001"
    with zipfile.ZipFile(takeout_zip(tmp_path / "takeout.zip")) as archive:
        archive.extractall(folder)
    with painted(qapp, palette):
        window = make_window()
        with qtbot.waitSignal(window.importEnded, timeout=WAIT) as ended:
            drop_on(window, folder)
        assert ended.args == ["complete"]
        assert window.result.title.text() == "Import complete."
        said = window.result.body.text()
        assert said.startswith("4 conversations, 11 messages: 4 added")
        assert "Media: 1 of 1 files kept" in said
        body = window.result.body
        qtbot.waitUntil(lambda: body.height() >= body.heightForWidth(body.width()))
        screenshot(window, f"unpacked-takeout-folder-{palette}")
