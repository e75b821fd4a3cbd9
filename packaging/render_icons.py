"""Render the application icon from resources/desktop-importer.svg, for every platform.

    .venv/bin/python packaging/render_icons.py

Writes resources/icons/hicolor/<N>x<N>/apps/desktop-importer.png (Linux desktops, the
hicolor theme), resources/desktop-importer.ico (Windows: the executables, the installer,
Start menu) and resources/desktop-importer.icns (macOS: the .app and the disk image). Both
containers hold PNG images, which Windows Vista and later and every macOS read.
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)  # 256 is the largest an .ico entry can say
# Apple's PNG icon types: (type, pixels). The @2x types are the next size's pixels.
ICNS_TYPES = (
    (b"icp4", 16), (b"icp5", 32), (b"ic11", 32), (b"icp6", 64), (b"ic12", 64),
    (b"ic07", 128), (b"ic08", 256), (b"ic13", 256), (b"ic09", 512), (b"ic14", 512),
    (b"ic10", 1024),
)  # fmt: skip
RESOURCES = Path(__file__).resolve().parents[1] / "resources"


def render(renderer: QSvgRenderer, size: int) -> bytes:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")  # type: ignore[call-overload]  # the stubs want bytes; it takes str
    return bytes(data.data())


def ico(pngs: dict[int, bytes]) -> bytes:
    """An ICONDIR, one 16-byte entry per size, then the PNGs."""
    header = struct.pack("<HHH", 0, 1, len(pngs))
    offset = len(header) + 16 * len(pngs)
    entries, images = b"", b""
    for size, png in sorted(pngs.items()):
        side = 0 if size >= 256 else size  # 0 means 256
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(png), offset)
        images += png
        offset += len(png)
    return header + entries + images


def icns(pngs: dict[int, bytes]) -> bytes:
    """'icns', the total length, then (type, length, PNG) for every type (big-endian)."""
    body = b"".join(
        kind + struct.pack(">I", 8 + len(pngs[size])) + pngs[size] for kind, size in ICNS_TYPES
    )
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def main() -> int:
    app = QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(RESOURCES / "desktop-importer.svg"))
    if not renderer.isValid():
        print("the SVG icon is not valid", file=sys.stderr)
        return 1
    pngs = {size: render(renderer, size) for size in {*SIZES, *ICO_SIZES, 1024}}
    for size in SIZES:
        target = (
            RESOURCES / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "desktop-importer.png"
        )
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(pngs[size])
    (RESOURCES / "desktop-importer.ico").write_bytes(ico({s: pngs[s] for s in ICO_SIZES}))
    (RESOURCES / "desktop-importer.icns").write_bytes(icns(pngs))
    del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
