"""The window's entry point and composition root: `desktop-importer [FILE] [--profile NAME]`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop_importer import __version__
from desktop_importer.app import DEFAULT_PROFILE
from desktop_importer.basics import logs, paths
from desktop_importer.basics.errors import DesktopImporterError
from desktop_importer.basics.startup import freeze_startup_objects
from desktop_importer.gui.file_open import FileOpenEvents
from desktop_importer.gui.main_window import ImportWindow
from desktop_importer.gui.resources import resource_path
from desktop_importer.gui.single_instance import InstanceServer, hand_over, server_name
from desktop_importer.wiring import open_app


def window_settings() -> QSettings:
    """Window state only (size, position); everything shared lives in the store."""
    return QSettings(str(paths.config_dir() / "window.ini"), QSettings.Format.IniFormat)


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="desktop-importer", add_help=False)
    parser.add_argument("file", nargs="?", type=Path)
    parser.add_argument("--profile", default=DEFAULT_PROFILE)
    return parser.parse_args(argv)


def run(argv: list[str]) -> int:
    args = parse(argv)
    logs.configure()
    qt_app = QApplication.instance() or QApplication([sys.argv[0]])
    assert isinstance(qt_app, QApplication)
    qt_app.setApplicationName("Desktop Importer")
    qt_app.setApplicationVersion(__version__)
    qt_app.setDesktopFileName("desktop-importer")
    qt_app.setWindowIcon(QIcon(str(resource_path("desktop-importer.svg"))))
    name = server_name(paths.data_dir(), args.profile)
    if hand_over(name, args.file):
        return 0
    try:
        app = open_app(recover=False)  # the window recovers off its GUI thread
    except DesktopImporterError as e:
        box = QMessageBox(QMessageBox.Icon.Critical, "Desktop Importer", e.message)
        box.show()
        qt_app.exec()
        return e.exit_code
    window = ImportWindow(app, args.profile, window_settings())
    sources = connect_file_sources(qt_app, window, InstanceServer(name))
    window.show()
    freeze_startup_objects()
    if args.file is not None:
        window.start_file(args.file)
    try:
        return qt_app.exec()
    finally:
        qt_app.removeEventFilter(sources)
        app.close()


def connect_file_sources(
    qt_app: QApplication, window: ImportWindow, server: InstanceServer
) -> FileOpenEvents:
    """Every way a file reaches a running window imports it and brings the window up: a
    second launch with a file (the instance server), and macOS's file-open events."""
    events = FileOpenEvents(window)
    qt_app.installEventFilter(events)
    for source in (server, events):
        source.fileReceived.connect(window.start_file)
        source.fileReceived.connect(lambda _path: bring_to_front(window))
    server.raiseRequested.connect(lambda: bring_to_front(window))
    return events


def bring_to_front(window: ImportWindow) -> None:
    window.showNormal()
    window.raise_()
    window.activateWindow()
