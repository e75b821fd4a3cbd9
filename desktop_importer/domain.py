"""Plain data passed between the readers, the service and the store."""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field

import orjson


@dataclass(frozen=True)
class ParsedMessage:
    """One node of a conversation's tree (the null root included, with role None)."""

    node_id: str
    parent_id: str | None
    position: int
    path_index: int | None
    role: str | None
    author_name: str | None
    content_type: str | None
    text: str
    create_time: float | None
    hidden: bool
    raw_content: str | None = None  # kept when the reader could not read the content
    in_export: bool = True  # False: an earlier export had this node, the newer one does not


@dataclass(frozen=True)
class ParsedConversation:
    conversation_id: str
    vendor: str
    title: str | None
    create_time: float | None
    update_time: float | None
    current_node: str | None
    messages: list[ParsedMessage]
    raw_json: bytes
    content_hash: str
    unread_content: Counter[str] = field(default_factory=Counter)
    raw_zlib: bytes | None = None  # raw_json compressed, once it is known to be stored

    @property
    def message_count(self) -> int:
        return sum(1 for m in self.messages if m.role is not None)


@dataclass(frozen=True)
class SkippedConversation:
    conversation_id: str | None
    reason: str


def original_json(obj: object) -> tuple[bytes, str]:
    """A conversation's JSON as kept beside its parsed rows, and the hash later exports are
    compared with."""
    raw = orjson.dumps(obj)
    return raw, hashlib.sha256(raw).hexdigest()


class UnreadableConversation(Exception):
    """One conversation cannot be read; the import skips it and reports the reason."""

    def __init__(self, reason: str, conversation_id: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.conversation_id = conversation_id
