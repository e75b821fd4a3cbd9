"""An export unpacked by the browser and dropped as the folder it made: its conversation
files may lie in subfolders (a Takeout's My Activity/Gemini Apps/, Grok's
ttl/30d/export_data/<id>/, a re-compressed export's one top folder). The folder imports
what its ZIP imports, its media included; a folder that holds two exports, or only a link
to one, is refused, and a link among its files is not followed."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from desktop_importer.app import App
from desktop_importer.basics.errors import DesktopImporterError
from desktop_importer.importing.service import open_app, start_import
from tests.helpers.archive import visible
from tests.helpers.exports import chatgpt_zip, conversations, write_zip
from tests.helpers.gemini import json_takeout_zip, takeout_zip
from tests.helpers.grok import grok_zip
from tests.helpers.lechat import lechat_zip
from tests.integration.test_media import every_layout, media_json, stored_files


def unpacked(export: Path, into: Path) -> Path:
    """`export` unpacked as a browser does: into a folder named after the ZIP."""
    folder = into / export.stem
    with zipfile.ZipFile(export) as archive:
        archive.extractall(folder)
    return folder


def conversation_ids(app: App) -> set[str]:
    return {row[1] for row in visible(app)}


@pytest.mark.parametrize(
    "make",
    [
        lambda d: takeout_zip(d / "takeout-20260821T101010Z-001.zip"),
        lambda d: json_takeout_zip(d / "takeout-20260822T101010Z-001.zip"),
        lambda d: grok_zip(d / "grok-export.zip"),
        lambda d: lechat_zip(d / "chat-export-1767225600000.zip"),
    ],
    ids=["gemini-html", "gemini-json", "grok", "le-chat"],
)
def test_an_unpacked_export_folder_imports_its_conversations_as_its_zip_does(
    app: App, tmp_path: Path, make: Callable[[Path], Path]
) -> None:
    export = make(tmp_path)
    folder = unpacked(export, tmp_path / "Downloads")
    report = start_import(app, folder)
    from_folder = conversation_ids(app)
    assert report.added > 0
    assert len(from_folder) == report.added
    fresh = open_app(tmp_path / "other")
    try:
        from_zip = start_import(fresh, export)
        assert conversation_ids(fresh) == from_folder
    finally:
        fresh.close()
    media = ("files", "bytes", "kept", "missing", "added")
    assert [report.to_json()["media"][k] for k in media] == [
        from_zip.to_json()["media"][k] for k in media
    ]
    assert report.media_kept > 0


def test_a_recompressed_export_unpacked_imports_from_its_one_top_folder(
    app: App, tmp_path: Path
) -> None:
    """ChatGPT's export zipped again with everything under one folder, then unpacked: the
    folder dropped holds that folder only."""
    inner = tmp_path / "made" / "my chatgpt export"
    inner.mkdir(parents=True)
    with zipfile.ZipFile(chatgpt_zip(tmp_path / "chatgpt.zip", conversations(3))) as archive:
        archive.extractall(inner)
    report = start_import(app, tmp_path / "made")
    assert report.added == 3
    assert "conversations.json" in report.files


def test_a_folder_holding_two_exports_below_is_refused_with_both_named(
    app: App, tmp_path: Path
) -> None:
    for name in ("first", "second"):
        unpacked(chatgpt_zip(tmp_path / f"{name}.zip", conversations(2)), tmp_path / "both")
    before = visible(app)
    with pytest.raises(DesktopImporterError) as refusal:
        start_import(app, tmp_path / "both")
    assert refusal.value.message == (
        "The folder “both” holds more than one export (first, second); drop the one to import."
    )
    assert visible(app) == before


def test_a_link_below_the_folder_is_not_followed(app: App, tmp_path: Path) -> None:
    """A folder whose only export is behind a symbolic link holds nothing to import: a
    dropped folder never leads the import out of itself."""
    elsewhere = unpacked(chatgpt_zip(tmp_path / "elsewhere.zip", conversations(2)), tmp_path)
    dropped = tmp_path / "dropped"
    (dropped / "inside").mkdir(parents=True)
    (dropped / "inside" / "export").symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(DesktopImporterError) as refusal:
        start_import(app, dropped)
    assert refusal.value.message == "The folder “dropped” holds no files to import."
    assert visible(app) == []


def test_a_file_dropped_on_its_own_names_the_files_it_did_not_keep_and_its_folder_keeps_them(
    app: App, tmp_path: Path
) -> None:
    """A conversations file dropped alone says nothing of its folder: the files its
    messages point at are named as not kept, with how to keep them; the folder imported
    after it keeps them for the same conversations."""
    folder = unpacked(grok_zip(tmp_path / "grok-export.zip"), tmp_path / "Downloads")
    (backend,) = folder.rglob("prod-grok-backend.json")
    alone = start_import(app, backend)
    assert any(
        line.startswith("Not kept: 5 files that messages point at.")
        and "import the export's ZIP or its folder to keep them" in line
        for line in alone.details()
    ), alone.details()
    assert alone.to_json()["media"]["read"] is False
    from_folder = start_import(app, folder)
    assert (from_folder.added, from_folder.unchanged, from_folder.media_added) == (0, 4, 4)
    assert not any(line.startswith("Not kept") for line in from_folder.details())


def test_every_media_layout_of_an_unpacked_chatgpt_export_is_kept_as_from_its_zip(
    tmp_path: Path,
) -> None:
    """Uploads at the top, in user-<id>/, dalle-generations/ and audio folders, the 2026
    layout's names file: the same files, names and hashes as the ZIP gives, for every file
    a message points at. A file no message points at is the ZIP's (kept) but not the
    folder's: a folder dropped may hold more than the export (a film beside it, here)."""
    export = write_zip(tmp_path / "chatgpt.zip", every_layout())
    folder = unpacked(export, tmp_path / "Downloads")
    (folder / "holiday.mov").write_bytes(b"\x00\x00\x00\x18ftypqt  " + b"x" * 1000)
    seen = {}
    for name, given in (("zip", export), ("folder", folder)):
        opened = open_app(tmp_path / f"data-{name}")
        try:
            report = start_import(opened, given)
            seen[name] = (report.to_json()["media"], media_json(opened))
            stored = {p.read_bytes() for p in stored_files(tmp_path / f"data-{name}")}
        finally:
            opened.close()
    assert seen["folder"][1] == seen["zip"][1]
    assert (seen["zip"][0]["kept"], seen["zip"][0]["unreferenced"]) == (8, 1)
    assert (seen["folder"][0]["kept"], seen["folder"][0]["unreferenced"]) == (7, 0)
    assert not any(b"ftypqt" in content for content in stored)
    assert report.set_aside == []  # the film is neither kept nor named as set aside


def test_a_link_among_an_unpacked_exports_files_is_not_followed(
    app: App, data_dir: Path, tmp_path: Path
) -> None:
    """A file of the folder that is a link (here to a file outside it, named as an upload
    the conversation points at) is not read: the upload counts as missing."""
    folder = unpacked(write_zip(tmp_path / "chatgpt.zip", every_layout()), tmp_path / "x")
    outside = tmp_path / "secret.txt"
    outside.write_text("not for the archive")
    (folder / "file-BBB.jpg").unlink()
    (folder / "file-BBB.jpg").symlink_to(outside)
    report = start_import(app, folder)
    assert report.media_kept == 6  # of the 7 files messages point at
    assert report.media_missing == 1
    assert b"not for the archive" not in {p.read_bytes() for p in stored_files(data_dir)}
