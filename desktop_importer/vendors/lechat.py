"""Mistral Le Chat: one `chat-<id>.json` file per conversation, a bare array of messages in
no order (../shared/EXPORT_FORMATS.md, "Mistral Le Chat"), read once into one branch in
time order and each message's blocks.

The reading process hands each file over wrapped as `{chatId, le_chat_messages: [...]}`
(WRAPPED): the array is the vendor's own object, and the JSON export writes it back as it
was. There is no title (the first request is one), no model, and no sign of branches
(`version` was 0 throughout real files). An answer is in `content` and again in its
`contentChunks`: the chunks are read, where there are any, so it is shown once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from desktop_importer.basics import media
from desktop_importer.vendors.blocks import Block, BlockKind, plain_text, raw, unread
from desktop_importer.vendors.parsed import (
    ParsedConversation,
    ParsedMessage,
    UnreadableConversation,
    original_json,
)
from desktop_importer.vendors.timestamps import iso_seconds
from desktop_importer.vendors.values import as_dict, as_list, as_text

NAME = "lechat"
WRAPPED = "le_chat_messages"  # the key the reading process puts a file's array under
TITLE_CHARACTERS = 80


# What the reading process hands over for a chat file nested past the JSON parser's limit:
# it costs that conversation, as a conversation nested too deeply in any export does.
NESTED_TOO_DEEPLY = "nested too deeply"


def looks_like(obj: Mapping[str, Any]) -> bool:
    return WRAPPED in obj


def has_hidden_blocks(content_type: str | None) -> bool:
    return False


def wrap(chat_id: str | None, messages: Any) -> dict[str, Any]:
    """A chat file's array as one conversation object (its id from the messages, else from
    the file's name)."""
    found = next(
        (m["chatId"] for m in as_list(messages) if isinstance(m, dict)
         and isinstance(m.get("chatId"), str) and m["chatId"]),
        chat_id,
    )  # fmt: skip
    return {"chatId": found, WRAPPED: messages}


def unwrapped(conversation: Mapping[str, Any]) -> Any:
    """The file's array as Le Chat wrote it (what the JSON export writes)."""
    return conversation.get(WRAPPED)


def messages_of(conversation: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [m for m in as_list(conversation.get(WRAPPED)) if isinstance(m, dict)]


def node_id_of(message: Mapping[str, Any], index: int) -> str:
    return as_text(message.get("id")) or f"message-{index}"


def message_objects(conversation: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    found: dict[str, Mapping[str, Any]] = {}
    chat_id = as_text(conversation.get("chatId")) or ""
    for index, message in enumerate(messages_of(conversation)):
        found.setdefault(node_id_of(message, index), {**message, CHAT: chat_id})
    return found


CHAT = "desktop_importer_chat"  # the chat's id, beside a message object handed to blocks()


# -- files --------------------------------------------------------------------------------


def file_pointer(chat_id: str, name: str) -> str:
    """A file the person gave, as the export keeps it: `chat-<chat id>-files/<name>`. The
    pointer names its folder and its base name (never a path to write)."""
    return f"chat-{chat_id}-files{media.PLACE}{media.base_name(name)}"


def _files(message: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [f for f in as_list(message.get("files")) if isinstance(f, dict)]


def message_pointers(message: Mapping[str, Any]) -> list[str]:
    chat_id = as_text(message.get(CHAT)) or as_text(message.get("chatId")) or ""
    return [
        file_pointer(chat_id, name) for f in _files(message) if (name := as_text(f.get("name")))
    ]


def export_pointers(conversation: Mapping[str, Any]) -> set[str]:
    if not any(m.get("files") for m in messages_of(conversation)):  # most chats: none
        return set()
    return {p for m in message_objects(conversation).values() for p in message_pointers(m)}


# -- a message's blocks -------------------------------------------------------------------


def _chunks(message: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [c for c in as_list(message.get("contentChunks")) if isinstance(c, dict)]


def _sources(chunks: list[Mapping[str, Any]]) -> dict[int, Mapping[str, Any]]:
    """The pages the message's tool calls returned, by their reference number (1, 2… in
    their order where a page has none)."""
    pages: dict[int, Mapping[str, Any]] = {}
    for chunk in chunks:
        if chunk.get("type") != "tool_call":
            continue
        result = chunk.get("publicResult")
        items = as_list(as_dict(result).get("results") or as_dict(result).get("sources") or result)
        for item in items:
            if isinstance(item, dict) and isinstance(item.get("url"), str):
                key = item.get("id") if isinstance(item.get("id"), int) else None
                pages.setdefault(key if key is not None else len(pages) + 1, item)
    return pages


def _chunk(chunk: Mapping[str, Any], pages: Mapping[int, Mapping[str, Any]]) -> list[Block]:
    kind = as_text(chunk.get("type")) or "(none)"
    if kind == "text":
        words = as_text(chunk.get("text")) or ""
        reasoning = as_dict(chunk.get("_context")).get("type") == "reasoning"
        return [Block("thoughts" if reasoning else "text", text=words)]
    if kind == "tool_call":
        arguments = chunk.get("publicArguments")
        shown = arguments if isinstance(arguments, str) else raw(arguments) if arguments else ""
        return [Block("tool_call", name=as_text(chunk.get("name")) or "tool", text=shown)]
    if kind == "reference":
        found = []
        for number in as_list(chunk.get("referenceIds")):
            page = pages.get(number) if isinstance(number, int) else None
            if page is not None:
                words = as_text(page.get("description")) or as_text(page.get("snippet")) or ""
                title, url = as_text(page.get("title")), as_text(page.get("url"))
                found.append(Block("citation", title=title, url=url, text=words))
        return found
    if kind == "image_url":
        url = as_text(chunk.get("imageUrl")) or as_text(as_dict(chunk.get("image_url")).get("url"))
        name = media.base_name(url or "") or "image"
        return [Block("image", name=f"{name} (kept on Mistral's servers)", pointer=REMOTE + name)]
    return [Block("unknown", text=kind, raw=raw(chunk))]


REMOTE = "lechat-remote:"  # an image Le Chat made, which its export does not hold


def _canvas(item: Any) -> Block:
    if not isinstance(item, dict):
        return Block("unknown", text="canvas", raw=raw(item))
    title = as_text(item.get("title")) or "Untitled canvas"
    kind = (as_text(item.get("type")) or as_text(item.get("language")) or "").lower()
    form = "document" if kind in ("", "markdown", "text", "text/markdown") else f"code/{kind}"
    text = as_text(item.get("content")) or as_text(item.get("code")) or ""
    return Block("canvas", title=title, language=form, text=text)


def blocks(message: Mapping[str, Any]) -> list[Block]:
    """A message's blocks: its reasoning (folded), its tool calls (folded), its text once,
    the pages it cites, its canvases, what it quotes, its files."""
    chunks = _chunks(message)
    pages = _sources(chunks)
    made: list[Block] = [b for chunk in chunks for b in _chunk(chunk, pages)]
    if not any(b.kind == "text" and b.text for b in made):  # a person's turn: no chunks
        content = as_text(message.get("content"))
        if content:
            at = next((i for i, b in enumerate(made) if b.kind != "thoughts"), len(made))
            made.insert(at, Block("text", text=content))
    made += [_canvas(item) for item in as_list(message.get("canvas"))]
    for quote in as_list(message.get("quotes")):
        words = quote if isinstance(quote, str) else as_text(as_dict(quote).get("text"))
        if words:
            made.append(Block("quote", text=words))
    chat_id = as_text(message.get(CHAT)) or as_text(message.get("chatId")) or ""
    for file in _files(message):
        if name := as_text(file.get("name")):
            image = file.get("type") == "image" or media.image_name(name)
            kind: BlockKind = "image" if image else "file"
            made.append(
                Block(kind, name=media.base_name(name), pointer=file_pointer(chat_id, name))
            )
    return [b for b in made if b.kind != "text" or b.text]


# -- the conversation ---------------------------------------------------------------------


def model_of(conversation: Mapping[str, Any]) -> str | None:
    return None  # Le Chat's export names no model


def url_of(conversation: Mapping[str, Any]) -> str | None:
    chat_id = as_text(conversation.get("chatId"))
    return f"https://chat.mistral.ai/chat/{chat_id}" if chat_id else None


def _title(messages: list[tuple[str, Mapping[str, Any]]]) -> str | None:
    """The first request, on one line, cut at a word."""
    for _, message in messages:
        if message.get("role") == "user" and (text := as_text(message.get("content"))):
            line = " ".join(text.split())
            if len(line) <= TITLE_CHARACTERS:
                return line
            return line[:TITLE_CHARACTERS].rsplit(" ", 1)[0].rstrip(",.;:") + "…"
    return None


def parse(obj: Mapping[str, Any]) -> ParsedConversation:
    conversation_id = as_text(obj.get("chatId"))
    if not conversation_id:
        raise UnreadableConversation("it has no chat id")
    if obj.get(WRAPPED) == NESTED_TOO_DEEPLY:
        raise UnreadableConversation(
            "it is nested deeper than the JSON parser's limit", conversation_id
        )
    listed = messages_of(obj)
    if not listed:
        raise UnreadableConversation("it has no messages", conversation_id)
    seen: dict[str, Mapping[str, Any]] = {}
    for index, message in enumerate(listed):
        seen.setdefault(node_id_of(message, index), message)
    times = {n: iso_seconds(m.get("createdAt"), naive_utc=True) for n, m in seen.items()}
    place = {n: i for i, n in enumerate(seen)}
    # The file holds them in no order: by time, ties (and untimed ones) as the file has them.
    ordered = sorted(
        seen.items(),
        key=lambda item: (times[item[0]] is None, times[item[0]] or 0.0, place[item[0]]),
    )
    unread_kinds: Counter[str] = Counter()
    raw_json, content_hash = original_json(obj)
    messages: list[ParsedMessage] = []
    previous: str | None = None
    for position, (node_id, message) in enumerate(ordered):
        found = blocks({**message, CHAT: conversation_id})
        if unknown := unread(found):
            unread_kinds.update(b.text for b in unknown)
        role = as_text(message.get("role")) or "unknown"
        messages.append(
            ParsedMessage(
                node_id,
                previous,
                position,
                position,
                role if role in ("user", "assistant", "system") else role.lower() or "unknown",
                None,
                "+".join(dict.fromkeys(b.kind for b in found)) or "text",
                plain_text(found),
                times[node_id],
                False,
                f"[{','.join(b.raw or 'null' for b in unknown)}]" if unknown else None,
            )
        )
        previous = node_id
    stamps = [t for t in times.values() if t is not None]
    return ParsedConversation(
        conversation_id=conversation_id,
        vendor=NAME,
        title=_title(ordered),
        create_time=min(stamps) if stamps else None,
        update_time=max(stamps) if stamps else None,
        current_node=previous,
        messages=messages,
        raw_json=raw_json,
        content_hash=content_hash,
        unread_content=unread_kinds,
    )
