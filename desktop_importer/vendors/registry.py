"""The one switch over the vendors: which module reads a conversation object, and which a
stored conversation's vendor names."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Protocol

import orjson

from desktop_importer.basics.settings import human_bytes
from desktop_importer.vendors import chatgpt, claude, deepseek, gemini, grok, lechat
from desktop_importer.vendors.parsed import ParsedConversation, UnreadableConversation

if TYPE_CHECKING:
    from collections.abc import Mapping

    from desktop_importer.vendors.blocks import Block

log = logging.getLogger(__name__)


class Vendor(Protocol):
    """What every vendor module provides."""

    NAME: str

    def looks_like(self, obj: Mapping[str, Any]) -> bool: ...

    def parse(self, obj: Mapping[str, Any]) -> ParsedConversation: ...

    def message_objects(self, conversation: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]: ...

    def blocks(self, message: Mapping[str, Any]) -> list[Block]: ...

    def message_pointers(self, message: Mapping[str, Any]) -> list[str]: ...

    def export_pointers(self, conversation: Mapping[str, Any]) -> set[str]: ...

    def has_hidden_blocks(self, content_type: str | None) -> bool: ...

    def model_of(self, conversation: Mapping[str, Any]) -> str | None: ...

    def url_of(self, conversation: Mapping[str, Any]) -> str | None: ...


# In the order they are tried: DeepSeek's tree looks like ChatGPT's, so it is told first.
VENDORS: tuple[Vendor, ...] = (deepseek, chatgpt, claude, grok, lechat, gemini)
_BY_NAME: dict[str, Vendor] = {vendor.NAME: vendor for vendor in VENDORS}


def vendor_named(name: str) -> Vendor:
    """The module of a stored conversation's vendor."""
    return _BY_NAME[name]


def _check_message_sizes(parsed: ParsedConversation, limit: int) -> None:
    for message in parsed.messages:
        # Characters never outnumber UTF-8 bytes, so only long texts need encoding.
        if len(message.text) * 4 > limit and len(message.text.encode()) > limit:
            raise UnreadableConversation(
                f"message {message.node_id} is {human_bytes(len(message.text.encode()))}, "
                f"more than the limit of {human_bytes(limit)} (max_message_bytes)",
                parsed.conversation_id,
            )


def _any_id(obj: dict[str, Any]) -> str | None:
    for key in ("id", "conversation_id", "uuid"):
        value = obj.get(key)
        if isinstance(value, str) and value:
            return value
    inner = obj.get("conversation")  # Grok's wrapping
    return _any_id(inner) if isinstance(inner, dict) and inner is not obj else None


def vendor_of(obj: dict[str, Any]) -> Vendor | None:
    """The vendor whose conversation object this is, told by its content."""
    return next((v for v in VENDORS if v.looks_like(obj)), None)


NESTING_LIMIT = 255  # orjson's, which keeps each conversation's original JSON


def parse_conversation(obj: Any, max_message_bytes: int | None = None) -> ParsedConversation:
    """Parse one conversation object of any supported vendor, or raise UnreadableConversation.

    A reader bug on strange data must cost one conversation, never the import: it is logged
    (without the conversation's text) and the conversation is skipped with a reason.
    """
    if not isinstance(obj, dict):
        raise UnreadableConversation(f"it is a JSON {type(obj).__name__}, not a conversation")
    conversation_id = _any_id(obj)
    vendor = vendor_of(obj)
    if vendor is None:
        raise UnreadableConversation(
            "it holds no messages this app can read (no vendor's message list or tree)",
            conversation_id,
        )
    try:
        parsed = vendor.parse(obj)
        if (model := vendor.model_of(obj)) is not None:
            # Set on the new, frozen object in place: replace() made a copy of each
            # conversation on the reading process's critical path.
            object.__setattr__(parsed, "model", model)
        if max_message_bytes is not None:
            _check_message_sizes(parsed, max_message_bytes)
        return parsed
    except orjson.JSONEncodeError:
        raise UnreadableConversation(
            f"it is nested deeper than {NESTING_LIMIT} levels, the limit for one conversation",
            conversation_id,
        ) from None
    except UnreadableConversation as e:
        e.conversation_id = e.conversation_id or conversation_id
        raise
    except Exception as e:
        log.exception("Reader failed on conversation %s", conversation_id)
        raise UnreadableConversation(
            f"the reader failed on it ({type(e).__name__})", conversation_id
        ) from e
