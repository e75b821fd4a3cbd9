"""Claude (claude.ai): a conversation object read once, into its tree, its current path and
each message's blocks.

Messages form a tree through `parent_message_uuid` in newer exports; older ones are a plain
list, read as a single branch in file order.

Since mid-2026 (../shared/EXPORT_FORMATS.md, "Claude since mid-2026"): `content` may arrive
as a JSON string, and is decoded; where it holds blocks, `text` (sometimes a placeholder,
"This block is not supported on your current device yet.") is not read; an
`injected_prompt_block` is context the app added to the turn (the date, a memory
snapshot), hidden as the app hides it; `image` and `document` blocks name files the
export leaves out.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

import orjson

from desktop_importer.basics import media
from desktop_importer.vendors.blocks import Block, BlockKind, plain_text, raw, unread
from desktop_importer.vendors.parsed import (
    ParsedConversation,
    ParsedMessage,
    UnreadableConversation,
    original_json,
)
from desktop_importer.vendors.timestamps import iso_seconds
from desktop_importer.vendors.tree import current_path
from desktop_importer.vendors.values import as_int, as_list
from desktop_importer.vendors.values import as_text as _text

NAME = "claude"
ROLES = {"human": "user", "assistant": "assistant"}


def looks_like(obj: Mapping[str, Any]) -> bool:
    return isinstance(obj.get("chat_messages"), list)


timestamp = iso_seconds  # Unix seconds from an ISO 8601 string with its offset, else None


def model_of(conversation: Mapping[str, Any]) -> str | None:
    model = conversation.get("model")
    return model if isinstance(model, str) and model else None


def url_of(conversation: Mapping[str, Any]) -> str | None:
    uuid = _text(conversation.get("uuid"))
    return f"https://claude.ai/chat/{uuid}" if uuid else None


def result_text(content: Any) -> str:
    """A tool result's text: a string, or the text blocks of a list."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "\n".join(
            b["text"] for b in content if isinstance(b, dict) and isinstance(b.get("text"), str)
        )
    return ""


def _block(block: Mapping[str, Any]) -> Block:
    kind = _text(block.get("type")) or "(none)"
    if kind == "text":
        return Block("text", text=_text(block.get("text")) or "")
    if kind == "thinking":
        return Block("thoughts", text=_thinking(block))
    if (
        kind == "tool_use"
        and block.get("name") == "artifacts"
        and isinstance(block.get("input"), dict)
    ):
        return _artifact(block["input"])
    if kind == "tool_use":
        arguments = raw(block["input"]) if "input" in block else ""
        return Block(
            "tool_call", name=_text(block.get("name")) or "tool", text=arguments, language="json"
        )
    if kind == "tool_result":
        return Block(
            "tool_output", name=_text(block.get("name")), text=result_text(block.get("content"))
        )
    if kind == INJECTED:
        return Block("injected", text=_text(block.get("prompt")) or "", title=_source(block))
    if (pointer := _file_pointer(block)) is not None:
        name = _text(block.get("title")) or _text(block.get("file_name")) or None
        return Block("image" if kind == "image" else "file", name=name, pointer=pointer)
    return Block("unknown", text=kind, raw=raw(block))


# The app's bookkeeping inside a message, which it never shows: not content, not "unread".
MACHINERY = frozenset({"token_budget", "flag"})
INJECTED = "injected_prompt_block"
# An artifact's type, as the reader's document block names its form ("document" is
# Markdown; "code/<language>" is shown as code, never run or rendered).
ARTIFACT_FORMS = {
    "text/markdown": "document",
    "text/html": "code/html",
    "image/svg+xml": "code/xml",
    "application/vnd.ant.react": "code/jsx",
    "application/vnd.ant.mermaid": "code/mermaid",
}


def _thinking(block: Mapping[str, Any]) -> str:
    """A thought's text; where the export holds only its summaries, those (the app shows
    them); marked where it was cut off."""
    words = _text(block.get("thinking")) or "\n\n".join(
        summary
        for item in as_list(block.get("summaries"))
        if isinstance(item, dict) and (summary := _text(item.get("summary")))
    )
    cut = block.get("cut_off") or block.get("truncated")
    return f"{words}\n\n(cut off)" if cut and words else words


def _artifact(call: Mapping[str, Any]) -> Block:
    """An artifact the answer made (a document, code, a page), as the app shows it beside the
    answer: the document whole, or an edit to it as text. Never run, never rendered."""
    title = _text(call.get("title")) or "Untitled artifact"
    if _text(call.get("command")) == "update":
        old, new = _text(call.get("old_str")) or "", _text(call.get("new_str")) or ""
        return Block("canvas_edit", title=title, text=f"Replace:\n{old}\nwith:\n{new}")
    kind = _text(call.get("type")) or ""
    language = _text(call.get("language"))
    # application/vnd.ant.code, and any type newer than this version: code in its language
    form = ARTIFACT_FORMS.get(kind, f"code/{language}" if language else "code/text")
    return Block("canvas", title=title, language=form, text=_text(call.get("content")) or "")


POINTER = "claude-file:"


def _file_pointer(block: Mapping[str, Any]) -> str | None:
    """What an `image` or `document` content block points at (a file the export leaves out)."""
    if block.get("type") in ("image", "document") and (uuid := _text(block.get("file_uuid"))):
        return POINTER + uuid
    return None


def _source(block: Mapping[str, Any]) -> str | None:
    """Where injected context came from ("memory", say), as words."""
    source = _text(block.get("injection_source"))
    return source.replace("_", " ") if source else None


def content_blocks(message: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """A message's `content` blocks; a JSON string of them is decoded."""
    content = message.get("content")
    if isinstance(content, str) and content.lstrip().startswith("["):
        try:
            content = orjson.loads(content)
        except orjson.JSONDecodeError:
            return []
    return [b for b in as_list(content) if isinstance(b, dict)]


def blocks(message: Mapping[str, Any]) -> list[Block]:
    """The blocks of one Claude chat message (an item of `chat_messages`). Injected
    context comes first: it was added before the turn, and never reads as part of it."""
    return _blocks(message, content_blocks(message))


def _blocks(message: Mapping[str, Any], content: list[Mapping[str, Any]]) -> list[Block]:
    found = [_block(b) for b in content if b.get("type") not in MACHINERY] or [
        Block("text", text=_text(message.get("text")) or "")
    ]
    if len(found) > 1 and any(b.kind == "injected" for b in found[1:]):
        found.sort(key=lambda b: b.kind != "injected")  # stable: the rest keep their order
    attachments, files = claude_files(message)
    for attachment, name in attachments:
        found.append(
            Block(
                "attachment",
                name=name,
                mime_type=_text(attachment.get("file_type")),
                size=as_int(attachment.get("file_size")),
                text=_text(attachment.get("extracted_content")) or "",
            )
        )
    if not files:  # nearly always
        return [b for b in found if b.kind != "text" or b.text]
    names = {claude_pointer(f): _text(f.get("file_name")) or None for f in files}
    shown = {b.pointer for b in found if b.pointer}
    found = [  # a content block's file named as the message's list of files names it
        b._replace(name=names.get(b.pointer)) if b.pointer and not b.name else b for b in found
    ]
    for file in files:
        if (pointer := claude_pointer(file)) not in shown:  # not already a content block
            kind: BlockKind = "image" if _is_image(file) else "file"
            found.append(Block(kind, name=names[pointer], pointer=pointer))
    return [b for b in found if b.kind != "text" or b.text]


def has_hidden_blocks(content_type: str | None) -> bool:
    """Whether a stored message (by its content type) holds blocks the app hides inside a
    shown message: injected context."""
    return content_type is not None and INJECTED in content_type


def _content_type(content: list[Mapping[str, Any]]) -> str:
    """The kinds of a message's content blocks, in order, joined by `+` ("text" alone)."""
    kinds: list[str] = []
    for block in content:
        kind = _text(block.get("type")) or "(none)"
        if kind not in kinds:
            kinds.append(kind)
    return "+".join(kinds) if kinds and kinds != ["text"] else "text"


def message_objects(conversation: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    """Each node id of a stored conversation's JSON to its message object (node ids as
    `parse` makes them)."""
    found: dict[str, Mapping[str, Any]] = {}
    cid = _text(conversation.get("uuid")) or ""
    for index, message in enumerate(chat_messages(conversation)):
        found.setdefault(node_id_of(cid, message, index), message)
    return found


def message_pointers(message: Mapping[str, Any]) -> list[str]:
    """None: a Claude export holds no file bytes (attachments carry their text)."""
    return []


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
    return POINTER + (
        _text(file.get("file_uuid"))
        or _text(file.get("uuid"))
        or _text(file.get("file_name"))
        or "?"
    )


def export_pointers(obj: Mapping[str, Any]) -> set[str]:
    """Every file a conversation's messages name: none of them is in the export (counted as
    missing in the report)."""
    found: set[str] = set()
    for message in chat_messages(obj):  # the pointers blocks() makes, without the blocks
        found.update(p for b in content_blocks(message) if (p := _file_pointer(b)) is not None)
        found.update(claude_pointer(file) for file in claude_files(message)[1])
    return found


def chat_messages(obj: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """A conversation's messages, as the tree is built from them (dicts only)."""
    return [m for m in obj.get("chat_messages") or [] if isinstance(m, dict)]


def node_id_of(conversation_id: str, message: Mapping[str, Any], index: int) -> str:
    """A message's node id: its uuid, or its place among chat_messages() without one."""
    return _text(message.get("uuid")) or f"{conversation_id}-message-{index}"


def parse(obj: Mapping[str, Any]) -> ParsedConversation:
    # Over 60 lines: the tree (links, or file order, or time order when every link is
    # broken) and its messages in one pass.
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
    unread_kinds: Counter[str] = Counter()
    raw_json, content_hash = original_json(obj)
    messages: list[ParsedMessage] = []
    for position, node_id in enumerate(order):
        chat_message = by_id[node_id]
        content = content_blocks(chat_message)
        found = _blocks(chat_message, content)
        unknown = unread(found)
        unread_kinds.update(b.text for b in unknown)
        sender = _text(chat_message.get("sender"))
        messages.append(
            ParsedMessage(
                node_id=node_id,
                parent_id=parents[node_id] if parents[node_id] in by_id else None,
                position=position,
                path_index=on_path.get(node_id),
                role=ROLES.get(sender or "", sender or "unknown"),
                author_name=None,
                content_type=_content_type(content),
                text=plain_text(found),
                create_time=times[node_id],
                # Injected context comes first: a message that starts otherwise is shown.
                hidden=found[0].kind == "injected" and all(b.kind == "injected" for b in found)
                if found
                else False,
                raw_content=f"[{','.join(b.raw or 'null' for b in unknown)}]" if unknown else None,
            )
        )
    return ParsedConversation(
        conversation_id=conversation_id,
        vendor=NAME,
        title=_text(obj.get("name")),
        create_time=timestamp(obj.get("created_at")),
        update_time=timestamp(obj.get("updated_at")),
        current_node=current,
        messages=messages,
        raw_json=raw_json,
        content_hash=content_hash,
        unread_content=unread_kinds,
        account=_text((obj.get("account") or {}).get("uuid"))
        if isinstance(obj.get("account"), dict)
        else None,
    )
