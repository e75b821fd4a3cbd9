"""The window's entry point. The full drop-and-import window is issue #4; until then the
window shows the profile's state as the service reports it, so `make run` opens the app."""

from __future__ import annotations

import sys

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QVBoxLayout, QWidget

from desktop_importer import logs
from desktop_importer.errors import DesktopImporterError
from desktop_importer.service import open_app, profile_status


class StatusWindow(QMainWindow):
    def __init__(self, summary: str) -> None:
        super().__init__()
        self.setWindowTitle("Desktop Importer")
        body = QWidget()
        layout = QVBoxLayout(body)
        self.summary = QLabel(summary)
        self.summary.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.setCentralWidget(body)
        self.resize(560, 360)


def _summary() -> str:
    try:
        app = open_app()
    except DesktopImporterError as e:
        return e.message
    try:
        state = profile_status(app)
    finally:
        app.close()
    return (
        f"Archive: {state.conversations:,} conversations, {state.messages:,} messages.\n"
        f"Last import: {state.status}.\n\n"
        "Import from the command line for now:\n  desktop-importer import PATH"
    )


def run(argv: list[str]) -> int:
    logs.configure()
    qt_app = QApplication.instance() or QApplication([sys.argv[0], *argv])
    window = StatusWindow(_summary())
    window.show()
    return qt_app.exec()
