"""Export readers: from a ZIP or JSON file to parsed conversations, one at a time."""

from __future__ import annotations

import logging
from typing import Any

from desktop_importer.domain import ParsedConversation, UnreadableConversation
from desktop_importer.readers import chatgpt, claude

log = logging.getLogger(__name__)


def _any_id(obj: dict[str, Any]) -> str | None:
    for key in ("id", "conversation_id", "uuid"):
        value = obj.get(key)
        if isinstance(value, str) and value:
            return value
    return None


def parse_conversation(obj: Any) -> ParsedConversation:
    """Parse one conversation object of any supported vendor, or raise UnreadableConversation.

    A reader bug on strange data must cost one conversation, never the import: it is logged
    (without the conversation's text) and the conversation is skipped with a reason.
    """
    if not isinstance(obj, dict):
        raise UnreadableConversation(f"it is a JSON {type(obj).__name__}, not a conversation")
    conversation_id = _any_id(obj)
    try:
        if chatgpt.looks_like(obj):
            return chatgpt.parse(obj)
        if claude.looks_like(obj):
            return claude.parse(obj)
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
