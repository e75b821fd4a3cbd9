"""Media kept byte for byte with real ZIPs: every layout of real exports, one copy per
content, missing files, fill-in and keep, all-or-nothing with the import, and a crash with
files half-written, then recovery."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from desktop_importer import library
from desktop_importer.app import App
from desktop_importer.basics import media
from desktop_importer.basics.errors import (
    EnvironmentProblem,
    ImportCancelled,
    InvalidExport,
    LimitExceeded,
    UnknownConversation,
)
from desktop_importer.basics.settings import Settings
from desktop_importer.importing.service import check_export, open_app, profile_status, start_import
from tests.helpers.exports import chatgpt_zip, write_zip
from tests.helpers.media import (
    PDF,
    image_part,
    jpeg_header,
    png,
    png_claiming,
    sha,
    voice_part,
    wav,
    webp_header,
    with_media,
)

ROOT = Path(__file__).resolve().parents[2]
PHOTO, GARDEN, DALLE = png(seed=1), png(seed=2), webp_header()
UPLOAD, VOICE, SHOT = png(seed=3), wav(), png(seed=4)


def every_layout(folder: str = "") -> dict[str, object]:
    """One export holding a file in each place real exports put them."""
    conv = with_media(
        "media",
        [
            image_part("file-service://file-AAA"),  # root, file-<id>-<original name>
            image_part("file-BBB"),  # a bare id; root, file-<id>.<ext>
            image_part("file-service://file-CCC", metadata={"dalle": {"prompt": "a fox"}}),
            image_part("sediment://file_ddd"),  # user-<id>/file_<hex>-<uuid>.<ext>
            voice_part("sediment://file_eee"),  # <conversation>/audio/…
            image_part("sediment://file_ggg"),  # the 2026 layout: <id>.dat + names
            "Look at these",
        ],
        attachments=[{"id": "file-FFF", "name": "Report.pdf", "mime_type": "application/pdf"}],
    )
    return {
        f"{folder}conversations.json": [conv],
        f"{folder}user.json": {"id": "user-1"},
        f"{folder}file-AAA-My photo 😀.png": PHOTO,
        f"{folder}file-BBB.jpg": jpeg_header(),
        f"{folder}dalle-generations/file-CCC-0f1e2d3c.webp": DALLE,
        f"{folder}user-u1/file_ddd-6a7b8c9d.png": UPLOAD,
        f"{folder}media/audio/file_eee-1234abcd.wav": VOICE,
        f"{folder}file-FFF-Report.pdf": PDF,
        f"{folder}file_ggg.dat": GARDEN,
        f"{folder}conversation_asset_file_names.json": {"file_ggg.dat": "garden.png"},
        f"{folder}file-ZZZ-library only.png": SHOT,  # no message points at it
    }


def media_json(
    app: App, conversation: str = "media", profile: str = "default"
) -> list[dict[str, Any]]:
    view = library.read_conversation(app, profile, conversation)
    return [ref.to_json() for m in view.messages for ref in view.media_of(m)]


def stored_files(data_dir: Path) -> list[Path]:
    root = data_dir / "media"
    return sorted(p for p in root.glob("??/*") if p.is_file()) if root.exists() else []


def staging(data_dir: Path) -> list[Path]:
    return list((data_dir / "media" / ".staging").glob("*"))


@pytest.mark.parametrize("folder", ["", "My export/"])
def test_every_layout_is_found_and_kept_byte_for_byte(
    app: App, data_dir: Path, tmp_path: Path, folder: str
) -> None:
    report = start_import(app, write_zip(tmp_path / "e.zip", every_layout(folder)))
    media = report.to_json()["media"]
    assert media == {
        "files": 8,
        "bytes": media["bytes"],
        "kept": 8,
        "missing": 0,
        "unreferenced": 1,
        "added": 8,
        "read": True,
    }
    found = {m["name"]: m for m in media_json(app)}
    assert found["My photo 😀.png"]["sha256"] == sha(PHOTO)
    assert found["file-BBB.jpg"]["mimeType"] == "image/jpeg"
    assert found["0f1e2d3c.webp"]["mimeType"] == "image/webp"
    assert found["6a7b8c9d.png"]["sha256"] == sha(UPLOAD)
    assert found["1234abcd.wav"]["mimeType"] == "audio/wav"
    assert found["Report.pdf"] == {
        "name": "Report.pdf",
        "mimeType": "application/pdf",
        "bytes": len(PDF),
        "sha256": sha(PDF),
        "kept": True,
    }
    # The 2026 layout: the name from the names file, the type from the bytes.
    assert found["garden.png"]["mimeType"] == "image/png"
    assert found["garden.png"]["sha256"] == sha(GARDEN)
    assert all(m["kept"] for m in found.values()) and len(found) == 7
    # Byte for byte, under names made from hashes.
    for data in (PHOTO, GARDEN, DALLE, UPLOAD, VOICE, PDF, SHOT):
        assert (data_dir / "media" / sha(data)[:2] / sha(data)).read_bytes() == data
    assert len(stored_files(data_dir)) == 9 - 1  # the JPEG header and 7 others, once each
    assert not staging(data_dir)
    status = profile_status(app).to_json()
    assert status["media"]["files"] == 8


def test_show_json_lists_each_messages_media(data_dir: Path, tmp_path: Path) -> None:
    export = write_zip(tmp_path / "e.zip", every_layout())
    env = {**os.environ, "DESKTOP_IMPORTER_DATA_DIR": str(data_dir)}
    run = [sys.executable, "-m", "desktop_importer"]
    done = subprocess.run([*run, "import", str(export)], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "Media: 8 of 8 files kept" in done.stdout
    assert "Kept too, though no message points at them: 1 file" in done.stdout
    shown = subprocess.run(
        [*run, "show", "media", "--json"], env=env, capture_output=True, text=True, check=True
    )
    messages = json.loads(shown.stdout)["messages"]
    user = next(m for m in messages if m["role"] == "user")
    assert [m["name"] for m in user["media"]][:2] == ["My photo 😀.png", "file-BBB.jpg"]
    assert all(m["kept"] for m in user["media"])
    status = subprocess.run(
        [*run, "status", "--json"], env=env, capture_output=True, text=True, check=True
    )
    held = (PHOTO, GARDEN, DALLE, UPLOAD, VOICE, PDF, SHOT, jpeg_header())
    assert json.loads(status.stdout)["media"] == {
        "files": 8,
        "bytes": sum(len(data) for data in held),
        "missing": 0,
    }


def test_a_live_video_calls_audio_and_video_are_both_kept_and_shown(
    app: App, tmp_path: Path
) -> None:
    part = voice_part("sediment://file_au1")
    part["video_container_asset_pointer"] = {"asset_pointer": "sediment://file_vi1"}
    video = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 64
    files = {"c/audio/file_au1-1.wav": VOICE, "c/video/file_vi1-2.mp4": video}
    start_import(app, chatgpt_zip(tmp_path / "e.zip", [with_media("c", [part])], files=files))
    view = library.read_conversation(app, "default", "c")
    kinds = [(b.kind, view.file_for(b.pointer)) for b in view.messages[0].blocks]
    assert [(kind, f.mime_type if f else None) for kind, f in kinds] == [
        ("file", "video/mp4"),
        ("audio", "audio/wav"),
    ]


def test_a_name_that_claims_one_type_is_stored_as_its_bytes_say(app: App, tmp_path: Path) -> None:
    conv = with_media("c", [image_part("file-service://file-X1")])
    start_import(
        app, chatgpt_zip(tmp_path / "e.zip", [conv], files={"file-X1-cat.png": jpeg_header()})
    )
    (found,) = media_json(app, "c")
    assert found["name"] == "cat.png" and found["mimeType"] == "image/jpeg"


def test_one_copy_of_an_image_shared_by_two_conversations_and_two_profiles(
    app: App, data_dir: Path, tmp_path: Path
) -> None:
    convs = [
        with_media("one", [image_part("file-service://file-S1")]),
        with_media("two", [image_part("file-service://file-S2")]),  # the same bytes again
    ]
    export = chatgpt_zip(
        tmp_path / "e.zip", convs, files={"file-S1-a.png": PHOTO, "file-S2-b.png": PHOTO}
    )
    start_import(app, export)
    start_import(app, export, profile="second")
    assert stored_files(data_dir) == [data_dir / "media" / sha(PHOTO)[:2] / sha(PHOTO)]
    for profile in ("default", "second"):
        for cid in ("one", "two"):
            assert media_json(app, cid, profile)[0]["sha256"] == sha(PHOTO)


def test_a_missing_file_is_marked_then_filled_by_a_later_export(
    app: App, data_dir: Path, tmp_path: Path
) -> None:
    """Also the backfill: the same, unchanged conversation collects its file when an export
    that holds it is imported again."""
    conv = with_media("c", [image_part("file-service://file-M1"), "my plot"])
    first = start_import(app, chatgpt_zip(tmp_path / "a.zip", [conv]))
    assert first.to_json()["media"]["missing"] == 1
    assert media_json(app, "c") == [
        {"name": "file-M1", "mimeType": None, "bytes": None, "sha256": None, "kept": False}
    ]
    again = start_import(
        app, chatgpt_zip(tmp_path / "b.zip", [conv], files={"file-M1-plot.png": PHOTO})
    )
    assert again.unchanged == 1
    assert again.to_json()["media"] | {"bytes": 0} == {
        "files": 1, "bytes": 0, "kept": 1, "missing": 0, "unreferenced": 0, "added": 1,
        "read": True,
    }  # fmt: skip
    assert media_json(app, "c")[0]["kept"] is True


def test_a_multi_part_exports_media_is_found_in_whichever_part_holds_it(
    app: App, data_dir: Path, tmp_path: Path
) -> None:
    """ChatGPT's large exports come as several ZIPs, the manifest in the first: a message in
    one part points at a file another part holds; dropped together, nothing is missing."""
    first = with_media("c1", [image_part("file-service://file-P2"), "in part two"])
    second = with_media("c2", [image_part("file-service://file-P1")])
    one = write_zip(tmp_path / "part-1.zip", {
        "export_manifest.json": {"export_files": [{"path": "conversations-000.json"},
                                                  {"path": "conversations-001.json"}]},
        "conversations-000.json": [first],
        "file-P1-garden.png": GARDEN,
    })  # fmt: skip
    two = write_zip(tmp_path / "part-2.zip", {"conversations-001.json": [second],
                                              "file-P2-photo.png": PHOTO})  # fmt: skip
    report = start_import(app, [one, two]).to_json()
    assert (report["added"], report["files"]) == (2, ["part-1.zip", "part-2.zip"])
    assert report["media"] | {"bytes": 0} == {
        "files": 2, "bytes": 0, "kept": 2, "missing": 0, "unreferenced": 0, "added": 2,
        "read": True,
    }  # fmt: skip
    assert media_json(app, "c1")[0]["sha256"] == sha(PHOTO)
    assert media_json(app, "c2")[0]["sha256"] == sha(GARDEN)
    with pytest.raises(InvalidExport) as raised:
        start_import(app, one)  # the first part alone is incomplete, and says so
    assert "lists conversations-001.json, but part-1.zip does not contain it" in (
        raised.value.message
    )


def test_a_later_export_without_the_file_keeps_the_archives_copy(
    app: App, data_dir: Path, tmp_path: Path
) -> None:
    conv = with_media("c", [image_part("file-service://file-K1")])
    start_import(app, chatgpt_zip(tmp_path / "a.zip", [conv], files={"file-K1-x.png": PHOTO}))
    newer = with_media("c", [image_part("file-service://file-K1")], update_time=2_000_000_000)
    report = start_import(app, chatgpt_zip(tmp_path / "b.zip", [newer]))
    assert report.updated == 1 and report.to_json()["media"]["missing"] == 0
    assert media_json(app, "c")[0]["sha256"] == sha(PHOTO)
    assert (data_dir / "media" / sha(PHOTO)[:2] / sha(PHOTO)).exists()


def test_a_hostile_member_name_never_becomes_a_path(
    app: App, data_dir: Path, tmp_path: Path
) -> None:
    name = "file-H1-CON  :*?<>|..\u202e gpj.exe .png"
    conv = with_media("c", [image_part("file-service://file-H1")])
    start_import(app, chatgpt_zip(tmp_path / "e.zip", [conv], files={name: PHOTO}))
    (found,) = media_json(app, "c")
    assert found["name"] == name.removeprefix("file-H1-") and found["kept"]
    written = sorted(p.relative_to(data_dir).as_posix() for p in data_dir.rglob("*") if p.is_file())
    assert [p for p in written if p.startswith("media/")] == [
        f"media/{sha(PHOTO)[:2]}/{sha(PHOTO)}"
    ]


def test_an_image_with_huge_declared_dimensions_is_kept_with_them(app: App, tmp_path: Path) -> None:
    bomb = png_claiming(50_000, 50_000)
    conv = with_media("c", [image_part("file-service://file-B1")])
    start_import(app, chatgpt_zip(tmp_path / "e.zip", [conv], files={"file-B1-big.png": bomb}))
    view = library.read_conversation(app, "default", "c")
    (ref,) = view.media_of(view.messages[0])
    assert ref.file is not None and (ref.file.width, ref.file.height) == (50_000, 50_000)
    assert ref.file.bytes == len(bomb)


def test_a_cancelled_import_leaves_no_media_and_spares_another_profiles(
    app: App, data_dir: Path, tmp_path: Path
) -> None:
    conv = with_media("c", [image_part("file-service://file-P1"), image_part("file-P2")])
    shared = chatgpt_zip(tmp_path / "s.zip", [conv], files={"file-P1-a.png": PHOTO})
    start_import(app, shared, profile="other")  # holds PHOTO
    both = chatgpt_zip(
        tmp_path / "b.zip", [conv], files={"file-P1-a.png": PHOTO, "file-P2.png": UPLOAD}
    )
    asked = [0]

    def cancel() -> bool:  # once the media stage has begun
        asked[0] += 1
        return asked[0] > 3

    with pytest.raises(ImportCancelled):
        start_import(app, both, cancel=cancel)
    assert stored_files(data_dir) == [data_dir / "media" / sha(PHOTO)[:2] / sha(PHOTO)]
    assert not staging(data_dir)
    assert media_json(app, "c", "other")[0]["kept"] is True
    with pytest.raises(UnknownConversation):
        library.read_conversation(app, "default", "c")


def test_a_kill_with_files_half_written_leaves_nothing_once_recovered(
    data_dir: Path, tmp_path: Path
) -> None:
    """SIGKILL inside the transaction that records the files, after the first has moved
    into place: the next command's recovery removes it, the staged ones and every row."""
    first = open_app(data_dir)
    keep = with_media("keep", [image_part("file-service://file-Q0")])
    start_import(first, chatgpt_zip(tmp_path / "k.zip", [keep], files={"file-Q0-k.png": SHOT}))
    first.close()
    convs = [with_media("c", [image_part(f"file-Q{i}") for i in range(1, 4)])]
    files = {f"file-Q{i}-x.png": png(seed=10 + i) for i in range(1, 4)}
    export = chatgpt_zip(tmp_path / "e.zip", convs, files=files)
    env = {**os.environ, "DESKTOP_IMPORTER_DATA_DIR": str(data_dir)}
    child = subprocess.run(
        [sys.executable, "-m", "tests.helpers.workers", str(data_dir), str(export),
         "sql:INSERT INTO media_blobs:2", "default"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert child.returncode == -9, child.stderr
    assert len(stored_files(data_dir)) == 2 + 1  # moved into place, never committed
    assert staging(data_dir)  # staged, never moved
    app = open_app(data_dir)  # any command: recovery runs
    try:
        assert stored_files(data_dir) == [data_dir / "media" / sha(SHOT)[:2] / sha(SHOT)]
        assert not staging(data_dir)
        assert media_json(app, "keep")[0]["kept"] is True
    finally:
        app.close()
    db = sqlite3.connect(data_dir / "archive.sqlite3")
    assert db.execute("SELECT count(*) FROM media_blobs").fetchone() == (1,)
    assert db.execute("SELECT count(*) FROM media_assets").fetchone() == (1,)


def test_the_same_export_again_keeps_everything_without_reading_it_again(
    app: App, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    export = write_zip(tmp_path / "e.zip", every_layout())
    start_import(app, export)
    read: list[int] = []
    original = media.MediaFolder.stage

    def counted(self: media.MediaFolder, *args: Any, **kwargs: Any) -> media.StagedFile:
        read.append(1)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(media.MediaFolder, "stage", counted)
    again = start_import(app, export).to_json()["media"]
    assert again["kept"] == again["files"] == 8 and again["added"] == 0
    assert read == []
    assert all(m["kept"] for m in media_json(app))


def test_media_counts_toward_the_total_size_limit(tmp_path: Path) -> None:
    conv = with_media("c", [image_part("file-service://file-L1")])
    export = chatgpt_zip(tmp_path / "e.zip", [conv], files={"file-L1-x.jpg": PHOTO * 400})
    assert check_export(export, Settings(max_total_bytes=len(PHOTO) * 1000))
    with pytest.raises(LimitExceeded) as refused:
        check_export(export, Settings(max_total_bytes=len(PHOTO) * 300))
    assert "with its media" in refused.value.message and refused.value.limit == "max_total_bytes"


def test_the_free_disk_check_counts_the_media(
    app: App, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """64 MB of headroom and a small conversation file fit in 80 MB free; 20 MB of photos
    more do not, and nothing is imported."""
    from desktop_importer.importing import service

    monkeypatch.setattr(service, "free_bytes", lambda folder: 80 * 2**20)
    conv = with_media("c", [image_part("file-service://file-D1")])
    small = chatgpt_zip(tmp_path / "small.zip", [conv], files={"file-D1-a.png": PHOTO})
    assert start_import(app, small).added == 1
    big = chatgpt_zip(
        tmp_path / "big.zip", [conv], files={"file-D1-a.png": PHOTO + b"\0" * (20 * 2**20)}
    )
    with pytest.raises(EnvironmentProblem, match="Not enough free disk space"):
        start_import(app, big)


def test_a_damaged_member_is_left_out_and_the_rest_kept(
    app: App, data_dir: Path, tmp_path: Path
) -> None:
    """Its CRC fails half-way: the files staged before it must stay staged, not be swept
    away with its partial copy."""
    conv = with_media("c", [image_part(f"file-service://file-Z{i}") for i in range(3)])
    files = {f"file-Z{i}-x.png": png(seed=60 + i) for i in range(3)}
    export = chatgpt_zip(tmp_path / "e.zip", [conv], files=files)
    data = bytearray(export.read_bytes())
    with zipfile.ZipFile(export) as archive:
        info = archive.getinfo("file-Z1-x.png")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    data[start + info.compress_size // 2] ^= 0xFF
    export.write_bytes(bytes(data))
    report = start_import(app, export).to_json()["media"]
    assert (report["files"], report["kept"]) == (3, 2)
    kept = [m["kept"] for m in media_json(app, "c")]
    assert kept == [True, False, True]
    assert not staging(data_dir)
