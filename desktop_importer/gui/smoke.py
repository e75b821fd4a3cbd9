"""`desktop-importer --smoke-test`: proves an installed build works end to end.

Starts the real QApplication and window on a temporary data folder, checks the Qt plugins the
app relies on were shipped, imports a small export through the window's child worker (the
path a frozen bundle breaks most easily), prints the start-up time and exits 0, or prints
what failed and exits 1.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import zipfile
from pathlib import Path

from desktop_importer import __version__

TIMEOUT_MS = 120_000


def seconds_since_launch() -> float | None:
    """Seconds since this process was created, from the kernel's own clock (Linux)."""
    try:
        ticks = int(Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()[19])
        uptime = float(Path("/proc/uptime").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    return uptime - ticks / os.sysconf("SC_CLK_TCK")


def _sample_export(folder: Path) -> Path:
    conversations = []
    for n in range(3):
        mapping = {
            "root": {"id": "root", "message": None, "parent": None, "children": ["q"]},
            "q": {
                "id": "q",
                "parent": "root",
                "children": [],
                "message": {
                    "id": "q",
                    "author": {"role": "user"},
                    "content": {"content_type": "text", "parts": [f"Smoke test {n} ✓ 你好"]},
                    "create_time": 1_700_000_000 + n,
                },
            },
        }
        conversations.append(
            {"id": f"smoke-{n}", "title": f"Smoke {n}", "current_node": "q", "mapping": mapping}
        )
    path = folder / "smoke export.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("conversations.json", json.dumps(conversations))
    return path


def run() -> int:
    with tempfile.TemporaryDirectory(prefix="desktop-importer-smoke-") as tmp:
        folder = Path(tmp)
        os.environ["DESKTOP_IMPORTER_DATA_DIR"] = str(folder / "data")
        return _run(folder)


def _run(folder: Path) -> int:
    from PySide6.QtCore import QSettings
    from PySide6.QtGui import QGuiApplication, QIcon, QImageReader
    from PySide6.QtWidgets import QApplication

    from desktop_importer.gui.main_window import ImportWindow
    from desktop_importer.gui.resources import resource_path
    from desktop_importer.service import open_app

    qt_app = QApplication([sys.argv[0]])
    app = open_app()
    window = ImportWindow(
        app, "default", QSettings(str(folder / "w.ini"), QSettings.Format.IniFormat)
    )
    window.show()
    qt_app.processEvents()
    shown = seconds_since_launch()
    problems: list[str] = []
    if b"svg" not in [bytes(f.data()) for f in QImageReader.supportedImageFormats()]:
        problems.append("the SVG image format plugin is missing")
    if QIcon(str(resource_path("desktop-importer.svg"))).pixmap(64, 64).isNull():
        problems.append("the application icon does not render")
    if not window.isVisible():
        problems.append("the window did not show")

    export = _sample_export(folder)
    outcome = window.wait_for_end(TIMEOUT_MS, lambda: window.start_file(export))
    if outcome != "complete":
        problems.append(
            f"the import did not complete ({outcome or 'timed out'}): "
            f"{window.result_title.text()} {window.result_body.text()}"
        )
    window.close()
    app.close()
    platform = QGuiApplication.platformName()
    timing = f"{shown:.2f} s" if shown is not None else "unknown"
    print(f"Desktop Importer {__version__} on Qt platform {platform}: window shown {timing}")
    for problem in problems:
        print(f"smoke test FAILED: {problem}")
    if not problems:
        print(f"smoke test passed: {window.result_body.text()}")
    return 1 if problems else 0
