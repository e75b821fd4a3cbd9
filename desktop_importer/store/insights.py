"""Insights' reads and what an import writes for them (schema 20): each conversation
version's activity per quarter hour (`conversation_activity`), counted in SQL from the rows
and the search index just written, and its model. Every read here is one indexed pass over
those small rows (about one per conversation), never over the messages' text."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from desktop_importer.store import recovery
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
# A message without a time takes its conversation's (looked up only for those).
_TIME = "coalesce(m.create_time, (SELECT create_time FROM conversations WHERE id = m.version_id))"
# A size under 128 tokens is one byte, which SQL reads itself (nine messages in ten, and
# a call into Python each cost a quarter of the statement's time).
_TOKENS = (
    "CASE WHEN d.sz < x'80' THEN coalesce(unicode(CAST(d.sz AS TEXT)), 0) "
    f"ELSE {TOKENS_FUNCTION}(d.sz) END"
)
# Grouped from the messages and the index's sizes first, then each group joined to its
# version for the vendor and model: the version's row carries its JSON, and reading the
# model (after it) for every message walked the JSON's overflow pages each time.
_ACTIVITY = (
    "INSERT INTO conversation_activity (version_id, quarter, vendor, model, messages, "
    "prompts, words_written, words_read) SELECT g.version_id, g.q, c.vendor, c.model, "
    "g.n, g.prompts, g.written, g.read FROM (SELECT m.version_id, "
    f"CASE WHEN {_TIME} >= 0 THEN CAST({_TIME} / {QUARTER} AS INTEGER) ELSE -1 END AS q, "
    "count(*) AS n, sum(m.role = 'user') AS prompts, "
    f"sum(CASE WHEN m.role = 'user' THEN {_TOKENS} ELSE 0 END) AS written, "
    f"sum(CASE WHEN m.role = 'assistant' THEN {_TOKENS} ELSE 0 END) AS read "
    "FROM messages m LEFT JOIN message_fts_docsize d ON d.id = m.rowid "
    "WHERE m.version_id BETWEEN ? AND ? AND m.role IN ('user', 'assistant') "
    "AND NOT m.hidden {unless} GROUP BY m.version_id, q) g "
    "JOIN conversations c ON c.id = g.version_id"
)
_NOT_COUNTED = (
    "AND NOT EXISTS (SELECT 1 FROM conversation_activity a WHERE a.version_id = m.version_id)"
)
# A version without a message the person or the assistant wrote still counts as one.
_EMPTY = (
    "INSERT INTO conversation_activity (version_id, quarter, vendor, model, messages, "
    "prompts, words_written, words_read) SELECT c.id, -1, c.vendor, c.model, 0, 0, 0, 0 "
    "FROM conversations c WHERE c.id BETWEEN ? AND ? AND NOT EXISTS "
    "(SELECT 1 FROM conversation_activity a WHERE a.version_id = c.id)"
)


def count_activity(session: Session, first: int, last: int, *, backfill: bool = False) -> None:
    """Write the activity of the versions first..last (just staged; or, `backfill`, those
    of them not counted yet)."""
    connection = session.connection()
    connection.exec_driver_sql(
        _ACTIVITY.format(unless=_NOT_COUNTED if backfill else ""), (first, last)
    )
    connection.exec_driver_sql(_EMPTY, (first, last))


# -- the upgrade to schema 20: versions stored before it ----------------------------------

ACTIVITY_TASK = "activity"  # a Maintenance row whose state is the last version id done


def activity_cursor(session: Session) -> int | None:
    task = session.get(Maintenance, ACTIVITY_TASK)
    return None if task is None else int(task.state)


def backfill_step(session: Session, model_of: Callable[[bytes], str | None]) -> tuple[int, int]:
    """Read the next versions' model from their original JSON (`model_of`), as the other
    upgrades read theirs, and count the activity of the versions stepped over; returns
    (the last version id done, the largest version id), for progress. Versions an import
    counted since the upgrade are left as they are."""
    at = activity_cursor(session)
    if at is None:
        return 0, 0
    reached, last = recovery.backfill_versions(
        session, ACTIVITY_TASK, "model", "model IS NULL", model_of
    )
    count_activity(session, at + 1, reached, backfill=True)
    return reached, last


# -- reads ------------------------------------------------------------------------------


Shifts = list[tuple[int, int]]  # (from quarter, quarters to add): a zone's UTC offsets


def quarter_bounds(session: Session) -> tuple[int, int] | None:
    """The first and last quarter with a message in the archive (two index seeks)."""
    row = (
        session.connection()
        .exec_driver_sql(
            "SELECT min(quarter), max(quarter) FROM conversation_activity WHERE quarter >= 0"
        )
        .one()
    )
    return None if row[0] is None else (int(row[0]), int(row[1]))


def _local(shifts: Shifts) -> str:
    """SQL for an activity row's quarter in local time (NULL for no time)."""
    if not shifts:
        return "NULL"
    cases = " ".join(
        f"WHEN a.quarter < {int(start)} THEN a.quarter + {int(before)}"
        for (_, before), (start, _) in itertools.pairwise(shifts)
    )
    last = int(shifts[-1][1])
    return f"CASE WHEN a.quarter < 0 THEN NULL {cases} ELSE a.quarter + {last} END"


def load_visible(session: Session, user_id: str, vendor: str | None, shifts: Shifts) -> None:
    """The visible conversations' activity, its quarters made local, into a temporary
    table of this connection (`temp.di_visible`), and each conversation's own row
    (`temp.di_versions`: its start, messages, days): one pass over the archive's rows,
    then each figure a pass over these small tables."""
    connection = session.connection()
    connection.exec_driver_sql(
        "CREATE TEMP TABLE IF NOT EXISTS di_visible (version_id INTEGER, lq INTEGER, "
        "vendor TEXT, model TEXT, messages INTEGER, prompts INTEGER, written INTEGER, "
        "read INTEGER)"
    )
    connection.exec_driver_sql("DELETE FROM temp.di_visible")
    where, params = ("AND a.vendor = ?", (vendor,)) if vendor else ("", ())
    connection.exec_driver_sql(
        f"INSERT INTO temp.di_visible SELECT a.version_id, {_local(shifts)}, a.vendor, "
        "a.model, a.messages, a.prompts, a.words_written, a.words_read "
        "FROM conversation_heads h JOIN conversation_activity a ON a.version_id = h.version_id "
        f"WHERE h.user_id = ? {where}",
        (user_id, *params),
    )
    connection.exec_driver_sql("DROP TABLE IF EXISTS temp.di_versions")
    connection.exec_driver_sql(
        "CREATE TEMP TABLE di_versions AS SELECT version_id, min(lq) AS start, "
        f"sum(messages) AS messages, count(DISTINCT lq / {DAY}) AS days, vendor, model, "
        "sum(prompts) AS prompts, sum(written) AS written, sum(read) AS read "
        "FROM temp.di_visible GROUP BY version_id"
    )


DAY = 96  # quarters
THURSDAY = 3  # 1 January 1970: local day 0 (Monday is 0)


@dataclass(frozen=True)
class Figures:
    """What Insights draws, as SQL counts it over `temp.di_visible` (local days are days
    since 1 January 1970)."""

    totals: tuple[int, int, int, int, int]  # conversations, messages, prompts, written, read
    days: list[tuple[int, str, int, int, int]]  # (day, vendor, conversations, messages, yours)
    hours: list[tuple[int, int, int]]  # (weekday, hour, messages)
    starts: list[tuple[int, str, str | None, int]]  # (day, vendor, model, conversations)
    longest: list[tuple[str, str | None, str, int]]  # (id, title, vendor, messages)
    returned: list[tuple[str, str | None, str, int]]  # (id, title, vendor, days)


def figures(session: Session, top: int) -> Figures:
    """Every figure of the loaded activity (`load_visible` first): a pass that makes each
    conversation one row (`temp.di_versions`), then one pass each for days and hours."""
    connection = session.connection()

    def rows(statement: str, *params: object) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in connection.exec_driver_sql(statement, params)]

    totals = rows(
        "SELECT count(*), coalesce(sum(messages), 0), coalesce(sum(prompts), 0), "
        "coalesce(sum(written), 0), coalesce(sum(read), 0) FROM temp.di_versions"
    )[0]
    ranked = [
        rows(
            "SELECT version_id, messages FROM temp.di_versions "
            "ORDER BY messages DESC, version_id DESC LIMIT ?",
            top,
        ),
        rows(
            "SELECT version_id, days FROM temp.di_versions WHERE days > 1 "
            "ORDER BY days DESC, version_id DESC LIMIT ?",
            top,
        ),
    ]
    wanted = [version for pairs in ranked for version, _ in pairs]
    named = {
        row[0]: row[1:]
        for row in rows(
            "SELECT id, conversation_id, title, vendor FROM conversations "
            f"WHERE id IN ({', '.join('?' * len(wanted))})",
            *wanted,
        )
    } if wanted else {}  # fmt: skip
    longest, returned = (
        [(*named[version], n) for version, n in pairs if version in named] for pairs in ranked
    )
    timed = "FROM temp.di_visible WHERE lq IS NOT NULL"
    return Figures(
        totals=totals,
        days=rows(
            f"SELECT lq / {DAY} AS d, vendor, count(DISTINCT version_id), sum(messages), "
            f"sum(prompts) {timed} GROUP BY d, vendor"
        ),
        hours=rows(
            f"SELECT (lq / {DAY} + {THURSDAY}) % 7 AS w, (lq % {DAY}) / 4 AS h, sum(messages) "
            f"{timed} GROUP BY w, h"
        ),
        starts=rows(
            f"SELECT start / {DAY} AS d, vendor, model, count(*) FROM temp.di_versions "
            "WHERE start IS NOT NULL GROUP BY d, vendor, model"
        ),
        longest=longest,
        returned=returned,
    )


def media(session: Session, user_id: str) -> tuple[int, int]:
    """(files kept, their bytes) of the profile's published media, every vendor's: the
    store does not tie a file to the vendor whose message points at it (one may be
    shared)."""
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


# -- the words each conversation is about (counted when Insights first needs them) -------

TERMS_KEPT = 16  # a conversation's most used words


def uncounted_versions(session: Session, user_id: str, limit: int) -> list[int]:
    """Visible versions whose words are not counted yet, newest first."""
    rows = session.connection().exec_driver_sql(
        "SELECT h.version_id FROM conversation_heads h WHERE h.user_id = ? AND NOT EXISTS "
        "(SELECT 1 FROM conversation_terms t WHERE t.version_id = h.version_id) "
        "ORDER BY h.version_id DESC LIMIT ?",
        (user_id, limit),
    )
    return [int(row[0]) for row in rows]


def uncounted_count(session: Session, user_id: str) -> int:
    return int(
        session.connection()
        .exec_driver_sql(
            "SELECT count(*) FROM conversation_heads h WHERE h.user_id = ? AND NOT EXISTS "
            "(SELECT 1 FROM conversation_terms t WHERE t.version_id = h.version_id)",
            (user_id,),
        )
        .scalar_one()
    )


def person_texts(session: Session, version_ids: list[int]) -> dict[int, list[str]]:
    """Each version's title and the person's shown messages."""
    marks = ", ".join("?" * len(version_ids))
    texts: dict[int, list[str]] = {v: [] for v in version_ids}
    connection = session.connection()
    for version_id, title in connection.exec_driver_sql(
        f"SELECT id, title FROM conversations WHERE id IN ({marks})", tuple(version_ids)
    ):
        if title:
            texts[version_id].append(title)
    for version_id, body in connection.exec_driver_sql(
        f"SELECT version_id, text FROM messages WHERE version_id IN ({marks}) "
        "AND role = 'user' AND NOT hidden",
        tuple(version_ids),
    ):
        texts[version_id].append(body)
    return texts


def store_terms(session: Session, counted: dict[int, list[tuple[str, int]]]) -> None:
    """Each version's words ('' for none), unless the version is gone meanwhile."""
    rows = [
        (version_id, term, count, version_id)
        for version_id, terms in counted.items()
        for term, count in (terms or [("", 0)])
    ]
    session.connection().exec_driver_sql(
        "INSERT OR IGNORE INTO conversation_terms (version_id, term, count) SELECT ?, ?, ? "
        "WHERE EXISTS (SELECT 1 FROM conversations WHERE id = ?)",
        rows,
    )


def sampled_terms(
    session: Session, user_id: str, vendor: str | None, shifts: Shifts, least: int, most: int
) -> list[tuple[int, str, int]]:
    """(period, word, count) of the visible conversations counted, a period a local
    calendar quarter (year * 4 + quarter - 1) of the conversation's start. Of each period,
    the conversations with the most prompts: `most` of them shared across the periods, at
    least `least` each, so that the words of an archive of any size are read in a bounded
    time (a quarter's words are those of its fullest conversations)."""
    connection = session.connection()
    connection.exec_driver_sql("DROP TABLE IF EXISTS temp.di_periods")
    local = f"start * {QUARTER}, 'unixepoch'"  # a local quarter read as UTC: the wall time
    where, params = ("AND a.vendor = ?", (vendor,)) if vendor else ("", ())
    connection.exec_driver_sql(
        "CREATE TEMP TABLE di_periods AS SELECT version_id, "
        f"CAST(strftime('%Y', {local}) AS INTEGER) * 4 "
        f"+ (CAST(strftime('%m', {local}) AS INTEGER) - 1) / 3 AS period, prompts FROM ("
        f"SELECT a.version_id, min({_local(shifts)}) AS start, sum(a.prompts) AS prompts "
        "FROM conversation_heads h JOIN conversation_activity a ON a.version_id = h.version_id "
        f"WHERE h.user_id = ? AND a.quarter >= 0 {where} GROUP BY a.version_id)",
        (user_id, *params),
    )
    periods = int(
        connection.exec_driver_sql(
            "SELECT count(DISTINCT period) FROM temp.di_periods"
        ).scalar_one()
    )
    each = max(least, most // max(1, periods))
    rows = connection.exec_driver_sql(
        "SELECT r.period, t.term, t.count FROM (SELECT version_id, period, row_number() "
        "OVER (PARTITION BY period ORDER BY prompts DESC, version_id DESC) AS place "
        "FROM temp.di_periods) r JOIN conversation_terms t ON t.version_id = r.version_id "
        "WHERE r.place <= ? AND t.term != ''",
        (each,),
    )
    return [(int(r[0]), str(r[1]), int(r[2])) for r in rows]
