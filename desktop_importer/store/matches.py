"""What search reads once its hits are ranked: the beginning of each matching message's
text for its excerpt, the conversations' titles, and which messages of one conversation
match (find in this conversation)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from sqlalchemy import text

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

EXCERPT_SOURCE = 200_000  # characters of a message searched for its excerpt (a paste is MBs)


def texts_for_excerpts(session: Session, rowids: list[int]) -> dict[int, str]:
    """The beginning of each message's text, for excerpts (FTS5's snippet() re-reads and
    tokenizes a whole message: hundreds of ms for one long paste)."""
    if not rowids:
        return {}
    rows = session.execute(
        text(
            f"SELECT rowid, substr(text, 1, {EXCERPT_SOURCE}) FROM messages "
            f"WHERE rowid IN ({', '.join(str(int(r)) for r in rowids)})"
        )
    )
    return {int(row[0]): row[1] or "" for row in rows.all()}


def titles_of(session: Session, user_id: str, conversation_ids: list[str]) -> dict[str, str | None]:
    if not conversation_ids:
        return {}
    rows = session.execute(
        text(
            "SELECT h.conversation_id, c.title FROM conversation_heads h "
            "JOIN conversations c ON c.id = h.version_id WHERE h.user_id = :user_id "
            "AND h.conversation_id IN (SELECT value FROM json_each(:ids))"
        ),
        {"user_id": user_id, "ids": json.dumps(conversation_ids)},
    )
    return {row[0]: row[1] for row in rows.all()}


def matches_in_version(
    session: Session, user_id: str, conversation_id: str, query: str
) -> dict[str, str]:
    """node id -> text of the visible version's messages that match `query` (FTS5 syntax,
    as `fts_query` builds it), read over that version's span of rowids only."""
    rows = session.execute(
        text(
            "WITH v AS (SELECT h.version_id AS id FROM conversation_heads h "
            "WHERE h.user_id = :user_id AND h.conversation_id = :cid), "
            "span AS (SELECT min(m.rowid) AS low, max(m.rowid) AS high FROM messages m "
            "WHERE m.version_id = (SELECT id FROM v)) "
            "SELECT m.node_id, m.text FROM message_fts f "
            "CROSS JOIN messages m ON m.rowid = f.rowid "
            "WHERE message_fts MATCH :query "
            "AND f.rowid BETWEEN (SELECT low FROM span) AND (SELECT high FROM span) "
            "AND m.version_id = (SELECT id FROM v)"
        ),
        {"user_id": user_id, "cid": conversation_id, "query": query},
    )
    return {row[0]: row[1] or "" for row in rows}
