"""What a vendor module reads a conversation into: its messages (one per node of its tree),
its columns, its original JSON; the flags a vendor's app keeps; the vendors' names as
people know them."""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import orjson

# A message's content type while its text is still the HTML of a Gemini answer: the reading
# process leaves some answers for the importing process to convert (reading_process.py's
# _Balance), which gives each such message the type "text" and the answer's Markdown.
UNCONVERTED_HTML = "unconverted-html"


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
    project: str | None = None  # the vendor's project it belongs to (ChatGPT's g-p- id)
    model: str | None = None  # the model that answered, as the vendor names it (model_of)

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


VENDOR_NAMES = {
    "chatgpt": "ChatGPT",
    "claude": "Claude",
    "deepseek": "DeepSeek",
    "grok": "Grok",
    "gemini": "Gemini",
    "lechat": "Le Chat",
}


def vendor_name(vendor: str) -> str:
    return VENDOR_NAMES.get(vendor, vendor.capitalize())
