"""Plain data passed between the readers, the service and the store."""

from __future__ import annotations

import hashlib
import zlib
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import orjson
from isal import isal_zlib

from desktop_importer.cjk import maybe_in_utf8


class ParsedMessage(NamedTuple):
    """One node of a conversation's tree (the null root included, with role None).

    A named tuple, because an import makes one per message: it is built several times
    faster than a frozen dataclass, and it is already the row that is written
    (MESSAGE_FIELDS).
    """

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
    # The row's last value: its rowid, filled in by the writer (store/archive.stage).
    rowid: int | None = None


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
    flags: int = 0  # ARCHIVED | STARRED, as the vendor's app had them
    account: str | None = None  # whose conversation it is (Claude names it in each one)

    @property
    def message_count(self) -> int:
        return sum(1 for m in self.messages if m.role is not None)


ARCHIVED, STARRED = 1, 2  # conversations.flags (NULL: not read yet, an older archive)


def vendor_flags(conversation: Any) -> int:
    """The flags a conversation object carries (ChatGPT's is_archived and is_starred)."""
    if not isinstance(conversation, dict):
        return 0
    return (ARCHIVED if conversation.get("is_archived") is True else 0) | (
        STARRED if conversation.get("is_starred") is True else 0
    )


# A message's row in the archive: the version it belongs to (None until it is written, when
# the version's id is known), then its MESSAGE_FIELDS. ConversationRecord.rows holds them
# flat, one row after another, so that a batch's rows are bound as they are.
MESSAGE_FIELDS = ParsedMessage._fields
ROW_FIELDS = ("version_id", *MESSAGE_FIELDS)
ROW_WIDTH = len(ROW_FIELDS)

# The original JSON is kept as a zlib stream (read back with the standard library's zlib),
# made by ISA-L's deflate: on a 100 MB export 0.16 s and 20.3 MB, where zlib's level 1 takes
# 0.49 s for 20.8 MB (level 6: 1.2 s, 18.4 MB). It runs in the reading process, whose
# sequential work is what an import waits for.
RAW_COMPRESSION_LEVEL = 1


def record_fields(conv: ParsedConversation) -> tuple[Any, ...]:
    """A parsed conversation as plain values, in ConversationRecord's field order (what the
    reading process sends): its columns, its messages as one flat list of rows (ROW_FIELDS),
    its original JSON compressed, and that JSON's size."""
    rows: list[object] = []
    for message in conv.messages:
        rows.append(None)  # version_id
        rows += message
    return (
        conv.conversation_id,
        conv.vendor,
        conv.title,
        conv.create_time,
        conv.update_time,
        conv.current_node,
        conv.message_count,
        conv.content_hash,
        rows,
        isal_zlib.compress(conv.raw_json, RAW_COMPRESSION_LEVEL),
        len(conv.raw_json),
        conv.flags,
        conv.account,
        maybe_in_utf8(conv.raw_json),
    )


@dataclass(frozen=True)
class ConversationRecord:
    """A parsed conversation as it is written: its columns, its messages as one flat list
    (ROW_WIDTH values each, ready to bind once version_id is filled in) and its compressed
    original JSON.

    Only a conversation merged with a stored one goes back to ParsedConversation.
    """

    conversation_id: str
    vendor: str
    title: str | None
    create_time: float | None
    update_time: float | None
    current_node: str | None
    message_count: int
    content_hash: str
    rows: list[object]
    raw_zlib: bytes
    json_bytes: int  # of the original JSON
    flags: int = 0
    account: str | None = None
    # False when the original JSON certainly holds no CJK: the writer then indexes each
    # message's text as it is, without looking for runs to split (cjk.py).
    may_hold_cjk: bool = True

    @classmethod
    def of(cls, conv: ParsedConversation) -> ConversationRecord:
        return cls(*record_fields(conv))

    def parsed(self) -> ParsedConversation:
        messages = [
            ParsedMessage._make(self.rows[start + 1 : start + ROW_WIDTH])
            for start in range(0, len(self.rows), ROW_WIDTH)
        ]
        return ParsedConversation(
            conversation_id=self.conversation_id,
            vendor=self.vendor,
            title=self.title,
            create_time=self.create_time,
            update_time=self.update_time,
            current_node=self.current_node,
            messages=messages,
            raw_json=zlib.decompress(self.raw_zlib),
            content_hash=self.content_hash,
            flags=self.flags,
            account=self.account,
        )


@dataclass(frozen=True)
class SkippedConversation:
    conversation_id: str | None
    reason: str


# What an import remembers of what it skipped, so that its memory does not grow with the
# export: a file of a million unreadable `{}` held 160 MB of details. Every skipped
# conversation is counted and the first ones are named; unknown content types beyond the
# first ones are counted together, and a type's name is cut short.
SKIPPED_DETAILS_KEPT = 1000
UNREAD_KINDS_KEPT = 100
KIND_CHARS_KEPT = 100  # of a content type's name
OTHER_KINDS = "(other kinds)"


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


VENDOR_NAMES = {"chatgpt": "ChatGPT", "claude": "Claude"}


def vendor_name(vendor: str) -> str:
    return VENDOR_NAMES.get(vendor, vendor.capitalize())
