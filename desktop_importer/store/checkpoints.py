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


class CheckpointsAside:
    """The thread that checkpoints while an import writes: a connection of its own runs
    PASSIVE checkpoints, which never block the writer (or anyone) and copy what the log
    holds; the writer then restarts the log from its beginning, so it stays small."""

    def __init__(self, db_path: Path) -> None:
        self.path = db_path
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
                self.checkpoint(db)

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
        try:
            db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        except sqlite3.Error:  # busy with another process's checkpoint, say: next time
            log.debug("A checkpoint was skipped", exc_info=True)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()
