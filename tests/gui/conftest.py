"""Fixtures for tests that build real widgets offscreen and import through real child
processes. Screenshots: DESKTOP_IMPORTER_SCREENSHOTS=DIR saves PNGs of the main states."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAccessible, QColor, QPalette
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from desktop_importer.app import App
from desktop_importer.gui.main_window import ImportWindow
from desktop_importer.importing.service import open_app
from tests.helpers.stubs import FakeClock


def focusable_controls(widget: QWidget) -> list[QWidget]:
    """The visible controls inside `widget` that take focus (what a screen reader lands on)."""
    return [
        w
        for w in widget.findChildren(QWidget)
        if w.isVisible() and w.focusPolicy() != Qt.FocusPolicy.NoFocus
    ]


def unnamed_controls(widget: QWidget) -> list[str]:
    """Those of them without an accessible name, by class and object name."""
    return [
        f"{type(w).__name__} {w.objectName()}".strip()
        for w in focusable_controls(widget)
        if not QAccessible.queryAccessibleInterface(w).text(QAccessible.Text.Name)
    ]


def screenshot(widget: QWidget, name: str) -> None:
    folder = os.environ.get("DESKTOP_IMPORTER_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        widget.grab().save(str(Path(folder) / f"{name}.png"))


@pytest.fixture
def live_clock() -> FakeClock:
    """A clock that starts at the real now (child processes stamp real times) and moves
    only when a test says so."""
    return FakeClock(datetime.now(UTC))


@pytest.fixture
def gui_app(data_dir: Path, live_clock: FakeClock) -> Iterator[App]:
    opened = open_app(data_dir, clock=live_clock)
    yield opened
    opened.close()


@pytest.fixture
def make_window(qtbot: QtBot, gui_app: App, tmp_path: Path) -> Iterator[object]:
    made: list[ImportWindow] = []

    def make() -> ImportWindow:
        settings = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
        window = ImportWindow(gui_app, "default", settings, poll_ms=50)
        qtbot.addWidget(window)
        window.show()
        made.append(window)
        return window

    yield make
    for window in made:
        if window.process.is_running():
            window.process.cancel()
            window.process.wait_for_finished(30_000)


@pytest.fixture
def window_as_started(
    qtbot: QtBot, data_dir: Path, tmp_path: Path, live_clock: FakeClock
) -> Iterator[Callable[[], ImportWindow]]:
    """A window over the archive as gui/app.py opens it: without recovering first (the
    window recovers, and upgrades, off its GUI thread)."""
    opened: list[App] = []

    def start() -> ImportWindow:
        app = open_app(data_dir, clock=live_clock, recover=False)
        opened.append(app)
        settings = QSettings(str(tmp_path / "started.ini"), QSettings.Format.IniFormat)
        window = ImportWindow(app, "default", settings, poll_ms=50)
        qtbot.addWidget(window)
        window.show()
        return window

    yield start
    for app in opened:
        app.close()


def dark_palette() -> QPalette:
    """A dark palette as dark desktop themes set it (links included), for screenshots."""
    palette = QPalette()
    for role, colour in (
        (QPalette.ColorRole.Window, "#2b2b2b"),
        (QPalette.ColorRole.WindowText, "#e6e6e6"),
        (QPalette.ColorRole.Base, "#1e1e1e"),
        (QPalette.ColorRole.AlternateBase, "#262626"),
        (QPalette.ColorRole.Text, "#e6e6e6"),
        (QPalette.ColorRole.Button, "#353535"),
        (QPalette.ColorRole.ButtonText, "#e6e6e6"),
        (QPalette.ColorRole.Highlight, "#3d6fb4"),
        (QPalette.ColorRole.HighlightedText, "#ffffff"),
        (QPalette.ColorRole.PlaceholderText, "#9a9a9a"),
        (QPalette.ColorRole.Mid, "#555555"),
        (QPalette.ColorRole.Midlight, "#444444"),
        (QPalette.ColorRole.Link, "#7fb2ff"),
        (QPalette.ColorRole.ToolTipBase, "#353535"),
        (QPalette.ColorRole.ToolTipText, "#e6e6e6"),
    ):
        palette.setColor(role, QColor(colour))
    return palette


@contextlib.contextmanager
def painted(qapp: QApplication, palette: str) -> Iterator[None]:
    """The application in the light palette it has, or in the dark one, for a while (the
    screenshots a person checks in both)."""
    previous = qapp.palette()
    if palette == "dark":
        qapp.setPalette(dark_palette())
    try:
        yield
    finally:
        qapp.setPalette(previous)
