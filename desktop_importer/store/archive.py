"""The archive in SQL: staging conversation versions, publishing them, cleaning old ones.

Staged versions are invisible: everything that reads the archive goes through
`conversation_heads`. Publishing moves the heads of one run in a single statement, so its
transaction stays short however large the import was.
"""

from __future__ import annotations

import functools
import itertools
import zlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from sqlalchemy import delete, func, select, text

from desktop_importer.basics.cjk import indexed
from desktop_importer.importing.records import ROW_FIELDS, ROW_WIDTH, ConversationRecord
from desktop_importer.store import insights, recovery
from desktop_importer.store.models import Conversation, ConversationHead, ImportRun, Message
from desktop_importer.vendors.parsed import ParsedMessage

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence

    from sqlalchemy.engine.interfaces import DBAPICursor
    from sqlalchemy.orm import Session


@dataclass(frozen=True)
class VisibleVersion:
    version_id: int
    update_time: float | None
    content_hash: str


def visible_versions(
    session: Session, user_id: str, conversation_ids: Sequence[str]
) -> dict[str, VisibleVersion]:
    if not conversation_ids:
        return {}
    rows = session.execute(
        select(
            ConversationHead.conversation_id,
            Conversation.id,
            Conversation.update_time,
            Conversation.content_hash,
        )
        .join(Conversation, Conversation.id == ConversationHead.version_id)
        .where(
            ConversationHead.user_id == user_id,
            ConversationHead.conversation_id.in_(conversation_ids),
        )
    )
    return {row[0]: VisibleVersion(row[1], row[2], row[3]) for row in rows}


def staged_versions(
    session: Session, user_id: str, run_id: int, conversation_ids: Sequence[str]
) -> dict[str, VisibleVersion]:
    """The latest version this run staged of each of these conversations, if any (an
    import of several files meets a conversation again in a later one)."""
    if not conversation_ids:
        return {}
    rows = session.execute(
        select(Conversation.conversation_id, Conversation.id, Conversation.update_time,
               Conversation.content_hash)
        .where(
            Conversation.user_id == user_id,
            Conversation.run_id == run_id,
            Conversation.conversation_id.in_(conversation_ids),
        )
        .order_by(Conversation.id)
    )  # fmt: skip
    return {row[0]: VisibleVersion(row[1], row[2], row[3]) for row in rows}


_INSERT_VERSION = (
    "INSERT INTO conversations (id, user_id, conversation_id, run_id, vendor, title, "
    "create_time, update_time, current_node, message_count, content_hash, raw_json, flags, "
    "project_id, model) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
# A batch's messages go in as multi-row statements of 64 rows, across conversations (each
# row names its version): SQLite binds and steps a whole statement in C with the interpreter
# lock released, where executemany takes the lock back after every row, and a json_each
# statement spends its time re-parsing JSON. The last, shorter chunk is padded with NULL rows,
# which the statement skips, to one of four sizes: the driver keeps every distinct statement
# prepared, and one per row count held 6 MB. 64 rows of 14 stay under the smallest variable
# limit SQLite has had (999).
MESSAGE_ROWS_PER_STATEMENT = 64


def _statement_rows(rows: int) -> int:
    """The smallest power of two from 8 up that holds `rows`."""
    size = 8
    while size < rows:
        size *= 2
    return size


# Each row's rowid is assigned here (the write transaction holds the lock), so that the
# index can be fed each row's indexed form (cjk.indexed) without reading the rows back.
_ROWID = ROW_FIELDS.index("rowid")
_TEXT = ROW_FIELDS.index("text")


@functools.cache
def _insert_messages(rows: int) -> str:
    row = "(" + ", ".join("?" * ROW_WIDTH) + ")"
    values = ", ".join(f"column{i}" for i in range(1, ROW_WIDTH + 1))
    return (
        f"INSERT INTO messages ({', '.join(ROW_FIELDS)}) SELECT {values} FROM (VALUES "
        + ", ".join([row] * rows)
        + ") WHERE column1 IS NOT NULL"
    )


# The index is fed each row's rowid and indexed form, in rowid order (FTS5 flushes its
# pending terms whenever a rowid is not larger than the last), one row a step. Not many rows
# a statement, as the messages are: a statement that writes several rows opens a savepoint
# for itself, and FTS5 writes its pending terms out as a new segment at every savepoint, to
# be merged again later. One row a step, a batch's terms are written once, at its commit:
# 1.72 -> 1.37 s of CPU for the 121,709 messages of the 100 MB export, fed in its batches
# (medians of 8, alternating; issue #23).
_INDEX_MESSAGE = "INSERT INTO message_fts (rowid, text) VALUES (?, ?)"


_INDEX_TITLES = (
    "INSERT INTO title_fts (rowid, title) SELECT id, title FROM conversations "
    "WHERE id BETWEEN ? AND ?"
)


def stage(
    session: Session, user_id: str, run_id: int, conversations: Sequence[ConversationRecord]
) -> int:
    """Write new, still invisible versions; returns the number of messages written.

    The hot path of an import: statements through the driver, with version ids assigned
    here (the caller's write transaction holds SQLite's write lock, so nobody else can take
    them), instead of an ORM statement per row.
    """
    if not conversations:
        return 0
    connection = session.connection()
    first = int(
        connection.exec_driver_sql(
            "SELECT coalesce(max(id), 0) + 1 FROM conversations"
        ).scalar_one()
    )
    connection.exec_driver_sql(
        _INSERT_VERSION,
        [
            (
                version_id,
                user_id,
                conv.conversation_id,
                run_id,
                conv.vendor,
                conv.title,
                conv.create_time,
                conv.update_time,
                conv.current_node,
                conv.message_count,
                conv.content_hash,
                conv.raw_zlib,
                conv.flags,
                conv.project,
                conv.model,
            )
            for version_id, conv in enumerate(conversations, first)
        ],
    )
    rows: list[object] = []
    for version_id, conv in enumerate(conversations, first):
        start = len(rows)
        rows += conv.rows
        rows[start::ROW_WIDTH] = [version_id] * (len(conv.rows) // ROW_WIDTH)
    cursor = connection.connection.cursor()  # the driver's own: a few thousand statements
    (before,) = cursor.execute("SELECT coalesce(max(rowid), 0) FROM messages").fetchone()
    rows[_ROWID::ROW_WIDTH] = range(before + 1, before + 1 + len(rows) // ROW_WIDTH)
    _insert_chunks(cursor, _insert_messages, rows, ROW_WIDTH, MESSAGE_ROWS_PER_STATEMENT)
    # sqlite3 binds from any iterable, PEP 249's typing says a sequence: each index form is
    # made as it is bound, not all of a batch's at once (issue #23: 1.5 MB of peak RSS).
    entries = _index_entries(rows, conversations)
    cursor.executemany(_INDEX_MESSAGE, entries)  # type: ignore[arg-type]
    cursor.close()
    last = first + len(conversations) - 1
    connection.exec_driver_sql(_INDEX_TITLES, (first, last))
    insights.count_activity(session, first, last)
    return sum(conv.message_count for conv in conversations)


def _index_entries(
    rows: list[object], conversations: Sequence[ConversationRecord]
) -> Iterator[tuple[object, str]]:
    """Each row's rowid and what the index holds for it (cjk.indexed), a conversation's at a
    time as the index takes them, so that a batch's index forms are never all held at once
    (and each row passes through C iterators only, not a Python frame)."""

    def each() -> Iterator[Iterator[tuple[object, str]]]:
        at = 0
        for conv in conversations:
            end = at + len(conv.rows)
            texts = cast("list[str]", rows[at + _TEXT : end : ROW_WIDTH])
            forms = [indexed(text) for text in texts] if conv.may_hold_cjk else texts
            yield zip(rows[at + _ROWID : end : ROW_WIDTH], forms, strict=True)
            at = end

    return itertools.chain.from_iterable(each())


def _insert_chunks(
    cursor: DBAPICursor,
    statement: Callable[[int], str],
    values: list[object],
    width: int,
    rows_per_statement: int,
) -> None:
    """Bind `values`, rows of `width`, as multi-row statements of `rows_per_statement`,
    the last one padded with NULL rows to a power of two (`_statement_rows`)."""
    step = rows_per_statement * width
    padding = (None,) * width
    for start in range(0, len(values), step):
        chunk = values[start : start + step]
        count = len(chunk) // width
        size = _statement_rows(count)
        if size > count:
            chunk += padding * (size - count)
        cursor.execute(statement(size), chunk)


def stored_trees(
    session: Session, version_ids: Sequence[int]
) -> dict[int, tuple[list[ParsedMessage], bytes]]:
    """The messages and original JSON of stored versions, for merging a newer export in."""
    if not version_ids:
        return {}
    trees: dict[int, tuple[list[ParsedMessage], bytes]] = {
        version_id: ([], zlib.decompress(raw))
        for version_id, raw in session.execute(
            select(Conversation.id, Conversation.raw_json).where(Conversation.id.in_(version_ids))
        )
    }
    rows = session.scalars(
        select(Message)
        .where(Message.version_id.in_(version_ids))
        .order_by(Message.version_id, Message.position)
    )
    for row in rows:
        trees[row.version_id][0].append(
            ParsedMessage(
                node_id=row.node_id,
                parent_id=row.parent_id,
                position=row.position,
                path_index=row.path_index,
                role=row.role,
                author_name=row.author_name,
                content_type=row.content_type,
                text=row.text,
                create_time=row.create_time,
                hidden=row.hidden,
                raw_content=row.raw_content,
                in_export=row.in_export,
            )
        )
    return trees


def stage_presence(
    session: Session, run_id: int, seen: Sequence[tuple[str, str, str | None, float]]
) -> None:
    """Record that this run's export holds these conversations (id, vendor, account, the
    date of the file that holds it), changed or not; published with the run. Held by two
    files of the export, a conversation was seen at the later date."""
    if seen:
        session.connection().exec_driver_sql(
            "INSERT INTO run_presence (run_id, conversation_id, vendor, account, seen_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (run_id, conversation_id) DO UPDATE SET "
            "account = CASE WHEN excluded.seen_at > run_presence.seen_at "
            "THEN excluded.account ELSE run_presence.account END, "
            "seen_at = max(run_presence.seen_at, excluded.seen_at)",
            [(run_id, *row) for row in seen],
        )


def publish_presence(session: Session, user_id: str, run_id: int) -> None:
    """Each conversation of the run's export was seen in an export of its file's date; an
    older export imported later changes nothing (the latest date is kept)."""
    session.execute(
        text(
            "INSERT INTO conversation_presence (user_id, conversation_id, vendor, account, "
            "seen_at) SELECT :user_id, conversation_id, vendor, account, seen_at "
            "FROM run_presence WHERE run_id = :run_id ORDER BY conversation_id "
            "ON CONFLICT (user_id, conversation_id) DO UPDATE SET "
            "account = CASE WHEN excluded.seen_at >= conversation_presence.seen_at "
            "THEN excluded.account ELSE conversation_presence.account END, "
            "seen_at = max(conversation_presence.seen_at, excluded.seen_at)"
        ),
        {"user_id": user_id, "run_id": run_id},
    )


def forget_presence(session: Session, run_id: int) -> None:
    """The run's staged presence, once published (in a transaction of its own: the publish
    is the longest an import holds the write lock) or when the run ends without it."""
    session.execute(text("DELETE FROM run_presence WHERE run_id = :run_id"), {"run_id": run_id})


def forget_earlier_presence(session: Session, user_id: str, keep_run_id: int) -> None:
    """What earlier imports of the profile staged and left (killed ones, or one killed
    between its publish and forgetting it)."""
    session.execute(
        text(
            "DELETE FROM run_presence WHERE run_id IN (SELECT id FROM import_runs "
            "WHERE user_id = :user_id AND id != :keep)"
        ),
        {"user_id": user_id, "keep": keep_run_id},
    )


def publish(session: Session, user_id: str, run_id: int) -> None:
    """Make every version the run staged the visible one, in one statement."""
    session.execute(
        text(
            "INSERT INTO conversation_heads (user_id, conversation_id, version_id) "
            "SELECT user_id, conversation_id, id FROM conversations "
            "WHERE user_id = :user_id AND run_id = :run_id ORDER BY id "
            "ON CONFLICT (user_id, conversation_id) DO UPDATE SET version_id = excluded.version_id"
        ),
        {"user_id": user_id, "run_id": run_id},
    )


def delete_unreferenced(session: Session, user_id: str, keep_run_id: int | None, limit: int) -> int:
    """Delete up to `limit` versions no head points at (replaced ones, and the leftovers of
    imports that failed or were killed), except the run still being written."""
    candidates = (
        select(Conversation.id)
        .outerjoin(ConversationHead, ConversationHead.version_id == Conversation.id)
        .where(Conversation.user_id == user_id, ConversationHead.version_id.is_(None))
        .limit(limit)
    )
    if keep_run_id is not None:
        candidates = candidates.where(Conversation.run_id != keep_run_id)
    ids = list(session.scalars(candidates))
    if ids:
        unfinished = session.scalar(
            select(func.count())
            .select_from(Conversation)
            .join(ImportRun, ImportRun.id == Conversation.run_id)
            .where(Conversation.id.in_(ids), ImportRun.status != "complete")
        )
        if unfinished:  # an import that never published: its index entries want merging away
            recovery.mark_index_merge(session)
        session.execute(delete(Conversation).where(Conversation.id.in_(ids)))
    return len(ids)


def totals(session: Session, user_id: str) -> tuple[int, int]:
    """(conversations, messages) visible in the profile's archive (the counts through their
    index: reading the rows took four times as long; SQLite's planner prefers the rows)."""
    row = session.execute(
        text(
            "SELECT count(*), coalesce(sum(c.message_count), 0) FROM conversation_heads h "
            "JOIN conversations c INDEXED BY ix_conversations_counts ON c.id = h.version_id "
            "WHERE h.user_id = :user_id"
        ),
        {"user_id": user_id},
    ).one()
    return int(row[0]), int(row[1])
