"""Dragging files onto the drop area with real QMimeData, as a desktop file manager does."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop_importer.gui.drop_zone import IDLE_TEXT, DropZone


def mime_for(*urls: QUrl) -> QMimeData:
    mime = QMimeData()
    mime.setUrls(list(urls))
    return mime


def files(*paths: Path) -> QMimeData:
    return mime_for(*(QUrl.fromLocalFile(str(p)) for p in paths))


def enter(zone: DropZone, mime: QMimeData) -> tuple[QDragEnterEvent, QDragMoveEvent]:
    point = zone.rect().center()
    entering = QDragEnterEvent(
        point,
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(zone, entering)
    moving = QDragMoveEvent(
        point,
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(zone, moving)
    return entering, moving


def drop(zone: DropZone, mime: QMimeData) -> QDropEvent:
    event = QDropEvent(
        QPointF(zone.rect().center()),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(zone, event)
    return event


@pytest.fixture
def zone(qtbot: QtBot) -> DropZone:
    widget = DropZone()
    widget.resize(500, 260)
    qtbot.addWidget(widget)
    widget.show()
    return widget


@pytest.mark.parametrize(
    "name",
    [
        "export.zip",
        "My Export 2026 — Grüße ✓.ZIP",
        "conversations.json",
        "manifest-8f2c-2026-11-30-09-15-02.json",  # Claude's, which stands for its export
    ],
)
def test_one_export_file_is_accepted_and_dropped(
    zone: DropZone, qtbot: QtBot, tmp_path: Path, name: str
) -> None:
    path = tmp_path / name
    path.write_bytes(b"PK\x05\x06" + b"\0" * 18)
    entering, moving = enter(zone, files(path))
    assert entering.isAccepted()
    assert moving.isAccepted()
    assert zone.state == "accept"
    assert zone.title.text() == f"Release to import {name}"
    with qtbot.waitSignal(zone.filesDropped) as dropped:
        assert drop(zone, files(path)).isAccepted()
    assert dropped.args == [[path]]
    assert zone.state == "idle"


def test_several_files_or_a_folder_are_one_export(
    zone: DropZone, qtbot: QtBot, tmp_path: Path
) -> None:
    folder = tmp_path / "Claude export"
    folder.mkdir()
    parts = [folder / name for name in ("conversations-000.zip", "conversations-001.zip",
                                        "users.json")]  # fmt: skip
    for path in parts:
        path.write_bytes(b"PK")
    enter(zone, files(*parts))
    assert zone.state == "accept"
    assert zone.title.text() == "Release to import these 3 files as one export"
    with qtbot.waitSignal(zone.filesDropped) as dropped:
        drop(zone, files(*parts))
    assert dropped.args == [parts]  # one drop, one import
    enter(zone, files(folder))
    assert zone.title.text() == "Release to import the folder “Claude export”"
    with qtbot.waitSignal(zone.filesDropped) as dropped:
        drop(zone, files(folder))
    assert dropped.args == [[folder]]


def test_a_uri_list_from_a_file_manager_is_understood(
    zone: DropZone, qtbot: QtBot, tmp_path: Path
) -> None:
    path = tmp_path / "Chat export (1).zip"
    path.write_bytes(b"PK")
    mime = QMimeData()
    mime.setData(
        "text/uri-list",
        f"{QUrl.fromLocalFile(str(path)).toString(QUrl.ComponentFormattingOption.FullyEncoded)}\r\n".encode(),
    )
    enter(zone, mime)
    assert zone.state == "accept"
    with qtbot.waitSignal(zone.filesDropped) as dropped:
        drop(zone, mime)
    assert dropped.args == [[path]]


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (
            lambda d: files(d / "a.zip", d / "notes.txt"),
            "Only .zip and .json files of an export, or its folder, can be imported "
            "(notes.txt is neither).",
        ),
        (
            lambda d: files(d / "notes.txt"),
            "Only .zip and .json files of an export, or its folder, can be imported.",
        ),
        (
            lambda d: mime_for(QUrl("https://example.org/export.zip")),
            "Only files on this computer can be imported.",
        ),
    ],
)
def test_other_drags_are_refused_inline(
    zone: DropZone, qtbot: QtBot, tmp_path: Path, make: object, reason: str
) -> None:
    for name in ("a.zip", "b.zip", "notes.txt"):
        (tmp_path / name).write_bytes(b"x")
    mime = make(tmp_path)  # type: ignore[operator]
    _, moving = enter(zone, mime)
    assert not moving.isAccepted()  # the cursor says no; no drop will come
    assert zone.state == "refuse"
    assert zone.title.text() == reason
    with qtbot.assertNotEmitted(zone.filesDropped):
        drop(zone, mime)
    assert zone.title.text() == IDLE_TEXT
    assert zone.hint.text() == reason  # the reason stays readable after the drop


def test_leaving_clears_the_hover_state(zone: DropZone, tmp_path: Path) -> None:
    from PySide6.QtGui import QDragLeaveEvent

    path = tmp_path / "export.zip"
    path.write_bytes(b"PK")
    enter(zone, files(path))
    QApplication.sendEvent(zone, QDragLeaveEvent())
    assert zone.state == "idle"
    assert zone.title.text() == IDLE_TEXT


def test_a_busy_zone_says_a_new_import_would_be_rejected(zone: DropZone) -> None:
    zone.set_busy("An import is running")
    assert zone.state == "busy"
    assert zone.title.text() == "An import is running"
    zone.set_busy(None)
    assert zone.state == "idle"
