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
from typing import TYPE_CHECKING

from desktop_importer import __version__

if TYPE_CHECKING:
    from collections.abc import Callable

    from desktop_importer.gui.main_window import ImportWindow

TIMEOUT_MS = 120_000


def seconds_since_launch() -> float | None:
    """Seconds since this process was created, from the kernel's own clock (Linux)."""
    try:
        ticks = int(Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()[19])
        uptime = float(Path("/proc/uptime").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    return uptime - ticks / os.sysconf("SC_CLK_TCK")


def _pictures() -> dict[str, bytes]:
    """A JPEG and a WebP made by this build's own Qt plugins (the reader decodes them with
    the same plugins)."""
    from PySide6.QtCore import QBuffer, QIODevice
    from PySide6.QtGui import QColor, QImage

    made: dict[str, bytes] = {}
    for name, fmt in (("file-SMOKEJPG-photo.jpg", "JPEG"), ("file-SMOKEWEBP-drawing.webp", "WEBP")):
        image = QImage(64, 48, QImage.Format.Format_RGB32)
        image.fill(QColor(200, 120, 40))
        buffer = QBuffer()
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        if image.save(buffer, fmt):  # type: ignore[call-overload]  # the stubs want bytes
            made[name] = bytes(buffer.data().data())
    return made


def _sample_export(folder: Path, pictures: dict[str, bytes]) -> Path:
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
        if n == 0:  # the first points at the pictures
            mapping["q"]["message"]["content"] = {  # type: ignore[index]
                "content_type": "multimodal_text",
                "parts": [
                    {"content_type": "image_asset_pointer", "asset_pointer": f"file-service://{n}"}
                    for n in ("file-SMOKEJPG", "file-SMOKEWEBP")
                ]
                + ["Smoke test 0 ✓ 你好"],
            }
        conversations.append(
            {"id": f"smoke-{n}", "title": f"Smoke {n}", "current_node": "q", "mapping": mapping}
        )
    path = folder / "smoke export.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("conversations.json", json.dumps(conversations))
        for name, data in pictures.items():
            archive.writestr(name, data)
    return path


def _shown_pictures(app: object) -> list[str]:
    """The problems showing the smoke export's pictures from the archive, as the reader
    decodes them."""
    from PySide6.QtGui import QImage

    from desktop_importer import library
    from desktop_importer.gui.media_view import decode

    view = library.read_conversation(app, "default", "smoke-0")  # type: ignore[arg-type]
    refs = [ref for m in view.messages for ref in view.media_of(m)]
    problems = [f"{ref.asset_id} was not kept" for ref in refs if ref.file is None]
    for ref in refs:
        if ref.file is not None and not isinstance(decode(ref.file.path, 64), QImage):
            problems.append(f"{ref.file.name} ({ref.file.mime_type}) does not decode")
    if len(refs) != 2:
        problems.append(f"the smoke export's two pictures became {len(refs)}")
    return problems


def _code_lexers() -> list[str]:
    """The problems colouring code: Pygments finds its lexers by importing them by name,
    which a frozen bundle breaks unless it ships them."""
    from desktop_importer.gui.safe_text import COMMON, lexer_for

    return [f"no lexer for {name} code" for name in COMMON if lexer_for(name, "") is None]


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
    from desktop_importer.wiring import open_app

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

    formats = [bytes(f.data()) for f in QImageReader.supportedImageFormats()]
    for needed in (b"jpeg", b"gif", b"webp"):
        if needed not in formats:
            problems.append(f"the {needed.decode().upper()} image format plugin is missing")
    pictures = _pictures()
    if len(pictures) != 2:
        problems.append("this build could not write a JPEG and a WebP")
    export = _sample_export(folder, pictures)
    outcome = wait_for_end(window, TIMEOUT_MS, lambda: window.start_file(export))
    if outcome != "complete":
        problems.append(
            f"the import did not complete ({outcome or 'timed out'}): "
            f"{window.result.title.text()} {window.result.body.text()}"
        )
    elif pictures:
        problems += _shown_pictures(app)
    problems += _code_lexers()
    window.close()
    app.close()
    platform = QGuiApplication.platformName()
    timing = f"{shown:.2f} s" if shown is not None else "unknown"
    print(f"Desktop Importer {__version__} on Qt platform {platform}: window shown {timing}")
    for problem in problems:
        print(f"smoke test FAILED: {problem}")
    if not problems:
        print(f"smoke test passed: {window.result.body.text()}")
    return 1 if problems else 0


def wait_for_end(window: ImportWindow, timeout_ms: int, action: Callable[[], None]) -> str | None:
    """Do `action` (start an import, press Cancel…) and run a local event loop until the
    import ends: its outcome (complete, failed, cancelled, rejected), or None on timeout.
    For the smoke test and the benchmarks, which have no user to wait for; the app itself
    never blocks."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    outcome: list[str] = []

    def ended(result: str) -> None:
        outcome.append(result)
        loop.quit()

    window.importEnded.connect(ended)
    QTimer.singleShot(timeout_ms, loop.quit)
    action()
    if not outcome:  # an action may end the import at once (a refused file)
        loop.exec()
    window.importEnded.disconnect(ended)
    return outcome[0] if outcome else None
