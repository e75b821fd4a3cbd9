"""Export readers: from a ZIP or JSON file to parsed conversations, one at a time."""

from __future__ import annotations

import logging
from typing import Any

import orjson

from desktop_importer.domain import ParsedConversation, UnreadableConversation
from desktop_importer.readers import chatgpt, claude
from desktop_importer.settings import human_bytes

log = logging.getLogger(__name__)


def _parse(obj: dict[str, Any]) -> ParsedConversation | None:
    if chatgpt.looks_like(obj):
        return chatgpt.parse(obj)
    if claude.looks_like(obj):
        return claude.parse(obj)
    return None


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
    return None


NESTING_LIMIT = 255  # orjson's, which keeps each conversation's original JSON


def parse_conversation(obj: Any, max_message_bytes: int | None = None) -> ParsedConversation:
    """Parse one conversation object of any supported vendor, or raise UnreadableConversation.

    A reader bug on strange data must cost one conversation, never the import: it is logged
    (without the conversation's text) and the conversation is skipped with a reason.
    """
    if not isinstance(obj, dict):
        raise UnreadableConversation(f"it is a JSON {type(obj).__name__}, not a conversation")
    conversation_id = _any_id(obj)
    try:
        parsed = _parse(obj)
        if parsed is not None:
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
    raise UnreadableConversation(
        "it holds no messages (neither a ChatGPT mapping nor Claude chat_messages)",
        conversation_id,
    )
