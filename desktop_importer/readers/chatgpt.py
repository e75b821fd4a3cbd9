"""A ChatGPT conversation object to a ParsedConversation: its tree, its current path, the
readable text of each message and whether the ChatGPT UI hides it."""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING, Any

import orjson

from desktop_importer import media
from desktop_importer.domain import (
    ParsedConversation,
    ParsedMessage,
    UnreadableConversation,
    original_json,
    vendor_flags,
)
from desktop_importer.markdown import escape_markdown
from desktop_importer.readers.tree import current_path
from desktop_importer.readers.values import as_dict as _dict
from desktop_importer.readers.values import as_text as _text

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

VENDOR = "chatgpt"


def looks_like(obj: Mapping[str, Any]) -> bool:
    return "mapping" in obj


def _number(value: Any) -> float | None:
    if type(value) is float:  # nearly always; the checks below are for the rest
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _parts_text(content: Mapping[str, Any]) -> str:
    parts = content.get("parts")
    if not isinstance(parts, list):
        return ""
    return "\n".join(part for part in parts if isinstance(part, str))


def _asset_placeholder(part: Mapping[str, Any]) -> str:
    kind = str(part.get("content_type") or "attachment").removesuffix("_asset_pointer")
    kind = kind.replace("_", " ")
    pointer = part.get("asset_pointer")
    return f"[{kind}: {pointer}]" if isinstance(pointer, str) else f"[{kind}]"


def _multimodal_text(content: Mapping[str, Any]) -> str:
    parts = content.get("parts")
    if not isinstance(parts, list):
        return ""
    pieces: list[str] = []
    for part in parts:
        if isinstance(part, str):
            if part:
                pieces.append(part)
        elif isinstance(part, dict):
            if isinstance(part.get("text"), str) and part.get("text"):
                pieces.append(part["text"])
            else:
                pieces.append(_asset_placeholder(part))
    return "\n".join(pieces)


def unsupported(kind: str) -> str:
    """What is shown for content this version cannot read; the content itself is kept raw."""
    return f"[unsupported content: {kind}]"


def _join(*pieces: Any) -> str:
    return "\n".join(p for p in pieces if isinstance(p, str) and p)


def _code(content: Mapping[str, Any]) -> str:
    code = _text(content.get("text")) or ""
    language = _text(content.get("language"))
    if language and language != "unknown":
        return f"```{language}\n{code}\n```"
    return code


def _thoughts(content: Mapping[str, Any]) -> str:
    thoughts = content.get("thoughts")
    if not isinstance(thoughts, list):
        return ""
    return "\n\n".join(
        _join(t.get("summary"), t.get("content")) for t in thoughts if isinstance(t, dict)
    )


def _quote(content: Mapping[str, Any]) -> str:
    quoted = "\n".join(f"> {line}" for line in (_text(content.get("text")) or "").splitlines())
    source = _join(content.get("title"), content.get("url"))
    return _join(quoted, f"— {source.replace(chr(10), ', ')}" if source else None)


def _webpage(content: Mapping[str, Any]) -> str:
    return _join(
        content.get("title"), content.get("url"), content.get("text") or content.get("snippet")
    )


def custom_instructions(content: Mapping[str, Any]) -> str:
    """The words of custom instructions (the reader's text, and the view's block)."""
    profile = _text(content.get("user_profile"))
    instructions = _text(content.get("user_instructions"))
    sections = [
        f"About me:\n{profile}" if profile else None,
        f"How to respond:\n{instructions}" if instructions else None,
    ]
    return "\n\n".join(s for s in sections if s)


def _system_error(content: Mapping[str, Any]) -> str:
    name, text = _text(content.get("name")), _text(content.get("text"))
    return f"{name}: {text}" if name and text else (text or name or "")


# Where the readable text of each content type is (../shared/EXPORT_FORMATS.md).
EXTRACTORS: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "text": _parts_text,
    "multimodal_text": _multimodal_text,
    "code": _code,
    "execution_output": lambda c: _text(c.get("text")) or "",
    "thoughts": _thoughts,
    "reasoning_recap": lambda c: _text(c.get("content")) or "",
    "tether_quote": _quote,
    "tether_browsing_display": lambda c: _join(c.get("summary"), c.get("result")),
    "sonic_webpage": _webpage,
    "user_editable_context": custom_instructions,
    "system_error": _system_error,
}

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
        return not media.message_pointers(message)
    recipient = message.get("recipient")
    return role == "assistant" and isinstance(recipient, str) and recipient != "all"


def instructions_of(metadata: Mapping[str, Any]) -> str:
    """Custom instructions as 2023 exports kept them: in the system message's
    `metadata.user_context_message_data`, its text parts empty."""
    data = _dict(metadata.get("user_context_message_data"))
    return custom_instructions(
        {
            "user_profile": data.get("about_user_message"),
            "user_instructions": data.get("about_model_message"),
        }
    )


# A citation marker in an answer's text: `【11:0†source】` (file search, 2023-2024), or the
# newer private-use form `\ue200cite\ue202turn0search3\ue201`.
_MARKER = re.compile("【[^】]{1,80}】|\ue200[^\ue200\ue201]{0,200}\ue201")


def _source_words(source: Mapping[str, Any]) -> str:
    """A citation's source as inert Markdown: a web page as a link, a file by its name."""
    items = [i for i in source.get("items") or () if isinstance(i, dict)]
    first = items[0] if items else source
    meta = _dict(first.get("metadata")) or first
    name = _text(meta.get("title")) or _text(meta.get("name")) or _text(source.get("name"))
    url = _text(meta.get("url")) or _text(source.get("url"))
    words = " ".join((name or url or "").split())
    if not words:
        return ""
    escaped = escape_markdown(words)
    if url and url.startswith(("http://", "https://")) and not any(c in url for c in " <>"):
        return f" ([{escaped}](<{url}>))"
    return f" ({escaped})"


def resolve_citations(text: str, metadata: Mapping[str, Any]) -> str:
    """The answer's citation markers replaced by the sources they stand for (a file's name,
    a page's title and link), as the app shows them as chips; markers nothing maps are
    dropped when they are the private-use kind (they show as nothing in the app)."""
    if "【" not in text and "\ue200" not in text:
        return text
    sources: dict[str, str] = {}
    for reference in metadata.get("content_references") or ():
        if isinstance(reference, dict) and isinstance(reference.get("matched_text"), str):
            sources.setdefault(reference["matched_text"], _source_words(reference))
    for citation in metadata.get("citations") or ():
        if not isinstance(citation, dict):
            continue
        start, end = citation.get("start_ix"), citation.get("end_ix")
        if isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text):
            sources.setdefault(text[start:end], _source_words(_dict(citation.get("metadata"))))

    def replace(match: re.Match[str]) -> str:
        found = sources.get(match.group())
        if found is not None:
            return found
        return "" if match.group().startswith("\ue200") else match.group()

    return _MARKER.sub(replace, text)


def parse(obj: Mapping[str, Any]) -> ParsedConversation:
    conversation_id = _text(obj.get("id")) or _text(obj.get("conversation_id"))
    if not conversation_id:
        raise UnreadableConversation("it has no conversation id")
    mapping = obj.get("mapping")
    if not isinstance(mapping, dict):
        raise UnreadableConversation("its message tree (mapping) is missing", conversation_id)

    order: list[str] = []
    parents: dict[str, str | None] = {}
    times: dict[str, float | None] = {}
    nodes: dict[str, Mapping[str, Any]] = {}
    for key, node in mapping.items():
        if not isinstance(node, dict) or key in parents:
            continue
        order.append(key)
        parent = node.get("parent")
        parents[key] = parent if isinstance(parent, str) and parent != key else None
        message = node.get("message")
        times[key] = _number(message.get("create_time")) if isinstance(message, dict) else None
        nodes[key] = node
    if not order:
        raise UnreadableConversation("its message tree is empty", conversation_id)

    current_node = _text(obj.get("current_node"))
    on_path = {
        node: index for index, node in enumerate(current_path(order, parents, times, current_node))
    }
    unread: Counter[str] = Counter()
    raw, content_hash = original_json(obj)
    messages = [
        _message(position, key, nodes[key], parents[key], on_path.get(key), unread)
        for position, key in enumerate(order)
    ]
    return ParsedConversation(
        conversation_id=conversation_id,
        vendor=VENDOR,
        title=_text(obj.get("title")),
        create_time=_number(obj.get("create_time")),
        update_time=_number(obj.get("update_time")),
        current_node=current_node,
        messages=messages,
        raw_json=raw,
        content_hash=content_hash,
        unread_content=unread,
        flags=vendor_flags(obj),
    )


def _message(
    position: int,
    node_id: str,
    node: Mapping[str, Any],
    parent_id: str | None,
    path_index: int | None,
    unread: Counter[str],
) -> ParsedMessage:
    message = node.get("message")
    if not isinstance(message, dict):
        return ParsedMessage(
            node_id, parent_id, position, path_index, None, None, None, "", None, True
        )
    author = _dict(message.get("author"))
    metadata = _dict(message.get("metadata"))
    content = _dict(message.get("content"))
    role = _text(author.get("role"))
    content_type = _text(content.get("content_type"))
    extractor = EXTRACTORS.get(content_type or "")
    raw_content: str | None = None
    if extractor is not None:
        text = extractor(content)
        if role == "system" and not text:
            text = instructions_of(metadata)
        elif metadata.get("content_references") or metadata.get("citations"):
            text = resolve_citations(text, metadata)
    else:
        text = unsupported(content_type or "(none)")
        raw_content = orjson.dumps(content).decode()
        unread[content_type or "(none)"] += 1
    return ParsedMessage(  # positionally: one of these per message
        node_id,
        parent_id,
        position,
        path_index,
        role,
        _text(author.get("name")),
        content_type,
        text,
        _number(message.get("create_time")),
        is_hidden(message, role, metadata, content_type),
        raw_content,
    )
