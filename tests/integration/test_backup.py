"""`backup PATH`: a consistent, private copy of the archive and its media, made by the
command line while an import runs in another process; restored, it reads as the archive
did before that import."""

from __future__ import annotations

import json
import multiprocessing
import shutil
import sqlite3
import stat
from pathlib import Path

from desktop_importer import library
from desktop_importer.importing.service import open_app, profile_status, start_import
from tests.helpers.exports import chatgpt_zip, conversations
from tests.helpers.media import image_part, png, sha, with_media
from tests.integration.test_processes import cli

SPAWN = multiprocessing.get_context("spawn")
PHOTO, LATER = png(seed=21), png(seed=22)


def filled(data_dir: Path, tmp_path: Path) -> None:
    app = open_app(data_dir)
    conv = with_media("pic", [image_part("file-service://file-B1"), "my photo"])
    start_import(app, chatgpt_zip(tmp_path / "a.zip", [conv, *conversations(3)],
                                  files={"file-B1-a.png": PHOTO}))  # fmt: skip
    start_import(app, chatgpt_zip(tmp_path / "b.zip", conversations(2, prefix="w")), profile="work")
    app.close()


def test_a_backup_restored_reads_as_the_archive_did(data_dir: Path, tmp_path: Path) -> None:
    filled(data_dir, tmp_path)
    target = tmp_path / "backups" / "monday"
    done = cli("backup", str(target), "--json", data_dir=data_dir)
    assert done.returncode == 0, done.stderr
    body = json.loads(done.stdout)
    assert body["status"] == "complete" and body["path"] == str(target)
    files = [p for p in target.rglob("*") if p.is_file()]
    assert body["bytes"] == sum(p.stat().st_size for p in files)
    assert {p.relative_to(target).as_posix() for p in files} == {
        "archive.sqlite3",
        f"media/{sha(PHOTO)[:2]}/{sha(PHOTO)}",
    }
    # Private: the folders 0700, the files 0600.
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in files)
    folders = [target, *(p for p in target.rglob("*") if p.is_dir())]
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o700 for p in folders)

    # Restore as the README says: the copy's contents become a data folder.
    restored = tmp_path / "restored"
    shutil.copytree(target, restored)
    app = open_app(restored)
    try:
        assert profile_status(app).conversations == 4
        assert profile_status(app, "work").conversations == 2
        view = library.read_conversation(app, "default", "pic")
        (ref,) = view.media_of(view.messages[0])
        assert ref.file is not None and ref.file.path.read_bytes() == PHOTO
        assert [r.conversation_id for r in library.search(app, "default", "photo")] == ["pic"]
    finally:
        app.close()


def test_a_backup_made_during_an_import_holds_the_last_published_state(
    data_dir: Path, tmp_path: Path
) -> None:
    from tests.helpers.workers import hold_import

    filled(data_dir, tmp_path)
    newer = [
        with_media("later", [image_part("file-service://file-B2")]),
        *conversations(5, prefix="new"),
    ]
    held = chatgpt_zip(tmp_path / "held.zip", newer, files={"file-B2-b.png": LATER})
    ready, release, results = SPAWN.Event(), SPAWN.Event(), SPAWN.Queue()
    holder = SPAWN.Process(
        target=hold_import,
        args=(str(data_dir), str(held), 0, ready, release, results, "publishing"),
    )
    holder.start()
    try:
        assert ready.wait(120)  # everything staged, media included; nothing published
        target = tmp_path / "during"
        done = cli("backup", str(target), data_dir=data_dir)
        assert done.returncode == 0, done.stderr
        assert done.stdout.startswith(f"Backed up the archive to {target} (")
    finally:
        release.set()
        holder.join(120)
    assert results.get(timeout=10) == "added 6"  # the import went on and published
    copy = sqlite3.connect(target / "archive.sqlite3")
    assert copy.execute("SELECT count(*) FROM conversations").fetchone() == (4 + 2,)
    assert copy.execute(
        "SELECT count(*) FROM user_profiles WHERE import_status = 'processing'"
    ).fetchone() == (0,)
    assert copy.execute("SELECT count(*) FROM media_assets WHERE published = 0").fetchone() == (0,)
    assert copy.execute("SELECT sha256 FROM media_blobs").fetchall() == [(sha(PHOTO),)]
    assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert not (target / "media" / sha(LATER)[:2]).exists()
    restored = open_app(target)  # opens cleanly: no import to recover, no one processing
    try:
        state = profile_status(restored)
        assert state.status == "cancelled" and "backup" in (state.last_error or "")
        assert state.conversations == 4
    finally:
        restored.close()


def test_a_path_that_cannot_be_written_is_refused_with_73(data_dir: Path, tmp_path: Path) -> None:
    filled(data_dir, tmp_path)
    taken = tmp_path / "taken"
    taken.write_text("not a folder")
    refused = cli("backup", str(taken), data_dir=data_dir)
    assert refused.returncode == 73
    assert refused.stderr.strip() == (
        f"{taken} already exists and is not an empty folder; choose a new folder for the backup."
    )
    busy = tmp_path / "busy"
    (busy / "inside").mkdir(parents=True)
    assert cli("backup", str(busy), "--json", data_dir=data_dir).returncode == 73
    assert sorted(p.name for p in busy.iterdir()) == ["inside"]  # left as it was
    under_a_file = taken / "backup"
    assert cli("backup", str(under_a_file), data_dir=data_dir).returncode == 73
