"""Reading the visible archive: listing, one conversation's current path, full-text search.
Everything goes through `conversation_heads`, so staged or replaced versions never show."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Row, and_, select, text
from sqlalchemy.orm import Session

from desktop_importer.store.models import Conversation, ConversationHead, Message


@dataclass(frozen=True)
class ConversationSummary:
    conversation_id: str
    title: str | None
    vendor: str
    create_time: float | None
    update_time: float | None
    message_count: int


@dataclass(frozen=True)
class PathMessage:
    node_id: str
    role: str
    content_type: str | None
    text: str
    create_time: float | None
    hidden: bool


@dataclass(frozen=True)
class SearchHit:
    conversation_id: str
    title: str | None
    snippet: str
    node_id: str | None  # None when only the title matched
    rank: float


def _visible(user_id: str) -> ColumnElement[bool]:
    return and_(ConversationHead.version_id == Conversation.id, ConversationHead.user_id == user_id)


_SUMMARY_COLUMNS = (
    Conversation.conversation_id,
    Conversation.title,
    Conversation.vendor,
    Conversation.create_time,
    Conversation.update_time,
    Conversation.message_count,
)


def _summary(row: Row[*tuple[Any, ...]]) -> ConversationSummary:
    return ConversationSummary(
        conversation_id=row.conversation_id,
        title=row.title,
        vendor=row.vendor,
        create_time=row.create_time,
        update_time=row.update_time,
        message_count=row.message_count,
    )


def list_conversations(session: Session, user_id: str) -> list[ConversationSummary]:
    rows = session.execute(
        select(*_SUMMARY_COLUMNS)
        .join(ConversationHead, _visible(user_id))
        .order_by(Conversation.update_time.desc().nulls_last(), Conversation.conversation_id)
    )
    return [_summary(row) for row in rows]


def current_path(
    session: Session, user_id: str, conversation_id: str
) -> tuple[ConversationSummary, list[PathMessage]] | None:
    """The conversation and the messages of its current path, oldest first (the null root
    and other message-less nodes left out)."""
    head = session.execute(
        select(Conversation.id, *_SUMMARY_COLUMNS)
        .join(ConversationHead, _visible(user_id))
        .where(ConversationHead.conversation_id == conversation_id)
    ).one_or_none()
    if head is None:
        return None
    rows = session.execute(
        select(
            Message.node_id,
            Message.role,
            Message.content_type,
            Message.text,
            Message.create_time,
            Message.hidden,
        )
        .where(
            Message.version_id == head.id,
            Message.path_index.is_not(None),
            Message.role.is_not(None),
        )
        .order_by(Message.path_index)
    )
    messages = [
        PathMessage(row.node_id, row.role, row.content_type, row.text, row.create_time, row.hidden)
        for row in rows
    ]
    return _summary(head), messages


_MESSAGE_HITS = text(
    "SELECT h.conversation_id, c.title, "
    "snippet(message_fts, 0, '[', ']', '…', 12), m.node_id, bm25(message_fts) "
    "FROM message_fts "
    "JOIN messages m ON m.rowid = message_fts.rowid "
    "JOIN conversation_heads h ON h.version_id = m.version_id AND h.user_id = :user_id "
    "JOIN conversations c ON c.id = m.version_id "
    "WHERE message_fts MATCH :query AND m.hidden = 0 "
    "ORDER BY bm25(message_fts) LIMIT :limit"
)
_TITLE_HITS = text(
    "SELECT h.conversation_id, c.title, highlight(title_fts, 0, '[', ']'), NULL, "
    "bm25(title_fts) FROM title_fts "
    "JOIN conversation_heads h ON h.version_id = title_fts.rowid AND h.user_id = :user_id "
    "JOIN conversations c ON c.id = title_fts.rowid "
    "WHERE title_fts MATCH :query ORDER BY bm25(title_fts) LIMIT :limit"
)
TITLE_WEIGHT = 2.0  # a word in the title says more about a conversation than one in a message


def search(session: Session, user_id: str, match: str, limit: int) -> list[SearchHit]:
    """The best hit of each conversation matching the FTS5 `match`, best first."""
    params = {"user_id": user_id, "query": match, "limit": limit * 10}
    best: dict[str, SearchHit] = {}
    for weight, statement in ((1.0, _MESSAGE_HITS), (TITLE_WEIGHT, _TITLE_HITS)):
        for conv_id, title, snippet, node_id, rank in session.execute(statement, params):
            hit = SearchHit(conv_id, title, " ".join(snippet.split()), node_id, rank * weight)
            if conv_id not in best or hit.rank < best[conv_id].rank:
                if conv_id in best and node_id is None:
                    hit = SearchHit(
                        conv_id, title, best[conv_id].snippet, best[conv_id].node_id, hit.rank
                    )
                best[conv_id] = hit
    return sorted(best.values(), key=lambda h: h.rank)[:limit]
