"""The archive in SQL: staging conversation versions, publishing them, cleaning old ones.

Staged versions are invisible: everything that reads the archive goes through
`conversation_heads`. Publishing moves the heads of one run in a single statement, so its
transaction stays short however large the import was.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import delete, func, insert, select, text

from desktop_importer.domain import ParsedConversation, ParsedMessage
from desktop_importer.store.models import Conversation, ConversationHead, Message

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from sqlalchemy.orm import Session


RAW_COMPRESSION_LEVEL = 1  # most of level 6's saving on JSON at a fraction of its time


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


def stage(
    session: Session, user_id: str, run_id: int, conversations: Iterable[ParsedConversation]
) -> int:
    """Write new, still invisible versions; returns the number of messages written."""
    written = 0
    message_rows: list[dict[str, object]] = []
    for conv in conversations:
        version_id = session.execute(
            insert(Conversation)
            .values(
                user_id=user_id,
                conversation_id=conv.conversation_id,
                run_id=run_id,
                vendor=conv.vendor,
                title=conv.title,
                create_time=conv.create_time,
                update_time=conv.update_time,
                current_node=conv.current_node,
                message_count=conv.message_count,
                content_hash=conv.content_hash,
                raw_json=zlib.compress(conv.raw_json, RAW_COMPRESSION_LEVEL),
            )
            .returning(Conversation.id)
        ).scalar_one()
        for m in conv.messages:
            message_rows.append(
                {
                    "version_id": version_id,
                    "node_id": m.node_id,
                    "parent_id": m.parent_id,
                    "position": m.position,
                    "path_index": m.path_index,
                    "role": m.role,
                    "author_name": m.author_name,
                    "content_type": m.content_type,
                    "text": m.text,
                    "create_time": m.create_time,
                    "hidden": m.hidden,
                    "raw_content": m.raw_content,
                    "in_export": m.in_export,
                }
            )
        written += conv.message_count
    if message_rows:
        session.execute(insert(Message), message_rows)
    return written


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
        session.execute(delete(Conversation).where(Conversation.id.in_(ids)))
    return len(ids)


def totals(session: Session, user_id: str) -> tuple[int, int]:
    """(conversations, messages) visible in the profile's archive."""
    row = session.execute(
        select(func.count(), func.coalesce(func.sum(Conversation.message_count), 0))
        .select_from(ConversationHead)
        .join(Conversation, Conversation.id == ConversationHead.version_id)
        .where(ConversationHead.user_id == user_id)
    ).one()
    return int(row[0]), int(row[1])
