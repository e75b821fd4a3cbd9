"""What the reading process sends the importing side: each conversation as the rows the
writer binds, and what an import remembers of what it skipped."""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import Any

from isal import isal_zlib

from desktop_importer.basics.cjk import maybe_in_utf8
from desktop_importer.vendors import gemini
from desktop_importer.vendors.parsed import UNCONVERTED_HTML, ParsedConversation, ParsedMessage

# A message's row in the archive: the version it belongs to (None until it is written, when
# the version's id is known), then its MESSAGE_FIELDS. ConversationRecord.rows holds them
# flat, one row after another, so that a batch's rows are bound as they are.
MESSAGE_FIELDS = ParsedMessage._fields
ROW_FIELDS = ("version_id", *MESSAGE_FIELDS)
ROW_WIDTH = len(ROW_FIELDS)

# The original JSON is kept as a zlib stream (read back with the standard library's zlib),
# made by ISA-L's deflate: on a 100 MB export 0.16 s and 20.3 MB, where zlib's level 1 takes
# 0.49 s for 20.8 MB (level 6: 1.2 s, 18.4 MB). It runs in the reading process, so that
# what goes through the pipe and waits in the importing process's queue is compressed.
RAW_COMPRESSION_LEVEL = 1
ROWS = 8  # where its rows are
_TYPE = ROW_FIELDS.index("content_type")
_TEXT = ROW_FIELDS.index("text")


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
        conv.project,
        conv.model,
    )


def convert_unconverted(fields: tuple[Any, ...]) -> None:
    """Give the messages a reading process left UNCONVERTED_HTML (Gemini answers, see
    reading_process._Balance) their text, in place, as `parse` would have."""
    rows = fields[ROWS]
    for at in range(_TYPE, len(rows), ROW_WIDTH):
        if rows[at] == UNCONVERTED_HTML:
            rows[at] = "text"
            rows[at - _TYPE + _TEXT] = gemini.converted(rows[at - _TYPE + _TEXT])


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
    project: str | None = None  # ParsedConversation.project
    model: str | None = None  # ParsedConversation.model

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
            project=self.project,
            model=self.model,
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
