"""A backup's database: a consistent copy of the archive by `VACUUM INTO`, then tidied so
that it holds the last published state only.

`VACUUM INTO` reads one snapshot (a read transaction of the WAL), so it finishes however
often other processes commit meanwhile, where the online backup API restarts at each
commit and, during a long import, never ends.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from desktop_importer.store.migrations import register_functions

INTERRUPTED = (
    "An import was running when this backup was made; the backup holds the archive as it "
    "was before that import."
)


def vacuum_into(live: Path, copy: Path) -> None:
    """Write a compact copy of the live database (read-only: it takes no write lock)."""
    source = sqlite3.connect(f"{live.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
    try:
        source.execute("VACUUM INTO ?", (str(copy),))
    finally:
        source.close()


def tidy(copy: Path) -> list[str]:
    """Leave only what was published: versions no head points at (an import's staged or
    replaced ones), staged presence and files, contents nothing refers to; no profile or
    run `processing`. Returns the SHA-256 of the media the copy refers to."""
    db = sqlite3.connect(copy, isolation_level=None)
    register_functions(db)  # deleting messages calls the index's triggers
    try:
        db.execute("BEGIN IMMEDIATE")
        unpublished = (
            "SELECT id FROM conversations "
            "WHERE id NOT IN (SELECT version_id FROM conversation_heads)"
        )
        db.execute(f"DELETE FROM messages WHERE version_id IN ({unpublished})")
        db.execute(f"DELETE FROM conversations WHERE id IN ({unpublished})")
        db.execute("DELETE FROM run_presence")
        db.execute("DELETE FROM media_assets WHERE published = 0")
        db.execute("DELETE FROM media_blobs WHERE sha256 NOT IN (SELECT sha256 FROM media_assets)")
        db.execute(
            "UPDATE import_runs SET status = 'cancelled', error = ? WHERE status = 'processing'",
            (INTERRUPTED,),
        )
        db.execute(
            "UPDATE user_profiles SET import_status = 'cancelled', last_error = ?, "
            "current_run_id = NULL, owner_host = NULL, owner_pid = NULL, owner_started = NULL "
            "WHERE import_status = 'processing'",
            (INTERRUPTED,),
        )
        db.execute("COMMIT")
        return [row[0] for row in db.execute("SELECT sha256 FROM media_blobs")]
    finally:
        db.close()
