"""The reader on a conversation with 50 images (issue #14): event-loop stalls while it opens
and scrolls through them, each image decoded off the GUI thread as it comes into view.

    .venv/bin/python -m bench.media_reader [--images 50] [--runs 3]

It imports an export whose one conversation holds 50 photos (1600 x 1200 JPEGs, made with
Qt), opens it in the window offscreen, scrolls to the end half a screen every 30 ms until
every image is shown, the window's event loop running, and measures how late a 1 ms timer
fires meanwhile (a stall). Budget: no stall over 16 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench.library import StallMeter, every, percentile

if TYPE_CHECKING:
    from desktop_importer.gui.conversation_view import ReaderView

OUT = Path(__file__).parent / "out"


def photos(count: int) -> dict[str, bytes]:
    from PySide6.QtCore import QBuffer, QIODevice
    from PySide6.QtGui import QColor, QImage, QLinearGradient, QPainter

    made: dict[str, bytes] = {}
    for n in range(count):
        image = QImage(1600, 1200, QImage.Format.Format_RGB32)
        painter = QPainter(image)
        gradient = QLinearGradient(0, 0, 1600, 1200)
        gradient.setColorAt(0, QColor.fromHsv(n * 7 % 360, 150, 230))
        gradient.setColorAt(1, QColor.fromHsv((n * 7 + 90) % 360, 200, 90))
        painter.fillRect(image.rect(), gradient)
        painter.drawText(100, 100, f"photo {n}")
        painter.end()
        buffer = QBuffer()
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(buffer, "JPEG", 90)  # type: ignore[call-overload]  # the stubs want bytes
        made[f"file-P{n:03d}-photo {n}.jpg"] = bytes(buffer.data().data())
    return made


def export(folder: Path, count: int) -> Path:
    import zipfile

    import orjson

    files = photos(count)
    mapping: dict[str, object] = {"root": {"id": "root", "message": None, "parent": None}}
    parent = "root"
    for n, name in enumerate(files):
        node = f"m{n}"
        mapping[node] = {
            "id": node,
            "parent": parent,
            "message": {
                "id": node,
                "author": {"role": "user"},
                "create_time": 1_700_000_000 + n,
                "content": {
                    "content_type": "multimodal_text",
                    "parts": [
                        {
                            "content_type": "image_asset_pointer",
                            "asset_pointer": f"file-service://{name.split('-photo')[0]}",
                        },
                        f"Photo {n}",
                    ],
                },
            },
        }
        parent = node
    conv = {"id": "album", "title": "Fifty photos", "current_node": parent, "mapping": mapping}
    path = folder / "album.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("conversations.json", orjson.dumps([conv]))
        for name, data in files.items():
            archive.writestr(name, data)
    return path


def scroll(reader: ReaderView, images: int) -> None:
    """Scroll half a screen every 30 ms until every image is shown, the window's own event
    loop running meanwhile."""
    from desktop_importer.gui.media_view import ImageView

    bar = reader.verticalScrollBar()

    def step() -> bool:
        views = reader.findChildren(ImageView)
        shown = len(views) == images and all(v.pixmap is not None for v in views)
        if shown and bar.value() >= bar.maximum():
            return False
        bar.setValue(bar.value() + reader.viewport().height() // 2)
        return True

    every(30, step)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--images", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    from PySide6.QtCore import QCoreApplication, QEvent, QSettings
    from PySide6.QtWidgets import QApplication

    from desktop_importer.basics.startup import freeze_startup_objects
    from desktop_importer.gui.main_window import ImportWindow
    from desktop_importer.gui.media_view import decoder
    from desktop_importer.importing.service import open_app, start_import

    qt = QApplication.instance() or QApplication([])
    OUT.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(dir=OUT) as scratch:
        folder = Path(scratch)
        app = open_app(folder / "data")
        start_import(app, export(folder, args.images))
        meter = StallMeter()
        took: list[float] = []
        opening: list[float] = []
        stalls: list[float] = []  # every run's, while the images load and scroll
        worst: list[float] = []  # each run's worst
        for _ in range(args.runs):
            window = ImportWindow(
                app, "default", QSettings(str(folder / "w.ini"), QSettings.Format.IniFormat)
            )
            window.resize(1200, 800)
            window.show()
            qt.processEvents()
            freeze_startup_objects()  # as gui/app.py does once the window is up
            decoder()._cache.clear()  # every run decodes every image again
            meter.start()
            deadline = time.perf_counter() + 0.1
            while time.perf_counter() < deadline:  # the window settled, the timer running
                qt.processEvents()
            meter.take()
            started = time.perf_counter()
            window.library.open("album")
            qt.processEvents()
            opened = meter.take()
            opening.append(opened[-1] if opened else 0.0)  # the open and first paint, alone
            reader = window.library.reader
            scroll(reader, args.images)
            took.append(time.perf_counter() - started)
            meter.stop()
            late = meter.take()
            worst.append(max(late, default=0.0))
            stalls += late
            window.close()
            window.deleteLater()  # deleted now, not inside the next run's measurement
            QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
            qt.processEvents()
        app.close()
    print(
        f"{args.images} images of 1600 x 1200, {args.runs} runs: opened and scrolled through "
        f"in {statistics.median(took):.1f} s (median)"
    )
    print(
        "opening the conversation to its first paint (a stall of its own, as any "
        f"conversation's: bench.library): {', '.join(f'{ms:.1f}' for ms in opening)} ms"
    )
    print(
        f"stall p50 {statistics.median(stalls):.1f} ms, p99 {percentile(stalls, 0.99):.1f} ms, "
        f"max {max(stalls):.1f} ms (by run: {', '.join(f'{w:.1f}' for w in worst)}) over "
        f"{len(stalls):,} ticks while the images load and scroll "
        "(budget: none over 16 ms)"
    )


if __name__ == "__main__":
    main()
