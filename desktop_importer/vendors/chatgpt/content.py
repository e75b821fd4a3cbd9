"""A ChatGPT message's blocks: each content type (../shared/EXPORT_FORMATS.md), the files
it carries, the citations its text refers to."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import orjson

from desktop_importer.basics.markdown import escape_markdown
from desktop_importer.vendors.blocks import Block, raw
from desktop_importer.vendors.chatgpt.pointers import execution_images
from desktop_importer.vendors.values import as_dict, as_int, as_list, as_text

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

# Metadata that adds blocks to a message or changes them (see `blocks`).
ADDS_BLOCKS = frozenset(
    ("content_references", "citations", "attachments", "aggregate_result", "image_gen_title")
)


# -- a message's blocks -------------------------------------------------------------------


def blocks(message: Mapping[str, Any]) -> list[Block]:
    """The blocks of one ChatGPT message object (`mapping[node]["message"]`)."""
    content = as_dict(message.get("content"))
    return message_blocks(
        message,
        content,
        as_text(content.get("content_type")) or "(none)",
        as_dict(message.get("metadata")),
        as_text(as_dict(message.get("author")).get("role")),
    )


def message_blocks(
    message: Mapping[str, Any],
    content: Mapping[str, Any],
    kind: str,
    metadata: Mapping[str, Any],
    role: str | None,
) -> list[Block]:
    if kind == "code":
        found = [_code(content, as_text(message.get("recipient")))]
    elif kind in _CONTENT:
        found = _CONTENT[kind](content)
    else:
        found = [Block("unknown", text=kind, raw=raw(content))]
    if role != "system" and ADDS_BLOCKS.isdisjoint(metadata):
        return [b for b in found if b.kind != "text" or b.text]
    if role == "system" and not any(b.text for b in found):
        instructions = instructions_of(metadata)
        found = [Block("instructions", text=instructions)] if instructions else found
    if metadata.get("content_references") or metadata.get("citations"):
        found = [
            b._replace(text=resolve_citations(b.text, metadata)) if b.kind == "text" else b
            for b in found
        ]
    caption = as_text(metadata.get("image_gen_title"))
    if caption:  # the newer image tool names its picture here, not beside it
        found = [b._replace(text=caption) if b.kind == "image" and not b.text else b for b in found]
    if "aggregate_result" in metadata:
        found += _produced_images(message)
    found += _attachments(metadata, found)
    for citation in as_list(metadata.get("citations")):
        meta = as_dict(as_dict(citation).get("metadata"))
        url = as_text(meta.get("url"))
        if url:
            found.append(Block("citation", title=as_text(meta.get("title")) or url, url=url))
    return [b for b in found if b.kind != "text" or b.text]


def parts_text(content: Mapping[str, Any]) -> str:
    parts = content.get("parts")
    if not isinstance(parts, list):
        return ""
    return "\n".join(part for part in parts if isinstance(part, str))


def _pointer_block(part: Mapping[str, Any]) -> Block | None:
    kind = as_text(part.get("content_type")) or ""
    if kind == "real_time_user_audio_video_asset_pointer":
        inner = as_dict(part.get("audio_asset_pointer"))
        return _pointer_block({**inner, "content_type": "audio_asset_pointer"}) if inner else None
    if kind == "image_asset_pointer":
        dalle = as_dict(as_dict(part.get("metadata")).get("dalle"))
        return Block(
            "image",
            text=as_text(dalle.get("prompt")) or "",
            pointer=as_text(part.get("asset_pointer")),
            size=as_int(part.get("size_bytes")),
            width=as_int(part.get("width")),
            height=as_int(part.get("height")),
        )
    if kind == "audio_asset_pointer":
        return Block(
            "audio",
            pointer=as_text(part.get("asset_pointer")),
            size=as_int(part.get("size_bytes")),
            mime_type=f"audio/{part['format']}" if isinstance(part.get("format"), str) else None,
        )
    if kind == "audio_transcription":
        return Block("text", text=as_text(part.get("text")) or "")
    return None


def _multimodal(content: Mapping[str, Any]) -> list[Block]:
    found: list[Block] = []
    for part in as_list(content.get("parts")):
        if isinstance(part, str):
            if part:
                found.append(Block("text", text=part))
        elif isinstance(part, dict):
            video = as_dict(part.get("video_container_asset_pointer"))
            if video.get("asset_pointer"):  # a live video call's recording, beside its audio
                found.append(
                    Block("file", name=None, pointer=as_text(video.get("asset_pointer")),
                          size=as_int(video.get("size_bytes")))
                )  # fmt: skip
            block = _pointer_block(part)
            if block is None and isinstance(part.get("text"), str):
                block = Block("text", text=part["text"])
            found.append(
                block
                or Block("unknown", text=as_text(part.get("content_type")) or "", raw=raw(part))
            )
    return found


def _canvas(recipient: str, code: str) -> Block | None:
    """A Canvas tool call: the document it creates, or its edits as text (regular
    expressions from the export are never run: a hostile pattern could hang the reader)."""
    try:
        call = orjson.loads(code)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(call, dict):
        return None
    if recipient.endswith("create_textdoc"):
        return Block(
            "canvas",
            title=as_text(call.get("name")) or "Untitled document",
            language=as_text(call.get("type")),
            text=as_text(call.get("content")) or "",
        )
    if recipient.endswith("update_textdoc"):
        edits = []
        for update in as_list(call.get("updates")):
            update = as_dict(update)
            every = " (every match)" if update.get("multiple") else ""
            edits.append(
                f"Replace /{as_text(update.get('pattern')) or ''}/{every} with:\n"
                f"{as_text(update.get('replacement')) or ''}"
            )
        return Block("canvas_edit", title="Edit to the document", text="\n\n".join(edits))
    return None


def _code(content: Mapping[str, Any], recipient: str | None) -> Block:
    code = as_text(content.get("text")) or ""
    if recipient and recipient.startswith("canmore."):
        canvas = _canvas(recipient, code)
        if canvas is not None:
            return canvas
    language = as_text(content.get("language"))
    if recipient and recipient != "all":
        return Block("tool_call", name=recipient, text=code, language=language)
    return Block("code", text=code, language=None if language == "unknown" else language)


def _thoughts(content: Mapping[str, Any]) -> list[Block]:
    pieces = []
    for thought in as_list(content.get("thoughts")):
        thought = as_dict(thought)
        summary, body = as_text(thought.get("summary")), as_text(thought.get("content"))
        pieces.append("\n".join(p for p in (f"**{summary}**" if summary else None, body) if p))
    return [Block("thoughts", text="\n\n".join(p for p in pieces if p))]


def custom_instructions(content: Mapping[str, Any]) -> str:
    """The words of custom instructions, as the app's settings name them."""
    profile = as_text(content.get("user_profile"))
    instructions = as_text(content.get("user_instructions"))
    sections = [
        f"About me:\n{profile}" if profile else None,
        f"How to respond:\n{instructions}" if instructions else None,
    ]
    return "\n\n".join(s for s in sections if s)


def instructions_of(metadata: Mapping[str, Any]) -> str:
    """Custom instructions as 2023 exports kept them: in the system message's
    `metadata.user_context_message_data`, its text parts empty."""
    data = as_dict(metadata.get("user_context_message_data"))
    return custom_instructions(
        {
            "user_profile": data.get("about_user_message"),
            "user_instructions": data.get("about_model_message"),
        }
    )


# Each content type's blocks (../shared/EXPORT_FORMATS.md); `code` depends on the recipient.
_CONTENT: dict[str, Callable[[Mapping[str, Any]], list[Block]]] = {
    "text": lambda c: [Block("text", text=parts_text(c))],
    "multimodal_text": _multimodal,
    "execution_output": lambda c: [Block("tool_output", text=as_text(c.get("text")) or "")],
    "thoughts": _thoughts,
    "reasoning_recap": lambda c: [Block("reasoning", text=as_text(c.get("content")) or "")],
    "tether_quote": lambda c: [
        Block(
            "quote",
            text=as_text(c.get("text")) or "",
            title=as_text(c.get("title")),
            url=as_text(c.get("url")),
        )
    ],
    "tether_browsing_display": lambda c: [
        Block("tool_output", title=as_text(c.get("summary")), text=as_text(c.get("result")) or "")
    ],
    "sonic_webpage": lambda c: [
        Block(
            "webpage",
            title=as_text(c.get("title")),
            url=as_text(c.get("url")),
            text=as_text(c.get("text")) or as_text(c.get("snippet")) or "",
        )
    ],
    "user_editable_context": lambda c: [Block("instructions", text=custom_instructions(c))],
    "system_error": lambda c: [
        Block("error", title=as_text(c.get("name")), text=as_text(c.get("text")) or "")
    ],
}


def _produced_images(message: Mapping[str, Any]) -> list[Block]:
    """The images a Code Interpreter run produced, after its output."""
    return [
        Block(
            "image",
            pointer=as_text(image.get("image_url")),
            width=as_int(image.get("width")),
            height=as_int(image.get("height")),
        )
        for image in execution_images(message)
    ]


def _attachments(metadata: Mapping[str, Any], shown: list[Block]) -> list[Block]:
    """The files a message carries, but for images one of its parts already shows."""
    found: list[Block] = []
    for attachment in as_list(metadata.get("attachments")):
        attachment = as_dict(attachment)
        mime = as_text(attachment.get("mime_type"))
        pointer = as_text(attachment.get("id"))
        is_image = bool(mime and mime.startswith("image/"))
        if is_image and any(b.pointer and pointer and pointer in b.pointer for b in shown):
            continue
        found.append(
            Block(
                "image" if is_image else "file",
                name=as_text(attachment.get("name")),
                pointer=pointer,
                mime_type=mime,
                size=as_int(attachment.get("size")),
                width=as_int(attachment.get("width")),
                height=as_int(attachment.get("height")),
            )
        )
    return found


# -- citations ----------------------------------------------------------------------------

# A citation marker in an answer's text: `【11:0†source】` (file search, 2023-2024), or the
# newer private-use form `\ue200cite\ue202turn0search3\ue201`.
_MARKER = re.compile("【[^】]{1,80}】|\ue200[^\ue200\ue201]{0,200}\ue201")


def _source_words(source: Mapping[str, Any]) -> str:
    """A citation's source as inert Markdown: a web page as a link, a file by its name."""
    items = [i for i in source.get("items") or () if isinstance(i, dict)]
    first = items[0] if items else source
    meta = as_dict(first.get("metadata")) or first
    name = as_text(meta.get("title")) or as_text(meta.get("name")) or as_text(source.get("name"))
    url = as_text(meta.get("url")) or as_text(source.get("url"))
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
            sources.setdefault(text[start:end], _source_words(as_dict(citation.get("metadata"))))

    def replace(match: re.Match[str]) -> str:
        found = sources.get(match.group())
        if found is not None:
            return found
        return "" if match.group().startswith("\ue200") else match.group()

    return _MARKER.sub(replace, text)
