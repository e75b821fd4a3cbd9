"""The Windows and macOS icon files are real icons, with every size their systems use."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path

import pytest
from PySide6.QtGui import QImageReader

RESOURCES = Path(__file__).resolve().parents[2] / "resources"


def sizes(path: Path) -> set[int]:
    reader = QImageReader(str(path))
    assert reader.canRead(), reader.errorString()
    found = set()
    for index in range(reader.imageCount()):
        assert reader.jumpToImage(index)
        image = reader.read()
        assert not image.isNull(), reader.errorString()
        assert image.width() == image.height()
        found.add(image.width())
    return found


@pytest.mark.usefixtures("qapp")
def test_the_windows_icon_holds_16_to_256_pixels() -> None:
    assert sizes(RESOURCES / "desktop-importer.ico") == {16, 24, 32, 48, 64, 128, 256}


@pytest.mark.usefixtures("qapp")
def test_the_macos_icon_holds_16_to_1024_pixels() -> None:
    assert {16, 32, 64, 128, 256, 512, 1024} <= sizes(RESOURCES / "desktop-importer.icns")
