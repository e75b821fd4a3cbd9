"""ChatGPT: a conversation object of `conversations.json` read once, into its tree, its
current path, each message's blocks (../shared/EXPORT_FORMATS.md), whether the app hides
the message, and the files it points at."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

import orjson

from desktop_importer.vendors.blocks import plain_text, unread
from desktop_importer.vendors.chatgpt.content import (
    ADDS_BLOCKS,
    instructions_of,
    message_blocks,
    parts_text,
)
from desktop_importer.vendors.chatgpt.content import blocks as blocks
from desktop_importer.vendors.chatgpt.pointers import export_pointers as export_pointers
from desktop_importer.vendors.chatgpt.pointers import message_objects as message_objects
from desktop_importer.vendors.chatgpt.pointers import message_pointers as message_pointers
from desktop_importer.vendors.parsed import (
    ParsedConversation,
    ParsedMessage,
    UnreadableConversation,
    original_json,
    vendor_flags,
)
from desktop_importer.vendors.tree import current_path, mapping_tree
from desktop_importer.vendors.values import as_dict, as_text

if TYPE_CHECKING:
    from collections.abc import Mapping

NAME = "chatgpt"


def looks_like(obj: Mapping[str, Any]) -> bool:
    return "mapping" in obj


def model_of(conversation: Mapping[str, Any]) -> str | None:
    model = conversation.get("default_model_slug") or conversation.get("model")
    return model if isinstance(model, str) and model else None


def url_of(conversation: Mapping[str, Any]) -> str | None:
    cid = as_text(conversation.get("conversation_id")) or as_text(conversation.get("id"))
    return f"https://chatgpt.com/c/{cid}" if cid else None


def has_hidden_blocks(content_type: str | None) -> bool:
    """None: what ChatGPT hides is a whole message (is_hidden)."""
    return False


def _number(value: Any) -> float | None:
    if type(value) is float:  # nearly always; the checks below are for the rest
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


# -- a conversation -----------------------------------------------------------------------


def _create_time(message: Mapping[str, Any]) -> float | None:
    return _number(message.get("create_time"))


def parse(obj: Mapping[str, Any]) -> ParsedConversation:
    conversation_id = as_text(obj.get("id")) or as_text(obj.get("conversation_id"))
    if not conversation_id:
        raise UnreadableConversation("it has no conversation id")
    mapping = obj.get("mapping")
    if not isinstance(mapping, dict):
        raise UnreadableConversation("its message tree (mapping) is missing", conversation_id)

    order, parents, times, nodes = mapping_tree(mapping, _create_time)
    if not order:
        raise UnreadableConversation("its message tree is empty", conversation_id)

    current_node = as_text(obj.get("current_node"))
    on_path = {
        node: index for index, node in enumerate(current_path(order, parents, times, current_node))
    }
    unread_kinds: Counter[str] = Counter()
    raw_json, content_hash = original_json(obj)
    messages = [
        _message(position, key, nodes[key], parents[key], on_path.get(key), unread_kinds)
        for position, key in enumerate(order)
    ]
    return ParsedConversation(
        conversation_id=conversation_id,
        vendor=NAME,
        title=as_text(obj.get("title")),
        create_time=_number(obj.get("create_time")),
        update_time=_number(obj.get("update_time")),
        current_node=current_node,
        messages=messages,
        raw_json=raw_json,
        content_hash=content_hash,
        unread_content=unread_kinds,
        flags=vendor_flags(obj),
        project=project_of(obj),
    )


PROJECT_PREFIX = "g-p-"  # a project's gizmo id (`gizmo_type` "snorlax"); a GPT's is g-<id>


def project_of(obj: Mapping[str, Any]) -> str | None:
    """The ChatGPT project a conversation belongs to (its id: the export has no names)."""
    for key in ("gizmo_id", "conversation_template_id"):
        value = obj.get(key)
        if isinstance(value, str) and value.startswith(PROJECT_PREFIX) and len(value) <= 200:
            return value
    return None


def _message(
    position: int,
    node_id: str,
    node: Mapping[str, Any],
    parent_id: str | None,
    path_index: int | None,
    unread_kinds: Counter[str],
) -> ParsedMessage:
    message = node.get("message")
    if not isinstance(message, dict):
        return ParsedMessage(
            node_id, parent_id, position, path_index, None, None, None, "", None, True
        )
    author = as_dict(message.get("author"))
    metadata = as_dict(message.get("metadata"))
    content = as_dict(message.get("content"))
    role = as_text(author.get("role"))
    content_type = as_text(content.get("content_type"))
    raw_content: str | None = None
    if content_type == "text" and role != "system" and ADDS_BLOCKS.isdisjoint(metadata):
        text = parts_text(content)  # most messages: `blocks` would give one text block
    else:
        found = message_blocks(message, content, content_type or "(none)", metadata, role)
        text = plain_text(found)
        if unknown := unread(found):
            unread_kinds.update(b.text for b in unknown)
            raw_content = orjson.dumps(content).decode()
    return ParsedMessage(  # positionally: one of these per message
        node_id,
        parent_id,
        position,
        path_index,
        role,
        as_text(author.get("name")),
        content_type,
        text,
        _number(message.get("create_time")),
        is_hidden(message, role, metadata, content_type),
        raw_content,
    )


# Browsing-status messages the ChatGPT UI shows only as a passing "Searching…" line.
STATUS_NOISE = frozenset({"tether_browsing_display"})


def is_hidden(
    message: Mapping[str, Any] | None,
    role: str | None,
    metadata: Mapping[str, Any],
    content_type: str | None = None,
) -> bool:
    """What the ChatGPT UI does not show: the null root, system messages other than custom
    instructions, messages marked visually hidden, assistant calls into tools,
    browsing-status noise, and a tool's messages unless they carry what the app displays.

    The one rule of what is shown: the reader, `show`, the hidden count, search and every
    export read it from the stored `hidden` flag. A tool's message is judged by its content,
    never by the tool's name (the newer image tool's author name is an opaque id): an image
    or a file it returns (DALL-E, image generation, a Code Interpreter chart) is shown."""
    if message is None or content_type in STATUS_NOISE:
        return True
    if metadata.get("is_visually_hidden_from_conversation"):
        return True
    if role == "system":
        return not (metadata.get("is_user_system_message") or instructions_of(metadata))
    if role == "tool":
        return not message_pointers(message)
    recipient = message.get("recipient")
    return role == "assistant" and isinstance(recipient, str) and recipient != "all"
