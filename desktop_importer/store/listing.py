"""The list's reads: a page of the conversation list and one conversation's whole tree.
Every query is bounded (a page, one conversation); the window runs them on its GUI
thread."""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import text

from desktop_importer.store import projects as projects_sql
from desktop_importer.store.insights import QUARTER

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

# The list's order: newest first by the last update (or creation), then by version id. An
# index on exactly this expression (schema 6) makes a page a walk of the index.
SORT_KEY = "coalesce(c.update_time, c.create_time, 0)"


@dataclass(frozen=True)
class ListRow:
    conversation_id: str
    title: str | None
    vendor: str
    create_time: float | None
    update_time: float | None
    message_count: int
    cursor: tuple[float, int]  # where the next page starts
    flags: int | None = None  # domain.ARCHIVED | STARRED (None: not read yet)
    gone: bool = False  # no longer in its vendor's latest export (of its account)


def page(
    session: Session,
    user_id: str,
    *,
    vendor: str | None,
    after: tuple[float, int] | None,
    limit: int,
    project: str | None = None,
    since: float | None = None,
    until: float | None = None,
    active: tuple[float, float] | None = None,
) -> list[ListRow]:
    where = ["c.user_id = :user_id"]
    params: dict[str, object] = {"user_id": user_id, "limit": limit}
    if active is not None:  # a message in [start, end): Insights' activity (schema 20)
        where.append(
            "c.id IN (SELECT version_id FROM conversation_activity "
            "WHERE quarter >= :active_from AND quarter < :active_to)"
        )
        params["active_from"] = math.floor(active[0] / QUARTER)
        params["active_to"] = math.ceil(active[1] / QUARTER)
    if since is not None:  # by the time the list is ordered by (its last change)
        where.append(f"{SORT_KEY} >= :since")
        params["since"] = since
    if until is not None:
        where.append(f"{SORT_KEY} < :until")
        params["until"] = until
    if vendor is not None:
        where.append("c.vendor = :vendor")
        params["vendor"] = vendor
    if project is not None:
        where.append("c.project_id = :project")
        params["project"] = project
    if after is not None:  # in a form SQLite seeks the index with (a row value is not)
        where.append(f"{SORT_KEY} <= :key AND ({SORT_KEY} < :key OR c.id < :id)")
        params.update(key=after[0], id=after[1])
    rows = session.execute(
        text(
            f"SELECT c.conversation_id, c.title, c.vendor, c.create_time, c.update_time, "
            f"c.message_count, {SORT_KEY} AS sort_key, c.id, c.flags, "
            "p.seen_at < (SELECT max(q.seen_at) FROM conversation_presence q "
            "WHERE q.user_id = p.user_id AND q.vendor = p.vendor AND q.account IS p.account) "
            "FROM conversations c JOIN conversation_heads h ON h.version_id = c.id "
            "LEFT JOIN conversation_presence p "
            "ON p.user_id = c.user_id AND p.conversation_id = c.conversation_id "
            f"WHERE {' AND '.join(where)} ORDER BY sort_key DESC, c.id DESC LIMIT :limit"
        ),
        params,
    )
    return [
        ListRow(
            conversation_id=row[0],
            title=row[1],
            vendor=row[2],
            create_time=row[3],
            update_time=row[4],
            message_count=row[5],
            cursor=(float(row[6]), int(row[7])),
            flags=row[8],
            gone=bool(row[9]),
        )
        for row in rows
    ]


def heads(session: Session, user_id: str, conversation_ids: list[str]) -> dict[str, ListRow]:
    """The list's row of each conversation named (its title, vendor and times), by id."""
    if not conversation_ids:
        return {}
    marks = ", ".join(f":c{i}" for i in range(len(conversation_ids)))
    params: dict[str, object] = {"user_id": user_id}
    params.update({f"c{i}": cid for i, cid in enumerate(conversation_ids)})
    rows = session.execute(
        text(
            "SELECT c.conversation_id, c.title, c.vendor, c.create_time, c.update_time, "
            f"c.message_count, {SORT_KEY}, c.id FROM conversations c "
            "JOIN conversation_heads h ON h.version_id = c.id "
            f"WHERE c.user_id = :user_id AND c.conversation_id IN ({marks})"
        ),
        params,
    )
    return {
        row[0]: ListRow(
            row[0], row[1], row[2], row[3], row[4], row[5], (float(row[6]), int(row[7]))
        )
        for row in rows
    }


def head_version(session: Session, user_id: str, conversation_id: str) -> int | None:
    """The id of a conversation's published version (it changes when an import updates it)."""
    found = session.execute(
        text(
            "SELECT c.id FROM conversations c JOIN conversation_heads h ON h.version_id = c.id "
            "WHERE c.user_id = :user_id AND c.conversation_id = :conversation_id"
        ),
        {"user_id": user_id, "conversation_id": conversation_id},
    ).scalar()
    return int(found) if found is not None else None


def vendors(session: Session, user_id: str) -> list[str]:
    """The vendors of the visible conversations: a skip from vendor to vendor along the
    vendor index (a DISTINCT over every row took 197 ms on a 1 GB archive)."""
    found: list[str] = []
    after = ""
    while True:
        vendor = session.execute(
            text(
                "SELECT vendor FROM conversations WHERE user_id = :user_id AND vendor > :after "
                "ORDER BY vendor LIMIT 1"
            ),
            {"user_id": user_id, "after": after},
        ).scalar_one_or_none()
        if vendor is None:
            return found
        visible = session.execute(
            text(
                "SELECT 1 FROM conversations c JOIN conversation_heads h ON h.version_id = c.id "
                "WHERE c.user_id = :user_id AND c.vendor = :vendor LIMIT 1"
            ),
            {"user_id": user_id, "vendor": vendor},
        ).first()
        if visible is not None:
            found.append(vendor)
        after = vendor


@dataclass(frozen=True)
class Node:
    node_id: str
    parent_id: str | None
    position: int
    path_index: int | None
    role: str | None
    author_name: str | None
    create_time: float | None
    hidden: bool
    in_export: bool
    text_bytes: int
    content_type: str | None = None


@dataclass(frozen=True)
class StoredConversation:
    conversation_id: str
    title: str | None
    vendor: str
    create_time: float | None
    update_time: float | None
    nodes: list[Node]
    original_json: bytes  # as stored: the export's object, merged with kept nodes
    project: str | None = None  # the name of the project it belongs to (ChatGPT's)


def conversation(session: Session, user_id: str, conversation_id: str) -> StoredConversation | None:
    head = session.execute(
        text(
            "SELECT c.id, c.title, c.vendor, c.create_time, c.update_time, c.raw_json, "
            "c.project_id, (SELECT coalesce(p.given_name, p.name) FROM projects p "
            "WHERE p.user_id = h.user_id AND p.vendor = c.vendor "
            "AND p.project_id = c.project_id) "
            "FROM conversation_heads h JOIN conversations c ON c.id = h.version_id "
            "WHERE h.user_id = :user_id AND h.conversation_id = :cid"
        ),
        {"user_id": user_id, "cid": conversation_id},
    ).one_or_none()
    if head is None:
        return None
    rows = session.execute(
        text(
            "SELECT node_id, parent_id, position, path_index, role, author_name, "
            "create_time, hidden, in_export, length(CAST(text AS BLOB)), content_type "
            "FROM messages "
            "WHERE version_id = :version ORDER BY position"
        ),
        {"version": head.id},
    )
    nodes = [
        Node(
            node_id=row[0],
            parent_id=row[1],
            position=row[2],
            path_index=row[3],
            role=row[4],
            author_name=row[5],
            create_time=row[6],
            hidden=bool(row[7]),
            in_export=bool(row[8]),
            text_bytes=int(row[9] or 0),
            content_type=row[10],
        )
        for row in rows
    ]
    return StoredConversation(
        conversation_id,
        head.title,
        head.vendor,
        head.create_time,
        head.update_time,
        nodes,
        zlib.decompress(head.raw_json),
        None if head[6] is None else head[7] or projects_sql.unnamed(head[6]),
    )


def stored_texts(
    session: Session, user_id: str, conversation_id: str
) -> dict[str, tuple[str, str | None]]:
    """node id -> (text as stored, content type) of the visible version's messages: what
    the command line's `show` prints beside the blocks the reader builds."""
    rows = session.execute(
        text(
            "SELECT m.node_id, m.text, m.content_type FROM conversation_heads h "
            "JOIN messages m ON m.version_id = h.version_id "
            "WHERE h.user_id = :user_id AND h.conversation_id = :cid AND m.role IS NOT NULL"
        ),
        {"user_id": user_id, "cid": conversation_id},
    )
    return {row[0]: (row[1], row[2]) for row in rows}
