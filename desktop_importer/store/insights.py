"""Insights' reads and what an import writes for them (schema 20): each conversation
version's activity per quarter hour (`conversation_activity`), counted in SQL from the rows
and the search index just written, and its model. Every read here is one indexed pass over
those small rows (about one per conversation), never over the messages' text."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import delete, update

from desktop_importer.store.models import Maintenance

if TYPE_CHECKING:
    import sqlite3

    from sqlalchemy.orm import Session

QUARTER = 900  # seconds: every UTC offset in use is a whole number of quarter hours

# FTS5 keeps each message's length in tokens (`message_fts_docsize`, one varint per column):
# the words Insights counts, with no second pass over the text. The function decodes it.
TOKENS_FUNCTION = "di_tokens"


def tokens(size: bytes | None) -> int:
    """The first varint of an FTS5 docsize blob (SQLite's varint: 7 bits a byte, high
    bit set on all but the last)."""
    if not size:
        return 0
    count = 0
    for byte in size[:8]:
        count = (count << 7) | (byte & 0x7F)
        if byte < 0x80:
            return count
    return count


def register_functions(dbapi_connection: sqlite3.Connection) -> None:
    dbapi_connection.create_function(TOKENS_FUNCTION, 1, tokens, deterministic=True)


# The person's and the assistant's messages that were shown (every branch: each was read
# once), by quarter hour. One statement for a batch of versions, inside the import's write.
_ACTIVITY = (
    "INSERT INTO conversation_activity "
    "(version_id, quarter, messages, prompts, words_written, words_read) "
    "SELECT m.version_id, "
    f"CAST(coalesce(m.create_time, c.create_time) / {QUARTER} AS INTEGER) AS q, count(*), "
    "sum(m.role = 'user'), "
    f"sum(CASE WHEN m.role = 'user' THEN {TOKENS_FUNCTION}(d.sz) ELSE 0 END), "
    f"sum(CASE WHEN m.role = 'assistant' THEN {TOKENS_FUNCTION}(d.sz) ELSE 0 END) "
    "FROM messages m JOIN conversations c ON c.id = m.version_id "
    "LEFT JOIN message_fts_docsize d ON d.id = m.rowid "
    "WHERE m.version_id BETWEEN ? AND ? AND m.role IN ('user', 'assistant') "
    "AND NOT m.hidden {unless} GROUP BY m.version_id, q"
)
_NOT_COUNTED = (
    "AND NOT EXISTS (SELECT 1 FROM conversation_activity a WHERE a.version_id = m.version_id)"
)


def count_activity(session: Session, first: int, last: int) -> None:
    """Write the activity of the versions first..last, just staged."""
    session.connection().exec_driver_sql(_ACTIVITY.format(unless=""), (first, last))


# -- the upgrade to schema 20: versions stored before it ----------------------------------

ACTIVITY_TASK = "activity"  # a Maintenance row whose state is the last version id done
STEP_VERSIONS = 200
STEP_BYTES = 4 * 2**20  # of compressed JSON read per transaction at most (for the model)


def activity_cursor(session: Session) -> int | None:
    task = session.get(Maintenance, ACTIVITY_TASK)
    return None if task is None else int(task.state)


def backfill_step(
    session: Session, model_of: Callable[[str, bytes], str | None]
) -> tuple[int, int]:
    """Count the next versions' activity and read their model (`model_of(vendor, raw
    zlib JSON)`); returns (the last version id done, the largest version id), for
    progress. Versions an import counted since the upgrade are left as they are."""
    at = activity_cursor(session)
    if at is None:
        return 0, 0
    connection = session.connection()
    rows = connection.exec_driver_sql(
        "SELECT id, vendor, raw_json FROM conversations WHERE id > ? ORDER BY id LIMIT ?",
        (at, STEP_VERSIONS),
    ).all()
    more = len(rows) == STEP_VERSIONS
    first, read = at + 1, 0
    for count, (version_id, vendor, raw) in enumerate(rows, 1):
        connection.exec_driver_sql(
            "UPDATE conversations SET model = ? WHERE id = ? AND model IS NULL",
            (model_of(vendor, raw), version_id),
        )
        at, read = version_id, read + len(raw)
        if read >= STEP_BYTES and count < len(rows):
            more = True
            break
    if rows:
        connection.exec_driver_sql(_ACTIVITY.format(unless=_NOT_COUNTED), (first, at))
    last = int(
        connection.exec_driver_sql("SELECT coalesce(max(id), 0) FROM conversations").scalar_one()
    )
    if not more:
        session.execute(delete(Maintenance).where(Maintenance.name == ACTIVITY_TASK))
        return last, last
    session.execute(
        update(Maintenance).where(Maintenance.name == ACTIVITY_TASK).values(state=str(at))
    )
    return at, last


# -- reads ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActivityRow:
    version_id: int
    conversation_id: str
    vendor: str
    model: str | None
    quarter: int | None
    messages: int
    prompts: int
    words_written: int
    words_read: int


def _where(vendor: str | None) -> tuple[str, tuple[object, ...]]:
    return ("AND c.vendor = ?", (vendor,)) if vendor else ("", ())


def activity(session: Session, user_id: str, vendor: str | None) -> list[ActivityRow]:
    """Every visible conversation's activity rows (one or a few per conversation)."""
    where, params = _where(vendor)
    rows = session.connection().exec_driver_sql(
        "SELECT a.version_id, c.conversation_id, c.vendor, c.model, a.quarter, a.messages, "
        "a.prompts, a.words_written, a.words_read FROM conversation_heads h "
        "JOIN conversations c ON c.id = h.version_id "
        "JOIN conversation_activity a ON a.version_id = h.version_id "
        f"WHERE h.user_id = ? {where}",
        (user_id, *params),
    )
    return [ActivityRow(*row) for row in rows]


def titles(session: Session, user_id: str, conversation_ids: list[str]) -> dict[str, str | None]:
    if not conversation_ids:
        return {}
    marks = ", ".join("?" * len(conversation_ids))
    rows = session.connection().exec_driver_sql(
        "SELECT c.conversation_id, c.title FROM conversation_heads h "
        "JOIN conversations c ON c.id = h.version_id "
        f"WHERE h.user_id = ? AND h.conversation_id IN ({marks})",
        (user_id, *conversation_ids),
    )
    return {row[0]: row[1] for row in rows}


def conversation_count(session: Session, user_id: str, vendor: str | None) -> int:
    where, params = _where(vendor)
    return int(
        session.connection()
        .exec_driver_sql(
            "SELECT count(*) FROM conversation_heads h "
            f"JOIN conversations c ON c.id = h.version_id WHERE h.user_id = ? {where}",
            (user_id, *params),
        )
        .scalar_one()
    )


def media(session: Session, user_id: str, vendor: str | None) -> tuple[int, int]:
    """(files kept, their bytes) of the profile's published media; with a vendor, those its
    visible conversations' messages point at are not told apart from the rest, so the
    figure is the whole profile's (a file may be shared across vendors)."""
    del vendor
    row = (
        session.connection()
        .exec_driver_sql(
            "SELECT count(DISTINCT a.sha256), coalesce(sum(b.bytes), 0) FROM "
            "(SELECT DISTINCT sha256 FROM media_assets WHERE user_id = ? AND published) a "
            "JOIN media_blobs b ON b.sha256 = a.sha256",
            (user_id,),
        )
        .one()
    )
    return int(row[0]), int(row[1])
