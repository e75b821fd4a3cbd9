"""The window's menus and keys: File (import, export, back up, quit), View (Insights,
Ctrl+I), Help (the log folder, About), and the find keys, which work wherever the focus is.

Keys as in a browser, a mail client and Obsidian: Ctrl+F finds in what is open (the
conversation in the reader pane), Ctrl+K or Ctrl+Shift+F searches everything, F3 and
Shift+F3 (or the platform's own) step through the matches."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from PySide6.QtCore import QUrl
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMessageBox

from desktop_importer import __version__
from desktop_importer.basics import paths


class WindowActions(NamedTuple):
    """The actions the window enables and disables, or tests trigger."""

    open: QAction
    export: QAction
    backup: QAction


class WindowCommands(NamedTuple):
    """What the menus' actions do, in the window."""

    choose_file: Callable[[], None]
    show_export: Callable[[], None]
    find_in_conversation: Callable[[], None]
    focus_search: Callable[[], None]
    find_step: Callable[[int], None]
    use_with_assistant: Callable[[], None]
    show_insights: Callable[[], None]


def build_menus(window: QMainWindow, commands: WindowCommands, archive: Path) -> WindowActions:
    file_menu = window.menuBar().addMenu("&File")
    open_action = _action(window, "&Import…", commands.choose_file, QKeySequence.StandardKey.Open)
    file_menu.addAction(open_action)
    export_action = _action(window, "&Export…", commands.show_export, QKeySequence("Ctrl+E"))
    file_menu.addAction(export_action)
    window.addAction(export_action)  # the shortcut works wherever the focus is
    backup_action = QAction("Back &up…", window)  # the upkeep flow connects it
    file_menu.addAction(backup_action)
    find = QKeySequence.StandardKey.Find
    window.addAction(_action(window, "&Find in conversation", commands.find_in_conversation, find))
    search_action = _action(window, "&Search all conversations", commands.focus_search)
    search_action.setShortcuts([QKeySequence("Ctrl+K"), QKeySequence("Ctrl+Shift+F")])
    window.addAction(search_action)
    for keys, step in ((QKeySequence.StandardKey.FindNext, 1),
                       (QKeySequence.StandardKey.FindPrevious, -1)):  # fmt: skip
        action = QAction(window)
        action.setShortcuts(QKeySequence.keyBindings(keys))
        action.triggered.connect(lambda _on=False, step=step: commands.find_step(step))
        window.addAction(action)
    file_menu.addSeparator()
    file_menu.addAction(_action(window, "&Quit", window.close, QKeySequence.StandardKey.Quit))
    view_menu = window.menuBar().addMenu("&View")
    insights = _action(window, "&Insights", commands.show_insights, QKeySequence("Ctrl+I"))
    view_menu.addAction(insights)
    window.addAction(insights)
    help_menu = window.menuBar().addMenu("&Help")
    help_menu.addAction(_action(window, "Use with an AI &assistant…", commands.use_with_assistant))
    help_menu.addAction(_action(window, "Open &log folder", open_log_folder))
    help_menu.addAction(_action(window, "&About Desktop Importer", lambda: about(window, archive)))
    return WindowActions(open_action, export_action, backup_action)


def _action(
    window: QMainWindow,
    label: str,
    does: Callable[[], object],
    keys: QKeySequence | QKeySequence.StandardKey | None = None,
) -> QAction:
    action = QAction(label, window)
    if keys is not None:
        action.setShortcut(keys)
    action.triggered.connect(lambda _on=False: does())
    return action


def open_log_folder() -> None:
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(paths.ensure_private_dir(paths.log_dir()))))


def about(window: QMainWindow, archive: Path) -> QMessageBox:
    box = QMessageBox(window)
    box.setWindowTitle("About Desktop Importer")
    box.setIconPixmap(window.windowIcon().pixmap(64, 64))
    box.setText(f"<b>Desktop Importer {__version__}</b>")
    box.setInformativeText(
        "Your ChatGPT, Claude, DeepSeek, Grok, Gemini and Le Chat exports as a private, "
        f"searchable archive on this computer.\n\nArchive: {archive}"
    )
    box.open()
    return box
