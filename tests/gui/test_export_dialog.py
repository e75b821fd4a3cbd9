"""File → Export… (Ctrl+E): the conversation shown or the whole archive, in a chosen
format and folder, on a thread with its progress, ending with "Open folder"."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from desktop_importer.app import App
from desktop_importer.exporting import file_name
from desktop_importer.importing.service import start_import
from tests.gui.conftest import focusable_controls, screenshot, unnamed_controls
from tests.helpers.exports import chatgpt_zip, conversations
from tests.helpers.rich import bread

WAIT = 60_000


@pytest.fixture
def archive(gui_app: App, tmp_path: Path) -> App:
    start_import(gui_app, chatgpt_zip(tmp_path / "a.zip", [bread(), *conversations(4)]))
    return gui_app


def test_export_the_conversation_shown_as_html(
    make_window, qtbot: QtBot, archive: App, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "pages"
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *args: str(out))
    window = make_window()
    window.library.open("bread")
    assert window.export_action.shortcut().toString() == "Ctrl+E"
    window.export_action.trigger()
    qtbot.waitUntil(lambda: window.export_dialog is not None and window.export_dialog.isVisible())
    dialog = window.export_dialog
    assert dialog is not None and dialog.one.isEnabled()
    assert len(focusable_controls(dialog)) >= 7 and unnamed_controls(dialog) == []
    dialog.format.setCurrentIndex(dialog.format.findData("html"))
    dialog.one.setChecked(True)
    dialog._choose()
    assert dialog.folder.text() == str(out)
    dialog.start.click()
    qtbot.waitUntil(lambda: dialog.open_folder.isVisible(), timeout=WAIT)
    assert (
        dialog.said.text()
        == f"Exported 1 conversation into {out}: 2 files written, 0 media files copied."
    )
    assert sorted(p.name for p in out.glob("*.html")) == sorted(
        ["index.html", file_name("Baking bread", "chatgpt", "bread", "html")]
    )
    screenshot(dialog, "export-dialog")


def test_export_the_whole_archive_as_markdown(
    make_window, qtbot: QtBot, archive: App, tmp_path: Path
) -> None:
    window = make_window()
    window.export_action.trigger()
    dialog = window.export_dialog
    assert dialog is not None
    dialog.start.click()
    assert dialog.said.text() == "Choose a folder to export into."  # nothing started
    dialog.folder.setText(str(tmp_path / "vault"))
    dialog.start.click()
    qtbot.waitUntil(lambda: dialog.open_folder.isVisible(), timeout=WAIT)
    assert len(list((tmp_path / "vault").glob("*.md"))) == 5
