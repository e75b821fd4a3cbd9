"""Reading the visible archive: listing, one conversation's current path, full-text search.
Everything goes through `conversation_heads`, so staged or replaced versions never show."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Row, and_, select
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
