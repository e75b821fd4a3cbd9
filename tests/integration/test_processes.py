"""Concurrency claims proven with real processes: races, start-up, a live import, SIGKILL."""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import os
import sqlite3
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from desktop_importer.store.migrations import SCHEMA_VERSION
from tests.helpers.claude2026 import download_folder
from tests.helpers.exports import chatgpt_zip, conversations

SPAWN = multiprocessing.get_context("spawn")
CLI = str(Path(sys.executable).with_name("desktop-importer"))
ROOT = Path(__file__).resolve().parents[2]
WORKERS = 8


def drain(queue: Any, count: int) -> list[Any]:
    return [queue.get(timeout=120) for _ in range(count)]


def run_all(processes: list[Any]) -> None:
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=180)
        assert process.exitcode == 0


def cli(
    *args: str, data_dir: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    environ = {**os.environ, "DESKTOP_IMPORTER_DATA_DIR": str(data_dir), **(env or {})}
    return subprocess.run(
        [CLI, *args], capture_output=True, text=True, env=environ, timeout=120, check=False
    )


def test_eight_processes_racing_for_one_profile_have_one_winner_per_round(data_dir: Path) -> None:
    from tests.helpers.workers import claim_rounds

    rounds = 12
    barrier, results = SPAWN.Barrier(WORKERS), SPAWN.Queue()
    run_all(
        [
            SPAWN.Process(target=claim_rounds, args=(str(data_dir), rounds, barrier, results))
            for _ in range(WORKERS)
        ]
    )
    outcomes = drain(results, WORKERS * rounds)
    assert not [o for o in outcomes if o[1].startswith("error")]
    per_round = Counter(round_ for round_, outcome in outcomes if outcome == "won")
    assert per_round == dict.fromkeys(range(rounds), 1)


@pytest.mark.parametrize("attempt", range(3))
def test_eight_processes_opening_a_brand_new_data_folder_all_succeed(
    tmp_path: Path, attempt: int
) -> None:
    from tests.helpers.workers import open_fresh

    folder = tmp_path / f"fresh-{attempt}" / "nested"
    barrier, results = SPAWN.Barrier(WORKERS), SPAWN.Queue()
    run_all(
        [
            SPAWN.Process(target=open_fresh, args=(str(folder), barrier, results))
            for _ in range(WORKERS)
        ]
    )
    assert drain(results, WORKERS) == ["ok idle"] * WORKERS
    with sqlite3.connect(folder / "archive.sqlite3") as db:
        assert db.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_a_live_import_elsewhere_makes_the_cli_answer_75_with_its_minutes(
    data_dir: Path, tmp_path: Path
) -> None:
    from tests.helpers.workers import hold_import

    held = chatgpt_zip(tmp_path / "held.zip", conversations(3))
    other = chatgpt_zip(tmp_path / "other.zip", conversations(2, prefix="other"))
    ready, release, results = SPAWN.Event(), SPAWN.Event(), SPAWN.Queue()
    holder = SPAWN.Process(
        target=hold_import, args=(str(data_dir), str(held), 7, ready, release, results)
    )
    holder.start()
    try:
        assert ready.wait(120)
        rejected = cli("import", str(other), "--json", data_dir=data_dir)
        assert rejected.returncode == 75, rejected.stderr
        assert json.loads(rejected.stdout) == {
            "error": "Import already in progress. Please wait for it to complete.",
            "status": "processing",
            "elapsedMinutes": 7,
        }
        human = cli("import", str(other), data_dir=data_dir)
        assert human.returncode == 75
        assert human.stderr.strip() == (
            "Import already in progress. Please wait for it to complete. "
            "(It started 7 minutes ago.)"
        )
        status = json.loads(cli("status", "--json", data_dir=data_dir).stdout)
        assert (status["status"], status["elapsedMinutes"], status["stale"]) == (
            "processing",
            7,
            False,
        )
        assert status["source"]["name"] == "held.zip"
    finally:
        release.set()
        holder.join(timeout=120)
    assert results.get(timeout=10) == "added 3"
    after = cli("import", str(other), "--json", data_dir=data_dir)
    assert after.returncode == 0
    assert json.loads(after.stdout)["added"] == 2


def archive_dump(db_path: Path) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db_path) as db:
        return db.execute(
            "SELECT h.conversation_id, c.title, m.node_id, m.text, m.path_index "
            "FROM conversation_heads h JOIN conversations c ON c.id = h.version_id "
            "JOIN messages m ON m.version_id = c.id ORDER BY 1, 3"
        ).fetchall()


@pytest.mark.parametrize(
    "kill_at",
    [
        "update:1",  # claimed, before the first batch
        "update:4",  # between batches
        "sql:INSERT INTO messages:3",  # inside a batch transaction, before its commit
        "sql:INSERT INTO conversation_heads:1",  # inside the publish transaction
    ],
)
def test_a_sigkilled_import_leaves_the_archive_as_it_was(
    data_dir: Path, tmp_path: Path, kill_at: str
) -> None:
    first = chatgpt_zip(tmp_path / "first.zip", conversations(4))
    second = chatgpt_zip(tmp_path / "second.zip", conversations(30, prefix="second"))
    assert cli("import", str(first), data_dir=data_dir).returncode == 0
    db_path = data_dir / "archive.sqlite3"
    before = archive_dump(db_path)

    killed_worker(data_dir, second, kill_at, batch_conversations=2)

    with sqlite3.connect(db_path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert archive_dump(db_path) == before
    status = json.loads(cli("status", "--json", data_dir=data_dir).stdout)
    assert (status["status"], status["stale"]) == ("processing", True)

    retry = cli("import", str(second), "--json", data_dir=data_dir)
    assert retry.returncode == 0, retry.stderr
    assert "Stuck import detected (0 min), allowing retry for user default" in retry.stderr
    assert json.loads(retry.stdout)["added"] == 30
    assert len({row[0] for row in archive_dump(db_path)}) == 34


def test_killed_in_the_second_batch_of_a_claude_download_nothing_of_either_is_published(
    data_dir: Path, tmp_path: Path
) -> None:
    """One import of a folder of two conversation batches, SIGKILLed inside the transaction
    that writes the first conversation of the second batch: nothing of the first batch is
    visible either, and the next import runs at once (its owner is dead)."""
    first = chatgpt_zip(tmp_path / "first.zip", conversations(4))
    assert cli("import", str(first), data_dir=data_dir).returncode == 0
    folder = download_folder(tmp_path / "Claude export")
    db_path = data_dir / "archive.sqlite3"
    before = archive_dump(db_path)
    # inj, c1 and c2 are the first batch's, c3 the second's: the 4th version written.
    killed_worker(data_dir, folder, "sql:INSERT INTO conversations (:4", batch_conversations=1)
    assert archive_dump(db_path) == before
    assert kept_sides(db_path) == ([], [0])  # its project and memory unpublished too
    status = json.loads(cli("status", "--json", data_dir=data_dir).stdout)
    assert (status["status"], status["stale"]) == ("processing", True)
    assert status["source"]["name"] == "Claude export"
    retry = cli("import", str(folder), "--json", data_dir=data_dir)
    assert retry.returncode == 0, retry.stderr
    assert json.loads(retry.stdout)["added"] == 4
    assert len({row[0] for row in archive_dump(db_path)}) == 8
    assert kept_sides(db_path) == (["proj-1"], [0])  # and nothing of the dead run's left


def test_a_kill_as_it_publishes_keeps_no_project_and_the_retry_drops_what_it_staged(
    data_dir: Path, tmp_path: Path
) -> None:
    """Projects and memory are staged as they are read and kept only by the publish: a
    SIGKILL inside the publishing transaction leaves none kept, and the next import of the
    profile keeps them once and drops what the dead one staged."""
    folder = download_folder(tmp_path / "Claude export")
    db_path = data_dir / "archive.sqlite3"
    killed_worker(data_dir, folder, "sql:INSERT INTO projects:1")
    assert kept_sides(db_path) == ([], [2])  # staged (a project and the memory), not kept
    assert staged_presence(db_path) == 4  # where each conversation was seen, not published
    retry = cli("import", str(folder), "--json", data_dir=data_dir)
    assert retry.returncode == 0, retry.stderr
    body = json.loads(retry.stdout)
    assert (body["added"], body["projects"], body["memories"]) == (4, 1, 1)
    assert kept_sides(db_path) == (["proj-1"], [0])
    # The retry published its own and forgot it after the publish, and forgot the dead one's.
    assert staged_presence(db_path) == 0


def test_a_kill_after_the_publish_leaves_staged_presence_for_the_next_import_to_drop(
    data_dir: Path, tmp_path: Path
) -> None:
    """Where each conversation was seen is forgotten after the publish, in a transaction of
    its own (the publish is the import's longest): a SIGKILL between the two leaves a
    complete import and its staged rows, which the next import of the profile drops."""
    folder = download_folder(tmp_path / "Claude export")
    db_path = data_dir / "archive.sqlite3"
    killed_worker(data_dir, folder, "sql:DELETE FROM run_presence WHERE run_id =:1")
    assert kept_sides(db_path) == (["proj-1"], [0])  # published
    assert staged_presence(db_path) == 4
    again = cli("import", str(folder), "--json", data_dir=data_dir)
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["unchanged"] == 4
    assert staged_presence(db_path) == 0


def killed_worker(
    data_dir: Path, export: Path, kill_at: str, *, batch_conversations: int | None = None
) -> None:
    """Import `export` in a worker process that SIGKILLs itself at `kill_at`
    (tests/helpers/workers.py), and check that it died so."""
    env = {**os.environ, "DESKTOP_IMPORTER_DATA_DIR": str(data_dir)}
    if batch_conversations is not None:
        env["DESKTOP_IMPORTER_BATCH_CONVERSATIONS"] = str(batch_conversations)
    child = subprocess.run(
        [sys.executable, "-m", "tests.helpers.workers", str(data_dir), str(export), kill_at],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert child.returncode == -9, child.stderr


def staged_presence(db_path: Path) -> int:
    with contextlib.closing(sqlite3.connect(db_path)) as db:
        return int(db.execute("SELECT count(*) FROM run_presence").fetchone()[0])


def kept_sides(db_path: Path) -> tuple[list[str], list[int]]:
    """The projects kept, and how many projects and memories are staged."""
    with contextlib.closing(sqlite3.connect(db_path)) as db:
        kept = [row[0] for row in db.execute("SELECT project_id FROM projects")]
        staged = [row[0] for row in db.execute("SELECT count(*) FROM run_sides")]
    return kept, staged


def test_a_command_waiting_on_a_schema_upgrade_says_so_and_gives_up(
    data_dir: Path, tmp_path: Path
) -> None:
    """Another process holds the schema lock (as during the upgrade of a large archive): the
    command says it is waiting, then gives up with a sentence instead of hanging."""
    assert cli("status", data_dir=data_dir).returncode == 0
    with subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(data_dir / "archive.lock")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as holder:
        assert holder.stdin is not None and holder.stdout is not None
        assert holder.stdout.readline().strip() == "locked"
        done = cli("status", data_dir=data_dir, env={"DESKTOP_IMPORTER_LOCK_TIMEOUT_S": "0.5"})
        holder.stdin.close()  # lets the holder end, releasing the lock
    assert done.returncode == 74
    assert done.stderr.splitlines() == [
        "Waiting for another Desktop Importer to finish upgrading the archive…",
        "Another Desktop Importer is still upgrading the archive after 0 seconds; try again "
        "when it has finished.",
    ]
    assert cli("status", data_dir=data_dir).returncode == 0  # and works once it is free


HOLD_LOCK = """
import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)
fcntl.flock(fd, fcntl.LOCK_EX)
print("locked", flush=True)
sys.stdin.read()
"""
