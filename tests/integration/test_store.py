"""The store: created once, private, in WAL with the right pragmas, and never opened by an
older app when a newer one wrote it."""

from __future__ import annotations

import sqlite3
import stat
import threading
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from desktop_importer.basics.errors import EnvironmentProblem
from desktop_importer.store import checkpoints, open_store
from desktop_importer.store.checkpoints import CheckpointsAside
from desktop_importer.store.migrations import SCHEMA_VERSION


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_archive_is_private_and_in_wal(data_dir: Path) -> None:
    store = open_store(data_dir)
    try:
        with store.write() as session:
            session.execute(text("INSERT INTO settings (key, value) VALUES ('k', 'v')"))
        assert mode(data_dir) == 0o700
        assert mode(store.path) == 0o600
        wal = store.path.with_name(store.path.name + "-wal")
        assert wal.exists()
        assert mode(wal) == 0o600
        with store.read() as session:
            assert session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert session.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert session.execute(text("PRAGMA busy_timeout")).scalar() == 10_000
            assert session.execute(text("PRAGMA user_version")).scalar() == SCHEMA_VERSION
            assert message_index_automerge(session) == 16
            assert message_index_crisismerge(session) == 64
    finally:
        store.close()


def message_index_automerge(session: Session) -> int:
    """How many segments the message index merges at a time (FTS5's default is 4)."""
    found = session.execute(text("SELECT v FROM message_fts_config WHERE k = 'automerge'"))
    return int(found.scalar_one_or_none() or 4)


def message_index_crisismerge(session: Session) -> int:
    """How many segments a level holds before FTS5 merges it whole (its default is 16)."""
    found = session.execute(text("SELECT v FROM message_fts_config WHERE k = 'crisismerge'"))
    return int(found.scalar_one_or_none() or 16)


def test_the_data_dir_override_is_honoured(data_dir: Path) -> None:
    from desktop_importer.importing.service import open_app

    app = open_app()
    try:
        assert app.store.path == data_dir / "archive.sqlite3"
    finally:
        app.close()


def test_an_archive_from_a_newer_version_is_refused_untouched(data_dir: Path) -> None:
    open_store(data_dir).close()
    db = data_dir / "archive.sqlite3"
    with sqlite3.connect(db) as raw:
        raw.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    raw.close()
    before = db.read_bytes()
    with pytest.raises(EnvironmentProblem, match="written by a newer version of Desktop Importer"):
        open_store(data_dir)
    assert db.read_bytes() == before


def test_opening_again_keeps_the_data(data_dir: Path) -> None:
    store = open_store(data_dir)
    with store.write() as session:
        session.execute(text("INSERT INTO settings (key, value) VALUES ('k', 'v')"))
    store.close()
    again = open_store(data_dir)
    try:
        assert again.stored_settings() == {"k": "v"}
    finally:
        again.close()


def test_a_file_that_is_not_a_database_gets_a_sentence(data_dir: Path) -> None:
    data_dir.mkdir(parents=True)
    (data_dir / "archive.sqlite3").write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(EnvironmentProblem, match="damaged or is not an archive database"):
        open_store(data_dir)


def test_a_read_only_connection_refuses_writes_with_a_sentence(data_dir: Path) -> None:
    open_store(data_dir).close()
    store = open_store(data_dir, read_only=True)
    try:
        with pytest.raises(EnvironmentProblem, match="read-only"), store.write() as session:
            session.execute(text("INSERT INTO settings (key, value) VALUES ('k', 'v')"))
    finally:
        store.close()


def test_an_upgrade_step_runs_once_and_moves_the_version(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy import Connection

    from desktop_importer.store import migrations

    open_store(data_dir).close()  # an archive at the current version
    runs: list[int] = []

    def add_column(connection: Connection) -> None:
        runs.append(1)
        connection.exec_driver_sql("ALTER TABLE settings ADD COLUMN note TEXT")

    monkeypatch.setattr(migrations, "UPGRADES", [*migrations.UPGRADES, add_column])
    monkeypatch.setattr(migrations, "SCHEMA_VERSION", 1 + len(migrations.UPGRADES))
    for _ in range(3):
        open_store(data_dir).close()
    assert runs == [1]
    with sqlite3.connect(data_dir / "archive.sqlite3") as raw:
        assert raw.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION + 1,)
        assert "note" in [row[1] for row in raw.execute("PRAGMA table_info(settings)")]
    raw.close()


def test_a_version_1_archive_is_upgraded_with_its_data_searchable(data_dir: Path) -> None:
    data_dir.mkdir(parents=True)
    fixture = Path(__file__).parents[1] / "fixtures" / "archive_v1.sql"
    with sqlite3.connect(data_dir / "archive.sqlite3") as raw:
        raw.executescript(fixture.read_text())
    raw.close()
    store = open_store(data_dir)
    try:
        with store.read() as session:
            assert session.execute(text("PRAGMA user_version")).scalar() == SCHEMA_VERSION
            found = session.execute(
                text(
                    "SELECT m.text, m.in_export FROM message_fts JOIN messages m "
                    "ON m.rowid = message_fts.rowid WHERE message_fts MATCH 'hello'"
                )
            ).all()
            assert [tuple(row) for row in found] == [("Hello 0", 1)]
            titles = session.execute(
                text("SELECT rowid FROM title_fts WHERE title_fts MATCH 'chat'")
            ).all()
            assert len(titles) == 1
            assert message_index_automerge(session) == 16
            assert message_index_crisismerge(session) == 64
    finally:
        store.close()


class CountedCheckpoints:
    """Counts the checkpoints the import's checkpointer has finished, for a test to wait on
    (a condition, not a sleep)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.done = 0
        self.changed = threading.Condition()
        original = CheckpointsAside.checkpoint

        def counted(aside: CheckpointsAside, db: sqlite3.Connection) -> None:
            original(aside, db)
            with self.changed:
                self.done += 1
                self.changed.notify_all()

        monkeypatch.setattr(CheckpointsAside, "checkpoint", counted)

    def wait_for_one_after_now(self, timeout: float) -> bool:
        """A checkpoint that started and ended after this call (one may be under way)."""
        with self.changed:
            target = self.done + 2
            return self.changed.wait_for(lambda: self.done >= target, timeout)


def test_an_imports_checkpoints_run_beside_its_writer_and_normal_ones_come_back(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While an import writes, its commits leave the write-ahead log to a thread of their
    own, which copies it into the database; afterwards commits checkpoint as before."""
    store = open_store(data_dir)
    checkpoints = CountedCheckpoints(monkeypatch)

    def autocheckpoint() -> int:
        with store.write() as session:
            return int(session.execute(text("PRAGMA wal_autocheckpoint")).scalar_one())

    try:
        assert autocheckpoint() == 1000
        size_before = store.path.stat().st_size
        with store.checkpoints_aside():
            assert autocheckpoint() == 0
            with store.write() as session:  # 8 MB: past SQLite's own threshold of 4 MB
                session.execute(
                    text("INSERT INTO settings (key, value) VALUES (:k, :v)"),
                    [{"k": f"k{i}", "v": "x" * 8000} for i in range(1000)],
                )
            assert checkpoints.wait_for_one_after_now(timeout=60)
            assert store.path.stat().st_size > size_before + 7_000_000  # copied meanwhile
        assert autocheckpoint() == 1000
    finally:
        store.close()


MB = 2**20


class LogScene:
    """An import's checkpoints with no thread ticking on its own: the test runs each
    checkpoint, at the moment it wants, and a reader of its own can hold a snapshot (as
    another window does), so nothing depends on how threads are scheduled."""

    def __init__(self, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(checkpoints, "RESTART_PAGES", 256)  # 1 MB, rather than 64
        monkeypatch.setattr(checkpoints, "CHECKPOINT_SECONDS", 3600)  # no tick of its own
        self.catch_ups = 0
        original = CheckpointsAside.catch_up

        def counted(aside: CheckpointsAside, db: sqlite3.Connection) -> None:
            self.catch_ups += 1
            original(aside, db)

        monkeypatch.setattr(CheckpointsAside, "catch_up", counted)
        self.store = open_store(data_dir)
        self.wal = self.store.path.with_name(self.store.path.name + "-wal")
        self.reader = sqlite3.connect(self.store.path, isolation_level=None)
        self.ticker = sqlite3.connect(self.store.path, isolation_level=None, timeout=0)
        self.written = 0

    def write(self, megabytes: float) -> None:
        """Transactions of 40 KB, back to back, as an import's writer commits them."""
        for _ in range(round(megabytes * MB / 40_000)):
            with self.store.write() as session:
                session.execute(
                    text("INSERT INTO settings (key, value) VALUES (:k, :v)"),
                    [{"k": f"k{self.written + i}", "v": "x" * 4000} for i in range(10)],
                )
            self.written += 10

    def hold_a_snapshot(self) -> None:
        self.reader.execute("BEGIN")
        self.reader.execute("SELECT count(*) FROM settings").fetchone()

    def let_go(self) -> None:
        self.reader.execute("COMMIT")

    def log_mb(self) -> float:
        return self.wal.stat().st_size / MB

    def close(self) -> None:
        self.reader.close()
        self.ticker.close()
        self.store.close()


def test_an_imports_log_starts_again_while_it_writes_and_gives_back_its_disk_after(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A PASSIVE checkpoint that cannot copy the whole log (the writer is ahead of it, or a
    reader was) leaves the log to grow on, for SQLite starts it again only once one has:
    an import left a log as large as its archive beside it. Once the log is long, the
    writer's next transaction first has it all copied, and the log starts again; the last
    checkpoint empties it."""
    scene = LogScene(data_dir, monkeypatch)
    try:
        with scene.store.checkpoints_aside() as aside:
            scene.hold_a_snapshot()
            scene.write(2)
            aside.checkpoint(scene.ticker)  # copies nothing past the reader's snapshot
            assert aside.log_is_long
            scene.let_go()
            before = scene.log_mb()
            scene.write(1.5)
            assert scene.catch_ups == 1
            assert scene.log_mb() < before + 0.5  # from its start again: not 1.5 MB more
        assert scene.log_mb() == 0
        with scene.store.read() as session:
            stored = session.execute(text("SELECT count(*) FROM settings WHERE key LIKE 'k%'"))
            assert stored.scalar_one() == scene.written
    finally:
        scene.close()


def test_a_long_read_elsewhere_costs_the_import_a_wait_per_restart_size_not_per_tick(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reader in the middle of a long read (another window's Insights, say) keeps the
    log from starting again: the writer's catch-up waits for it in vain. It tries again
    only once the log has grown by as much again, not at every tick; once the reader is
    done, the log starts again."""
    scene = LogScene(data_dir, monkeypatch)
    try:
        with scene.store.checkpoints_aside() as aside:
            scene.hold_a_snapshot()
            scene.write(1.5)
            aside.checkpoint(scene.ticker)
            scene.write(0.2)
            assert scene.catch_ups == 1  # in vain: the reader holds the log
            for _ in range(3):  # ticks while the log grows by less than 1 MB
                aside.checkpoint(scene.ticker)
                scene.write(0.2)
            assert scene.catch_ups == 1
            scene.write(0.5)
            aside.checkpoint(scene.ticker)  # 1 MB longer than at the last try
            scene.write(0.2)
            assert scene.catch_ups == 2
            scene.let_go()
            scene.write(1.5)
            aside.checkpoint(scene.ticker)
            before = scene.log_mb()
            scene.write(1)
            assert scene.catch_ups == 3
            assert scene.log_mb() < before + 0.5  # started again
    finally:
        scene.close()


def test_a_version_20_archive_stages_presence_in_key_order_and_still_says_what_is_gone(
    data_dir: Path, tmp_path: Path
) -> None:
    """Schema 21 keeps an import's staged presence clustered by its key (the publish reads
    it in that order); rows a dead import staged are dropped, and which conversations an
    account's latest export no longer holds is still told."""
    from desktop_importer import library
    from desktop_importer.importing.service import start_import
    from desktop_importer.wiring import open_app
    from tests.helpers.exports import chatgpt_zip, conversation

    open_store(data_dir).close()
    with sqlite3.connect(data_dir / "archive.sqlite3") as raw:  # as schema 20 made it
        raw.execute("DROP TABLE run_presence")
        raw.execute(
            "CREATE TABLE run_presence (run_id INTEGER NOT NULL, conversation_id VARCHAR "
            "NOT NULL, vendor VARCHAR NOT NULL, account VARCHAR, seen_at FLOAT NOT NULL, "
            "PRIMARY KEY (run_id, conversation_id))"
        )
        raw.execute("INSERT INTO run_presence VALUES (7, 'left', 'chatgpt', NULL, 0)")
        raw.execute("PRAGMA user_version = 20")
    raw.close()
    app = open_app(data_dir)
    try:
        with sqlite3.connect(data_dir / "archive.sqlite3") as raw:
            (schema,) = raw.execute(
                "SELECT sql FROM sqlite_master WHERE name = 'run_presence'"
            ).fetchone()
            assert "WITHOUT ROWID" in schema
            assert raw.execute("SELECT count(*) FROM run_presence").fetchone() == (0,)
        raw.close()
        both = [conversation(c, [("user", f"about {c}")]) for c in ("zeta", "alpha", "mid")]
        start_import(app, chatgpt_zip(tmp_path / "first.zip", both, exported=(2026, 1, 1)))
        later = chatgpt_zip(tmp_path / "later.zip", both[::2], exported=(2026, 2, 1))
        start_import(app, later)
        rows = library.list_page(app, "default")
        assert {r.conversation_id: r.gone for r in rows} == {
            "zeta": False, "alpha": True, "mid": False
        }  # fmt: skip
    finally:
        app.close()
