"""The archive's schema: today's, created in one step for a new archive, and the numbered
migrations that take an older one there (UPGRADES: append, never edit), each run once
under the schema lock (database.py). Data work a migration owes is queued as a maintenance
task and done afterwards in short resumable steps (recovery.py)."""

from __future__ import annotations

import logging
import sqlite3
from typing import TYPE_CHECKING

from desktop_importer.basics import cjk
from desktop_importer.basics.errors import EnvironmentProblem
from desktop_importer.store import insights
from desktop_importer.store.models import Base

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from sqlalchemy import Connection, Engine

log = logging.getLogger(__name__)


# Full-text search over message text and conversation titles: external-content FTS5 tables.
# Rows are indexed by archive.stage, one statement per batch (FTS5 indexes a batch about
# five times faster in one statement than row by row through a trigger); triggers keep the
# index in step when rows are deleted or their text changes.
FTS_TABLES = (
    "CREATE VIRTUAL TABLE message_fts USING fts5(text, content='messages', "
    "content_rowid='rowid', tokenize='unicode61 remove_diacritics 2')",
    "CREATE VIRTUAL TABLE title_fts USING fts5(title, content='conversations', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
)
# The index holds each message's `cjk.indexed(text)`, which the archive does not store (up
# to schema 13 a CJK message kept it in `index_text`, its text a second time): FTS5 needs
# the indexed form to take an entry out, so the triggers derive it with this function,
# which every connection to the archive registers (`register_functions`).
FTS_FUNCTION = "di_indexed"
FTS_MAINTENANCE_TRIGGERS = (
    "CREATE TRIGGER message_fts_delete AFTER DELETE ON messages BEGIN "
    "INSERT INTO message_fts (message_fts, rowid, text) "
    f"VALUES ('delete', old.rowid, coalesce(old.index_text, {FTS_FUNCTION}(old.text))); END",
    "CREATE TRIGGER message_fts_update AFTER UPDATE OF text ON messages BEGIN "
    "INSERT INTO message_fts (message_fts, rowid, text) "
    f"VALUES ('delete', old.rowid, coalesce(old.index_text, {FTS_FUNCTION}(old.text))); "
    f"INSERT INTO message_fts (rowid, text) VALUES (new.rowid, {FTS_FUNCTION}(new.text)); "
    "END",
    "CREATE TRIGGER title_fts_delete AFTER DELETE ON conversations BEGIN "
    "INSERT INTO title_fts (title_fts, rowid, title) VALUES ('delete', old.id, old.title); END",
)


def register_functions(dbapi_connection: sqlite3.Connection) -> None:
    """What the archive's triggers call; every connection that may delete or change a
    message registers it."""
    dbapi_connection.create_function(FTS_FUNCTION, 1, cjk.indexed, deterministic=True)
    insights.register_functions(dbapi_connection)


# FTS5 writes each transaction's terms as a new segment and, by default, merges segments
# four at a time as they pile up, rewriting the index again and again during an import (one
# segment per batch). Merging sixteen at a time cut the writer's CPU time by 8 % on a 100 MB
# export and 14 % on a 1 GB one (21.3 s -> 18.4 s), and searches of the 1 GB archive were no
# slower. The setting is stored in the index itself.
FTS_TUNING = ("INSERT INTO message_fts (message_fts, rank) VALUES ('automerge', 16)",)
# FTS5 merges a whole level at once inside the writing transaction when it reaches
# `crisismerge` segments, 16 by default: equal to the automerge above, so a level that
# filled was merged whole rather than step by step. Re-indexing a 1 GB archive (schema 7's
# upgrade) measured transactions of up to 3,964 ms; with 64, at most 311 ms, and the same
# 41 s in all. Import batches write the same index.
FTS_CRISIS = ("INSERT INTO message_fts (message_fts, rank) VALUES ('crisismerge', 64)",)
_V7_MAINTENANCE_TRIGGERS = (  # versions 7 to 13: a second copy
    "CREATE TRIGGER message_fts_delete AFTER DELETE ON messages BEGIN "
    "INSERT INTO message_fts (message_fts, rowid, text) "
    "VALUES ('delete', old.rowid, coalesce(old.index_text, old.text)); END",
    "CREATE TRIGGER message_fts_update AFTER UPDATE OF text, index_text ON messages BEGIN "
    "INSERT INTO message_fts (message_fts, rowid, text) "
    "VALUES ('delete', old.rowid, coalesce(old.index_text, old.text)); "
    "INSERT INTO message_fts (rowid, text) VALUES (new.rowid, coalesce(new.index_text, new.text)); "
    "END",
    "CREATE TRIGGER title_fts_delete AFTER DELETE ON conversations BEGIN "
    "INSERT INTO title_fts (title_fts, rowid, title) VALUES ('delete', old.id, old.title); END",
)
# Version 2 also indexed inserted rows through triggers; version 3 drops them.
_V2_INSERT_TRIGGERS = (
    "CREATE TRIGGER message_fts_insert AFTER INSERT ON messages BEGIN "
    "INSERT INTO message_fts (rowid, text) VALUES (new.rowid, new.text); END",
    "CREATE TRIGGER title_fts_insert AFTER INSERT ON conversations BEGIN "
    "INSERT INTO title_fts (rowid, title) VALUES (new.id, new.title); END",
)


# The library's list, newest first, a page at a time (store/listing.py): the index holds the
# list's exact order, so a page is a walk of it, for all vendors or for one.
LIST_INDEXES = (
    "CREATE INDEX ix_conversations_recent ON conversations "
    "(user_id, coalesce(update_time, create_time, 0) DESC, id DESC)",
    "CREATE INDEX ix_conversations_vendor_recent ON conversations "
    "(user_id, vendor, coalesce(update_time, create_time, 0) DESC, id DESC)",
)


# Titles are not pair-indexed for CJK: a query with CJK scans the titles by substring, and
# this index makes that a scan of the index alone (61 -> 14 ms for 53,000 conversations,
# where reading the rows drags in their compressed JSON).
TITLE_INDEX = "CREATE INDEX ix_conversations_title ON conversations (user_id, title)"


# The window's "Archive: N conversations, M messages" at every start and after each import:
# the visible versions' message counts read through this index, not from their rows (each
# carries its compressed JSON): 58 -> 15 ms for 53,000 conversations. Built in 62 ms.
COUNTS_INDEX = "CREATE INDEX ix_conversations_counts ON conversations (id, message_count)"


# A version's figures (Insights) go with it, whichever way it is deleted.
ACTIVITY_TRIGGER = (
    "CREATE TRIGGER conversation_activity_delete AFTER DELETE ON conversations BEGIN "
    "DELETE FROM conversation_activity WHERE version_id = old.id; "
    "DELETE FROM conversation_terms WHERE version_id = old.id; END"
)


def _create_current(connection: Connection) -> None:
    """A brand-new archive gets today's schema in one step."""
    Base.metadata.create_all(connection)
    for statement in (
        *FTS_TABLES,
        *FTS_MAINTENANCE_TRIGGERS,
        ACTIVITY_TRIGGER,
        *FTS_TUNING,
        *FTS_CRISIS,
        *LIST_INDEXES,
        TITLE_INDEX,
        COUNTS_INDEX,
    ):
        connection.exec_driver_sql(statement)


def _upgrade_1_to_2(connection: Connection) -> None:
    """Version 2: merged trees remember nodes a newer export lacks; full-text search."""
    connection.exec_driver_sql(
        "ALTER TABLE messages ADD COLUMN in_export BOOLEAN NOT NULL DEFAULT 1"
    )
    for statement in (*FTS_TABLES, *_V2_MAINTENANCE_TRIGGERS, *_V2_INSERT_TRIGGERS):
        connection.exec_driver_sql(statement)
    connection.exec_driver_sql("INSERT INTO message_fts (message_fts) VALUES ('rebuild')")
    connection.exec_driver_sql("INSERT INTO title_fts (title_fts) VALUES ('rebuild')")


_V2_MAINTENANCE_TRIGGERS = (  # as versions 2 to 6 had them, before index_text
    "CREATE TRIGGER message_fts_delete AFTER DELETE ON messages BEGIN "
    "INSERT INTO message_fts (message_fts, rowid, text) VALUES ('delete', old.rowid, old.text); "
    "END",
    "CREATE TRIGGER message_fts_update AFTER UPDATE OF text ON messages BEGIN "
    "INSERT INTO message_fts (message_fts, rowid, text) VALUES ('delete', old.rowid, old.text); "
    "INSERT INTO message_fts (rowid, text) VALUES (new.rowid, new.text); END",
    FTS_MAINTENANCE_TRIGGERS[2],
)


def _upgrade_2_to_3(connection: Connection) -> None:
    """Version 3: imports index each batch in one statement instead of row by row."""
    connection.exec_driver_sql("DROP TRIGGER IF EXISTS message_fts_insert")
    connection.exec_driver_sql("DROP TRIGGER IF EXISTS title_fts_insert")


def _upgrade_3_to_4(connection: Connection) -> None:
    """Version 4: the message index merges its segments sixteen at a time (FTS_TUNING)."""
    for statement in FTS_TUNING:
        connection.exec_driver_sql(statement)


def _upgrade_4_to_5(connection: Connection) -> None:
    """Version 5: a table of maintenance owed (the index merge after a dead import)."""
    connection.exec_driver_sql(
        "CREATE TABLE maintenance (name VARCHAR NOT NULL PRIMARY KEY, state TEXT NOT NULL)"
    )


def _upgrade_5_to_6(connection: Connection) -> None:
    """Version 6: the library's list order is an index (a page costs under a millisecond)."""
    for statement in LIST_INDEXES:
        connection.exec_driver_sql(statement)


def _upgrade_6_to_7(connection: Connection) -> None:
    """Version 7: CJK text is indexed as overlapping pairs (cjk.py). The column and the
    triggers change here; the messages already stored are indexed again afterwards in
    resumable steps (the `cjk_index` maintenance task: recovery.py), with the window on
    screen and its progress shown."""
    connection.exec_driver_sql("ALTER TABLE messages ADD COLUMN index_text TEXT")
    connection.exec_driver_sql(TITLE_INDEX)  # 0.7 s for a 1 GB archive
    connection.exec_driver_sql("DROP TRIGGER message_fts_delete")
    connection.exec_driver_sql("DROP TRIGGER message_fts_update")
    for statement in _V7_MAINTENANCE_TRIGGERS[:2]:
        connection.exec_driver_sql(statement)
    connection.exec_driver_sql(
        "INSERT INTO maintenance (name, state) SELECT 'cjk_index', '0' "
        "WHERE EXISTS (SELECT 1 FROM messages)"
    )


def _upgrade_7_to_8(connection: Connection) -> None:
    """Version 8: conversations keep the vendor's archived and starred flags. Those of the
    conversations already stored are read from their original JSON afterwards, in
    resumable steps (the `flags` maintenance task: recovery.py)."""
    connection.exec_driver_sql("ALTER TABLE conversations ADD COLUMN flags INTEGER")
    connection.exec_driver_sql(
        "INSERT INTO maintenance (name, state) SELECT 'flags', '0' "
        "WHERE EXISTS (SELECT 1 FROM conversations)"
    )


def _upgrade_8_to_9(connection: Connection) -> None:
    """Version 9: which export of each vendor and account held each conversation. Nothing
    to backfill: what earlier imports saw was not recorded, so nothing is marked until the
    next export arrives."""
    from desktop_importer.store.models import ConversationPresence, RunPresence

    RunPresence.__table__.create(connection)  # type: ignore[attr-defined]
    ConversationPresence.__table__.create(connection)  # type: ignore[attr-defined]


def _upgrade_9_to_10(connection: Connection) -> None:
    """Version 10: the message index merges a full level step by step (FTS_CRISIS)."""
    for statement in FTS_CRISIS:
        connection.exec_driver_sql(statement)


def _upgrade_10_to_11(connection: Connection) -> None:
    """Version 11: media kept by content (media.py). Nothing to backfill: messages already
    stored point at their files through their original JSON, and the files arrive with the
    next import of an export that holds them."""
    from desktop_importer.store.models import MediaAsset, MediaBlob

    MediaBlob.__table__.create(connection)  # type: ignore[attr-defined]
    MediaAsset.__table__.create(connection)  # type: ignore[attr-defined]


def _upgrade_11_to_12(connection: Connection) -> None:
    """Version 12: the archive's totals read through an index (COUNTS_INDEX)."""
    connection.exec_driver_sql(COUNTS_INDEX)


def _upgrade_12_to_13(connection: Connection) -> None:
    """Version 13: what the reader shows was decided anew (a tool's message that carries an
    image or a file is shown, custom instructions of 2023 read, citation markers resolved,
    Claude's pasted texts named, broken parent links read in time order). The messages
    already stored are read again from their original JSON afterwards, in resumable steps
    (the `reread` maintenance task: recovery.py)."""
    connection.exec_driver_sql(
        "INSERT INTO maintenance (name, state) SELECT 'reread', '0' "
        "WHERE EXISTS (SELECT 1 FROM conversations)"
    )


def _upgrade_13_to_14(connection: Connection) -> None:
    """Version 14: a CJK message's index form is no longer stored beside its text (the
    triggers derive it: FTS_FUNCTION). The copies already stored are dropped afterwards, in
    resumable steps, by the `index_copies` maintenance task (recovery.py), which also
    finishes an older upgrade's re-indexing (`cjk_index`, schema 7) if it was owed.
    Messages written from now on have no copy to drop."""
    for name in ("message_fts_delete", "message_fts_update"):
        connection.exec_driver_sql(f"DROP TRIGGER {name}")
    for statement in FTS_MAINTENANCE_TRIGGERS[:2]:
        connection.exec_driver_sql(statement)
    # "done/last/plain": the rowid reached, the last one written before this version, and
    # the rowid after which CJK messages may still be indexed as plain text (schema 7's
    # re-indexing, `cjk_index`, had not got past it; `last` when it was done).
    connection.exec_driver_sql(
        "INSERT INTO maintenance (name, state) "
        "SELECT 'index_copies', '0/' || last || '/' || coalesce("
        "(SELECT CAST(state AS INTEGER) FROM maintenance WHERE name = 'cjk_index'), last) "
        "FROM (SELECT max(rowid) AS last FROM messages) WHERE last IS NOT NULL"
    )
    connection.exec_driver_sql("DELETE FROM maintenance WHERE name = 'cjk_index'")


def _upgrade_14_to_15(connection: Connection) -> None:
    """Version 15: a message's stored text is its blocks' one rendering (vendors/blocks.py:
    the same labels for every vendor, the files a message carries named in it), and context
    Claude injected into a turn (`injected_prompt_block`) is hidden, neither stored nor
    found by search. The messages already stored are read again from their original JSON
    afterwards, in resumable steps (the `reread` maintenance task, from the start, even if
    schema 13's was under way)."""
    connection.exec_driver_sql("DELETE FROM maintenance WHERE name = 'reread'")
    connection.exec_driver_sql(
        "INSERT INTO maintenance (name, state) SELECT 'reread', '0' "
        "WHERE EXISTS (SELECT 1 FROM conversations)"
    )


def _upgrade_15_to_16(connection: Connection) -> None:
    """Version 16: one import may read several files (export_set.py), each with its own
    export date, so the conversations a run saw carry their file's date until it publishes.
    Rows staged by an import that is not running now are of no use: dropped."""
    connection.exec_driver_sql("DELETE FROM run_presence")
    columns = {row[1] for row in connection.exec_driver_sql("PRAGMA table_info(run_presence)")}
    if "seen_at" not in columns:  # schema 9's step creates the table as it is now
        connection.exec_driver_sql(
            "ALTER TABLE run_presence ADD COLUMN seen_at REAL NOT NULL DEFAULT 0"
        )


def _upgrade_16_to_17(connection: Connection) -> None:
    """Version 17: Claude's projects and memory kept beside the conversations (sides.py).
    Nothing to backfill: earlier imports did not read them; the next import of the export
    does."""
    from desktop_importer.store.models import Memory, Project, RunSide

    for table in (Project, Memory, RunSide):  # checkfirst: a test may set the version back
        table.__table__.create(connection, checkfirst=True)  # type: ignore[attr-defined]


def _upgrade_17_to_18(connection: Connection) -> None:
    """Version 18: a conversation names the vendor's project it belongs to (ChatGPT's
    `g-p-` id), so that the list shows a project's conversations. Those stored before it
    are read from their original JSON afterwards, in resumable steps (the `projects`
    maintenance task: recovery.py)."""
    columns = {row[1] for row in connection.exec_driver_sql("PRAGMA table_info(conversations)")}
    if "project_id" not in columns:  # a test may set the version back
        connection.exec_driver_sql("ALTER TABLE conversations ADD COLUMN project_id TEXT")
    connection.exec_driver_sql(
        "INSERT OR IGNORE INTO maintenance (name, state) SELECT 'projects', '0' "
        "WHERE EXISTS (SELECT 1 FROM conversations WHERE vendor = 'chatgpt')"
    )


def _upgrade_18_to_19(connection: Connection) -> None:
    """Version 19: ChatGPT's library (`library_files.json`) says which message made each
    generated document and image. Nothing to backfill: the next import of the export
    reads it (its files are kept already, as files no message pointed at)."""
    from desktop_importer.store.models import LibraryFile

    LibraryFile.__table__.create(connection, checkfirst=True)  # type: ignore[attr-defined]


def _upgrade_19_to_20(connection: Connection) -> None:
    """Version 20: Insights' figures. Each conversation version's activity per quarter hour
    and its model, written by the import from now on; those stored before it are counted
    afterwards in resumable steps (the `activity` maintenance task: recovery.py). The words
    each is about are counted when Insights first needs them (conversation_terms)."""
    from desktop_importer.store.models import ConversationActivity, ConversationTerm

    columns = {row[1] for row in connection.exec_driver_sql("PRAGMA table_info(conversations)")}
    if "model" not in columns:  # a test may set the version back
        connection.exec_driver_sql("ALTER TABLE conversations ADD COLUMN model TEXT")
    for table in (ConversationActivity, ConversationTerm):
        table.__table__.create(connection, checkfirst=True)  # type: ignore[attr-defined]
    connection.exec_driver_sql("DROP TRIGGER IF EXISTS conversation_activity_delete")
    connection.exec_driver_sql(ACTIVITY_TRIGGER)
    connection.exec_driver_sql(
        "INSERT OR IGNORE INTO maintenance (name, state) SELECT 'activity', '0' "
        "WHERE EXISTS (SELECT 1 FROM conversations)"
    )


def _upgrade_20_to_21(connection: Connection) -> None:
    """Version 21: an import's staged presence kept in its key's order (WITHOUT ROWID), so
    that publishing reads it in one pass (models.RunPresence). Rows staged by an import that
    is not running now are of no use (as at version 16): the table is made again empty."""
    from desktop_importer.store.models import RunPresence

    connection.exec_driver_sql("DROP TABLE IF EXISTS run_presence")
    RunPresence.__table__.create(connection)  # type: ignore[attr-defined]


# UPGRADES[n] takes an archive from schema version n + 1 to n + 2; append, never edit.
UPGRADES: list[Callable[[Connection], None]] = [
    _upgrade_1_to_2,
    _upgrade_2_to_3,
    _upgrade_3_to_4,
    _upgrade_4_to_5,
    _upgrade_5_to_6,
    _upgrade_6_to_7,
    _upgrade_7_to_8,
    _upgrade_8_to_9,
    _upgrade_9_to_10,
    _upgrade_10_to_11,
    _upgrade_11_to_12,
    _upgrade_12_to_13,
    _upgrade_13_to_14,
    _upgrade_14_to_15,
    _upgrade_15_to_16,
    _upgrade_16_to_17,
    _upgrade_17_to_18,
    _upgrade_18_to_19,
    _upgrade_19_to_20,
    _upgrade_20_to_21,
]
SCHEMA_VERSION = 1 + len(UPGRADES)


def prepare_schema(engine: Engine, db_path: Path) -> None:
    # Pragmas that refuse to run inside a transaction go through the driver's own connection.
    raw = engine.raw_connection()
    try:
        raw.execute("PRAGMA journal_mode = WAL")
        found = int(raw.execute("PRAGMA user_version").fetchone()[0])
    finally:
        raw.close()
    if found > SCHEMA_VERSION:
        raise EnvironmentProblem(
            f"The archive at {db_path} was written by a newer version of Desktop Importer "
            f"(schema {found}, this version knows {SCHEMA_VERSION}); update the app to open it."
        )
    if found == SCHEMA_VERSION:
        return
    with engine.begin() as connection:
        log.info("Upgrading the archive schema from version %d to %d", found, SCHEMA_VERSION)
        if found == 0:
            _create_current(connection)
        else:
            for step in UPGRADES[found - 1 :]:
                step(connection)
        connection.exec_driver_sql(f"PRAGMA user_version = {SCHEMA_VERSION}")
