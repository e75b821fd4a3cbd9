"""A Claude (claude.ai) conversation object to a ParsedConversation.

Messages form a tree through `parent_message_uuid` in newer exports; older ones are a plain
list, read as a single branch in file order.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import orjson

from desktop_importer import media
from desktop_importer.domain import (
    ParsedConversation,
    ParsedMessage,
    UnreadableConversation,
    original_json,
)
from desktop_importer.readers.chatgpt import unsupported
from desktop_importer.readers.tree import current_path
from desktop_importer.readers.values import as_text as _text

VENDOR = "claude"
ROLES = {"human": "user", "assistant": "assistant"}


def looks_like(obj: Mapping[str, Any]) -> bool:
    return isinstance(obj.get("chat_messages"), list)


def timestamp(value: Any) -> float | None:
    """Unix seconds from an ISO 8601 string, or None for anything else."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment.timestamp() if moment.tzinfo else None


def result_text(content: Any) -> str:
    """A tool result's text: a string, or the text blocks of a list."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "\n".join(
            b["text"] for b in content if isinstance(b, dict) and isinstance(b.get("text"), str)
        )
    return ""


def _block_text(block: Mapping[str, Any]) -> str | None:
    """The readable text of one content block, or None for a type we cannot read."""
    kind = block.get("type")
    if kind == "text":
        return _text(block.get("text")) or ""
    if kind == "thinking":
        return f"[thinking]\n{_text(block.get('thinking')) or ''}"
    if kind == "tool_use":
        arguments = orjson.dumps(block.get("input")).decode() if "input" in block else ""
        return f"[tool call: {_text(block.get('name')) or 'tool'}]\n{arguments}".rstrip()
    if kind == "tool_result":
        return f"[tool result]\n{result_text(block.get('content'))}".rstrip()
    return None


def _message_text(message: Mapping[str, Any], unread: Counter[str]) -> tuple[str, str, str | None]:
    """(text, content type, raw content kept unread) of one chat message."""
    blocks = [b for b in message.get("content") or [] if isinstance(b, dict)]
    pieces: list[str] = []
    kinds: list[str] = []
    kept: list[Any] = []
    for block in blocks:
        kind = _text(block.get("type")) or "(none)"
        text = _block_text(block)
        if text is None:
            unread[kind] += 1
            kept.append(block)
            pieces.append(unsupported(kind))
        elif text:
            pieces.append(text)
        if kind not in kinds:
            kinds.append(kind)
    if not blocks:
        pieces.append(_text(message.get("text")) or "")
    attachments, files = claude_files(message)
    for attachment, name in attachments:
        extracted = _text(attachment.get("extracted_content")) or ""
        pieces.append(f"[attachment{': ' + name if name else ''}]\n{extracted}".rstrip())
    for file in files:
        name = _text(file.get("file_name"))
        pieces.append(f"[file{': ' + name if name else ''}]")
    content_type = "+".join(kinds) if kinds and kinds != ["text"] else "text"
    raw = orjson.dumps(kept).decode() if kept else None
    return "\n\n".join(p for p in pieces if p), content_type, raw


def claude_files(
    message: Mapping[str, Any],
) -> tuple[list[tuple[Mapping[str, Any], str | None]], list[Mapping[str, Any]]]:
    """A message's attachments (each with its name, None where the export has none) and
    the files it names that no attachment already shows.

    Claude lists a pasted text twice: as an attachment carrying the text (often without a
    name) and as a file (`pasted_text_….txt`). A file named like an attachment is that
    attachment; a nameless attachment is the next file that is not an image. What is left
    (screenshots, mostly) is a file the export leaves out."""
    attachments = [a for a in message.get("attachments") or [] if isinstance(a, dict)]
    files: list[Mapping[str, Any]] = [f for f in message.get("files") or [] if isinstance(f, dict)]
    names = {_text(a.get("file_name")) for a in attachments} - {None, ""}
    files = [f for f in files if _text(f.get("file_name")) not in names]
    named: list[tuple[Mapping[str, Any], str | None]] = []
    for attachment in attachments:
        name = _text(attachment.get("file_name")) or None
        if name is None:
            paired = next((f for f in files if not _is_image(f)), None)
            if paired is not None:
                files.remove(paired)
                name = _text(paired.get("file_name")) or None
        named.append((attachment, name))
    return named, files


def _is_image(file: Mapping[str, Any]) -> bool:
    return file.get("file_kind") == "image" or media.image_name(_text(file.get("file_name")))


def claude_pointer(file: Mapping[str, Any]) -> str:
    """What a Claude message points at for a file its export leaves out (Claude exports
    hold no file bytes): its uuid, else its name."""
    return "claude-file:" + (
        _text(file.get("file_uuid"))
        or _text(file.get("uuid"))
        or _text(file.get("file_name"))
        or "?"
    )


def file_pointers(obj: Mapping[str, Any]) -> set[str]:
    """Every file a conversation's messages name that the export does not hold (counted as
    missing in the report)."""
    return {
        claude_pointer(file) for message in chat_messages(obj) for file in claude_files(message)[1]
    }


def chat_messages(obj: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """A conversation's messages, as the tree is built from them (dicts only)."""
    return [m for m in obj.get("chat_messages") or [] if isinstance(m, dict)]


def node_id_of(conversation_id: str, message: Mapping[str, Any], index: int) -> str:
    """A message's node id: its uuid, or its place among chat_messages() without one."""
    return _text(message.get("uuid")) or f"{conversation_id}-message-{index}"


def parse(obj: Mapping[str, Any]) -> ParsedConversation:
    conversation_id = _text(obj.get("uuid"))
    if not conversation_id:
        raise UnreadableConversation("it has no conversation id")
    chat = chat_messages(obj)
    if not chat:
        raise UnreadableConversation("it has no messages", conversation_id)

    order: list[str] = []
    parents: dict[str, str | None] = {}
    times: dict[str, float | None] = {}
    by_id: dict[str, Mapping[str, Any]] = {}
    branched = any("parent_message_uuid" in m for m in chat)
    previous: str | None = None
    for index, message in enumerate(chat):
        node_id = node_id_of(conversation_id, message, index)
        if node_id in by_id:
            continue
        parent = _text(message.get("parent_message_uuid")) if branched else previous
        order.append(node_id)
        parents[node_id] = parent if parent != node_id else None
        times[node_id] = timestamp(message.get("created_at"))
        by_id[node_id] = message
        previous = node_id

    if branched and len(order) > 1 and not any(p in by_id for p in parents.values()):
        # Every turn hangs from the root (the links are broken): not one branch per turn,
        # but one conversation in time order, as exports without links are read.
        ordered = sorted(order, key=lambda n: (times[n] is None, times[n] or 0.0))
        parents = dict(zip(ordered, [None, *ordered[:-1]], strict=True))
    current = _text(obj.get("current_leaf_message_uuid"))
    on_path = {n: i for i, n in enumerate(current_path(order, parents, times, current))}
    unread: Counter[str] = Counter()
    raw, content_hash = original_json(obj)
    messages: list[ParsedMessage] = []
    for position, node_id in enumerate(order):
        chat_message = by_id[node_id]
        text, content_type, raw_content = _message_text(chat_message, unread)
        sender = _text(chat_message.get("sender"))
        messages.append(
            ParsedMessage(
                node_id=node_id,
                parent_id=parents[node_id] if parents[node_id] in by_id else None,
                position=position,
                path_index=on_path.get(node_id),
                role=ROLES.get(sender or "", sender or "unknown"),
                author_name=None,
                content_type=content_type,
                text=text,
                create_time=times[node_id],
                hidden=False,
                raw_content=raw_content,
            )
        )
    return ParsedConversation(
        conversation_id=conversation_id,
        vendor=VENDOR,
        title=_text(obj.get("name")),
        create_time=timestamp(obj.get("created_at")),
        update_time=timestamp(obj.get("updated_at")),
        current_node=current,
        messages=messages,
        raw_json=raw,
        content_hash=content_hash,
        unread_content=unread,
        account=_text((obj.get("account") or {}).get("uuid"))
        if isinstance(obj.get("account"), dict)
        else None,
    )
