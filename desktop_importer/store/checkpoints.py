"""An import's checkpoints, on a thread of their own."""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

log = logging.getLogger(__name__)


# SQLite copies the write-ahead log into the database (a checkpoint) inside the commit that
# takes the log past this many pages, on the writing thread. An import instead checkpoints on
# a thread of its own (`Store.checkpoints_aside`): its writer spent 0.35 s of its 3.2 s per
# 100 MB in those copies, and it is what the import waits for (issue #23).
AUTOCHECKPOINT_PAGES = 1000  # SQLite's default
CHECKPOINT_SECONDS = 0.05  # how often the import's checkpointer looks at the log
# PASSIVE checkpoints alone never catch up with a writer that commits back to back, and SQLite
# starts the log again from its beginning only once one has: an import of a 1 GB export left
# a log of 1.5 GB beside the archive, on disk until the app closed (186 MB for 100 MB). Past
# this many pages, the writer lets a checkpoint catch up between two of its transactions.
RESTART_PAGES = 16_384  # 64 MB of 4 KiB pages
CATCH_UP_WAIT_MS = 20  # how long such a checkpoint waits for readers before it yields


class CheckpointsAside:
    """The thread that checkpoints while an import writes: a connection of its own runs
    PASSIVE checkpoints, which never block the writer (or anyone) and copy what the log
    holds. Once the log is RESTART_PAGES long it says so (`log_is_long`), and the writer,
    before its next transaction, has the rest copied (`catch_up`: a few milliseconds, what
    accumulated since the last tick), after which its commit starts the log again from its
    beginning. A reader in the middle of a long read (Insights over a large archive, in
    another window) holds the log where it was: a catch-up then waits CATCH_UP_WAIT_MS in
    vain, so the next waits until the log is RESTART_PAGES longer again. The last
    checkpoint empties the log file (TRUNCATE)."""

    def __init__(self, db_path: Path) -> None:
        self.path = db_path
        self.log_is_long = False  # set by the checkpointer thread, acted on by the writer
        self._long_at = RESTART_PAGES  # the log's length at which the writer next catches up
        self._one_at_a_time = threading.Lock()  # a catch-up waits for a tick rather than fail
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="checkpoint", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        with self._connection() as db:
            while db is not None and not self._stop.wait(CHECKPOINT_SECONDS):
                self.checkpoint(db)

    def last_checkpoint(self) -> None:
        with self._connection() as db:
            if db is not None:
                with self._one_at_a_time:  # a TRUNCATE copies the whole log first
                    _complete_checkpoint(db, "TRUNCATE")  # and gives its disk back

    @contextlib.contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection | None]:
        try:
            db = sqlite3.connect(self.path, isolation_level=None, timeout=0)
            db.execute("PRAGMA cache_size = 16")  # pages: a checkpoint reads none through it
        except sqlite3.Error:
            log.warning("The import's checkpointer could not open the archive", exc_info=True)
            yield None
            return
        try:
            yield db
        finally:
            db.close()

    def checkpoint(self, db: sqlite3.Connection) -> None:
        with self._one_at_a_time:
            try:
                _busy, pages, _copied = db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
            except sqlite3.Error:  # busy with another process's checkpoint, say: next time
                log.debug("A checkpoint was skipped", exc_info=True)
                return
        self.log_is_long = pages >= self._long_at

    def catch_up(self, db: sqlite3.Connection) -> None:
        """Run by the writer, on a connection of its own between two transactions, once the
        log is long: copy the rest of it and wait (briefly) for readers to leave it, so that
        the next commit starts the log again."""
        with self._one_at_a_time:
            self.log_is_long = False
            done, pages = _complete_checkpoint(db, "RESTART")
            self._long_at = RESTART_PAGES if done else pages + RESTART_PAGES

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def _complete_checkpoint(db: sqlite3.Connection, mode: str) -> tuple[bool, int]:
    """A RESTART or TRUNCATE checkpoint, which waits at most CATCH_UP_WAIT_MS for another
    writer or a reader to leave the log; if one does not, it copies what it can (as PASSIVE
    does). Whether it completed, and the log's length in pages."""
    (waited,) = db.execute("PRAGMA busy_timeout").fetchone()
    try:
        db.execute(f"PRAGMA busy_timeout = {CATCH_UP_WAIT_MS}")
        busy, pages, _copied = db.execute(f"PRAGMA wal_checkpoint({mode})").fetchone()
    except sqlite3.Error:
        log.debug("A %s checkpoint was skipped", mode, exc_info=True)
        return False, 0
    finally:
        db.execute(f"PRAGMA busy_timeout = {int(waited)}")
    return not busy, int(pages)
