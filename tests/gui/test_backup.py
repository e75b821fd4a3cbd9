"""File → Back up… in the window: a folder chosen, a dated backup written on a thread with
its progress shown, then "Open folder"; a folder that cannot be written, one sentence."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from desktop_importer.app import App
from desktop_importer.importing.service import start_import
from tests.helpers.exports import chatgpt_zip, conversations

WAIT = 60_000


@pytest.fixture
def archive(gui_app: App, tmp_path: Path) -> App:
    start_import(gui_app, chatgpt_zip(tmp_path / "a.zip", conversations(3)))
    return gui_app


def test_back_up_writes_a_dated_copy_where_the_person_chose(
    make_window, qtbot: QtBot, archive: App, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    chosen = tmp_path / "Backups"
    chosen.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *args: str(chosen))
    window = make_window()
    assert window.backup_action.text() == "Back &up…"
    window.backup_action.trigger()
    assert window.upkeep.backup_job is not None and not window.backup_action.isEnabled()
    qtbot.waitUntil(lambda: window.upkeep.backup_job is None, timeout=WAIT)
    (made,) = chosen.iterdir()
    assert made.name.startswith("Desktop Importer backup ")
    assert (made / "archive.sqlite3").stat().st_size > 0
    assert window.upkeep.backup_box is not None
    assert window.upkeep.backup_box.text().startswith(f"Backed up the archive to {made} (")
    assert "Open folder" in [b.text() for b in window.upkeep.backup_box.buttons()]
    assert window.backup_action.isEnabled()


def test_a_folder_that_cannot_be_written_says_so(
    make_window, qtbot: QtBot, archive: App, tmp_path: Path
) -> None:
    taken = tmp_path / "taken"
    taken.write_text("a file")
    window = make_window()
    window.upkeep.start_backup(taken)
    qtbot.waitUntil(lambda: window.upkeep.backup_job is None, timeout=WAIT)
    assert window.upkeep.backup_box is not None
    assert window.upkeep.backup_box.text() == (
        f"{taken} already exists and is not an empty folder; choose a new folder for the backup."
    )
