"""Recovery from an import that died (issue #16): what it wrote, its full-text index
entries included, is reclaimed the next time any process opens the archive, for every
profile, without touching a live import."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import text

from desktop_importer.app import App
from desktop_importer.importing.service import open_app, profile_status, start_import
from desktop_importer.upkeep import recovery
from tests.helpers.exports import chatgpt_zip, conversation, conversations
from tests.integration.test_processes import ROOT, archive_dump, cli

MB = 2**20


def pages_in_use(db_path: Path) -> int:
    """Bytes of pages in use: what the archive really holds, free pages left out."""
    with sqlite3.connect(db_path) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        size = db.execute("PRAGMA page_size").fetchone()[0]
        count = db.execute("PRAGMA page_count").fetchone()[0]
        free = db.execute("PRAGMA freelist_count").fetchone()[0]
    return int((count - free) * size)


def indexes_are_sound(db_path: Path) -> None:
    with sqlite3.connect(db_path) as db:
        for index in ("message_fts", "title_fts"):
            db.execute(f"INSERT INTO {index} ({index}) VALUES ('integrity-check')")


def wordy(count: int, prefix: str) -> list[dict[str, object]]:
    """Conversations with enough distinct words that their index entries weigh megabytes."""
    return [
        conversation(
            f"{prefix}-{i}",
            [("user", " ".join(f"w{prefix}{i}x{k}" for k in range(400))), ("assistant", "ok")],
        )
        for i in range(count)
    ]


def crash(data_dir: Path, export: Path, kill_at: str, profile: str = "default") -> None:
    env = {
        **os.environ,
        "DESKTOP_IMPORTER_DATA_DIR": str(data_dir),
        "DESKTOP_IMPORTER_BATCH_CONVERSATIONS": "20",
    }
    child = subprocess.run(
        [sys.executable, "-m", "tests.helpers.workers", str(data_dir), str(export), kill_at, profile],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert child.returncode == -9, child.stderr


@pytest.mark.parametrize("profile", ["default", "other"])
def test_a_killed_import_is_reclaimed_when_any_command_next_opens_the_archive(
    data_dir: Path, tmp_path: Path, profile: str
) -> None:
    """The issue's kill test, small: pages in use come back to within 1 MB of before, the
    dead import's index entries included, whichever profile it belonged to."""
    first = chatgpt_zip(tmp_path / "first.zip", conversations(4))
    assert cli("import", str(first), data_dir=data_dir).returncode == 0
    db_path = data_dir / "archive.sqlite3"
    before, visible = pages_in_use(db_path), archive_dump(db_path)

    crash(data_dir, chatgpt_zip(tmp_path / "big.zip", wordy(800, "big")), "update:30", profile)
    assert pages_in_use(db_path) - before > 3 * MB  # what the dead import left

    assert cli("status", data_dir=data_dir).returncode == 0  # opens the archive: recovers
    assert abs(pages_in_use(db_path) - before) < 1 * MB
    assert archive_dump(db_path) == visible
    indexes_are_sound(db_path)
    logged = "".join(p.read_text() for p in (data_dir / "logs").glob("*.log*"))
    assert "Recovery: 1 dead imports" in logged
    retry = cli("import", str(tmp_path / "big.zip"), "--profile", profile, data_dir=data_dir)
    assert retry.returncode == 0, retry.stderr


def test_recovery_leaves_a_live_import_alone(app: App, data_dir: Path, tmp_path: Path) -> None:
    """Another process opening the archive while an import runs must not take its rows."""
    from tests.helpers.stubs import ActingProgress

    staged: list[int] = []

    def open_elsewhere() -> None:
        with app.store.read() as session:  # what the live import has written so far
            staged.append(session.execute(text("SELECT count(*) FROM conversations")).scalar_one())
        other = open_app(data_dir)  # recovers, as any command does
        assert not recovery.recovery_needed(other)
        other.close()

    app.settings = replace(app.settings, batch_conversations=5)
    export = chatgpt_zip(tmp_path / "x.zip", conversations(200))
    report = start_import(app, export, progress=ActingProgress(20, open_elsewhere))
    assert staged and staged[0] > 0  # there were staged rows a wrong recovery would take
    assert report.added == 200
    assert profile_status(app).conversations == 200  # every one of them was published
    assert profile_status(app).messages == 400


def test_a_cancelled_import_leaves_no_index_behind(
    app: App, data_dir: Path, tmp_path: Path
) -> None:
    from desktop_importer.basics.errors import ImportCancelled
    from tests.helpers.stubs import ActingProgress

    start_import(app, chatgpt_zip(tmp_path / "a.zip", conversations(4)))
    db_path = data_dir / "archive.sqlite3"
    before = pages_in_use(db_path)
    cancelled: list[bool] = []
    app.settings = app.settings.__class__(**{**app.settings.__dict__, "batch_conversations": 20})
    with pytest.raises(ImportCancelled):
        start_import(
            app,
            chatgpt_zip(tmp_path / "big.zip", wordy(300, "big")),
            progress=ActingProgress(10, lambda: cancelled.append(True)),
            cancel=lambda: bool(cancelled),
        )
    assert abs(pages_in_use(db_path) - before) < 1 * MB
    assert not recovery.recovery_needed(app)


def test_an_interrupted_recovery_goes_on_where_it_stopped(data_dir: Path, tmp_path: Path) -> None:
    first = chatgpt_zip(tmp_path / "first.zip", conversations(4))
    assert cli("import", str(first), data_dir=data_dir).returncode == 0
    db_path = data_dir / "archive.sqlite3"
    before = pages_in_use(db_path)
    crash(data_dir, chatgpt_zip(tmp_path / "big.zip", wordy(800, "big")), "update:30")

    app = open_app(data_dir, recover=False)
    try:
        assert recovery.recovery_needed(app)
        steps: list[str] = []
        stopped = recovery.recover(
            app, progress=lambda stage, done: steps.append(stage), cancel=lambda: len(steps) >= 2
        )
        assert not stopped.finished and recovery.recovery_needed(app)
        done = recovery.recover(app)
        assert done.finished and not recovery.recovery_needed(app)
        assert done.merge_steps >= 2  # merged until FTS5 had nothing left
    finally:
        app.close()
    assert abs(pages_in_use(db_path) - before) < 1 * MB
