"""Help → Use with an AI assistant…: the exact configuration an MCP client takes (the
launcher's absolute path, `mcp --profile NAME`), copied with one button; named for a screen
reader; in a light and a dark palette."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop_importer.gui.assistant_dialog import AssistantDialog
from tests.gui.conftest import painted, screenshot, unnamed_controls


@pytest.mark.parametrize("palette", ["light", "dark"])
def test_the_help_menu_shows_the_configuration_and_copies_it(
    make_window, qtbot: QtBot, palette: str, qapp: QApplication
) -> None:
    with painted(qapp, palette):
        window = make_window()
        help_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Help")
        (action,) = [a for a in help_menu.actions() if "assistant" in a.text()]
        action.trigger()
        dialog = window.findChild(AssistantDialog)
        assert dialog is not None
        qtbot.waitUntil(dialog.isVisible)
        config = json.loads(dialog.config.toPlainText())
        entry = config["mcpServers"]["desktop-importer"]
        assert entry["args"] == ["mcp", "--profile", "default"]
        assert Path(entry["command"]).is_absolute() and Path(entry["command"]).exists()
        dialog.copy.click()
        assert json.loads(QGuiApplication.clipboard().text()) == config
        assert "Copied" in dialog.copied.text()
        assert unnamed_controls(dialog) == []
        screenshot(dialog, f"assistant-{palette}")
        dialog.close()
