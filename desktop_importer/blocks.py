"""The structured message view: one message of an export as a list of typed blocks, built from
its original JSON (kept in the archive), for the reader, `show --json` and the export.

The flattened `messages.text` serves search; this view keeps what flattening loses: which
text is code and in what language, what is a thought, a citation, an attachment with its
extracted text, a Canvas document, a tool call, a file. Content this version cannot read is
an `unknown` block that keeps its raw JSON. Pure functions over plain JSON values.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import orjson

from desktop_importer import media
from desktop_importer.readers import chatgpt
from desktop_importer.readers.chatgpt import custom_instructions
from desktop_importer.readers.claude import (
    chat_messages,
    claude_files,
    claude_pointer,
    node_id_of,
    result_text,
)
from desktop_importer.readers.values import as_dict as _dict
from desktop_importer.readers.values import as_int as _int
from desktop_importer.readers.values import as_list as _list
from desktop_importer.readers.values import as_text as _str

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

BlockKind = Literal[
    "text",  # Markdown as the vendor showed it (assistant), or typed text (user)
    "code",  # code with its language
    "image",  # an image the message points at (uploaded or generated)
    "audio",  # a voice recording
    "file",  # an uploaded file
    "thoughts",  # a model's visible thinking
    "reasoning",  # "Thought for 7 seconds"
    "citation",  # a source the answer cites
    "quote",  # a quoted page (browsing)
    "webpage",  # a page the model read
    "attachment",  # a Claude attachment with its extracted text
    "canvas",  # a Canvas document: title, type, content
    "canvas_edit",  # edits to a Canvas document, shown as text, never run
    "tool_call",  # a call into a tool (name, arguments)
    "tool_output",  # what a tool answered
    "instructions",  # custom instructions
    "error",  # a system error
    "unknown",  # content this version cannot read (kept raw)
]


@dataclass(frozen=True)
class Block:
    kind: BlockKind
    text: str = ""
    language: str | None = None  # code: its language; canvas: the document's type
    title: str | None = None  # citation, quote, webpage, canvas, tool_output: a heading
    url: str | None = None
    name: str | None = None  # file, image, audio, attachment: the name; tool_call: the tool
    pointer: str | None = None  # image, audio, file: what the message points at
    mime_type: str | None = None
    size: int | None = None
    width: int | None = None
    height: int | None = None
    raw: str | None = None  # unknown: the content's JSON, as exported

    def to_json(self) -> dict[str, Any]:
        """camelCase, without empty fields (for `show --json`)."""
        names = {"mime_type": "mimeType"}
        return {
            names.get(key, key): value
            for key, value in self.__dict__.items()
            if value is not None and value != ""
        } | {"kind": self.kind}


def _raw(value: Any) -> str:
    return orjson.dumps(value, option=orjson.OPT_INDENT_2).decode()


# -- ChatGPT ------------------------------------------------------------------------------


def _pointer_block(part: Mapping[str, Any]) -> Block | None:
    kind = _str(part.get("content_type")) or ""
    if kind == "real_time_user_audio_video_asset_pointer":
        inner = _dict(part.get("audio_asset_pointer"))
        return _pointer_block({**inner, "content_type": "audio_asset_pointer"}) if inner else None
    if kind == "image_asset_pointer":
        dalle = _dict(_dict(part.get("metadata")).get("dalle"))
        return Block(
            "image",
            text=_str(dalle.get("prompt")) or "",
            pointer=_str(part.get("asset_pointer")),
            size=_int(part.get("size_bytes")),
            width=_int(part.get("width")),
            height=_int(part.get("height")),
        )
    if kind == "audio_asset_pointer":
        return Block(
            "audio",
            pointer=_str(part.get("asset_pointer")),
            size=_int(part.get("size_bytes")),
            mime_type=f"audio/{part['format']}" if isinstance(part.get("format"), str) else None,
        )
    if kind == "audio_transcription":
        return Block("text", text=_str(part.get("text")) or "")
    return None


def _multimodal(content: Mapping[str, Any]) -> list[Block]:
    blocks: list[Block] = []
    for part in _list(content.get("parts")):
        if isinstance(part, str):
            if part:
                blocks.append(Block("text", text=part))
        elif isinstance(part, dict):
            video = _dict(part.get("video_container_asset_pointer"))
            if video.get("asset_pointer"):  # a live video call's recording, beside its audio
                blocks.append(
                    Block("file", name=None, pointer=_str(video.get("asset_pointer")),
                          size=_int(video.get("size_bytes")))
                )  # fmt: skip
            block = _pointer_block(part)
            if block is None and isinstance(part.get("text"), str):
                block = Block("text", text=part["text"])
            blocks.append(
                block or Block("unknown", text=_str(part.get("content_type")) or "", raw=_raw(part))
            )
    return blocks


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
            title=_str(call.get("name")) or "Untitled document",
            language=_str(call.get("type")),
            text=_str(call.get("content")) or "",
        )
    if recipient.endswith("update_textdoc"):
        edits = []
        for update in _list(call.get("updates")):
            update = _dict(update)
            every = " (every match)" if update.get("multiple") else ""
            edits.append(
                f"Replace /{_str(update.get('pattern')) or ''}/{every} with:\n"
                f"{_str(update.get('replacement')) or ''}"
            )
        return Block("canvas_edit", title="Edit to the document", text="\n\n".join(edits))
    return None


def _code(content: Mapping[str, Any], recipient: str | None) -> Block:
    code = _str(content.get("text")) or ""
    if recipient and recipient.startswith("canmore."):
        canvas = _canvas(recipient, code)
        if canvas is not None:
            return canvas
    language = _str(content.get("language"))
    if recipient and recipient != "all":
        return Block("tool_call", name=recipient, text=code, language=language)
    return Block("code", text=code, language=None if language == "unknown" else language)


def _thoughts(content: Mapping[str, Any]) -> list[Block]:
    pieces = []
    for thought in _list(content.get("thoughts")):
        thought = _dict(thought)
        summary, body = _str(thought.get("summary")), _str(thought.get("content"))
        pieces.append("\n".join(p for p in (f"**{summary}**" if summary else None, body) if p))
    return [Block("thoughts", text="\n\n".join(p for p in pieces if p))]


def _instructions(content: Mapping[str, Any]) -> list[Block]:
    return [Block("instructions", text=custom_instructions(content))]


_CHATGPT: dict[str, Callable[[Mapping[str, Any]], list[Block]]] = {
    "text": lambda c: [
        Block("text", text="\n".join(p for p in _list(c.get("parts")) if isinstance(p, str)))
    ],
    "multimodal_text": _multimodal,
    "execution_output": lambda c: [Block("tool_output", text=_str(c.get("text")) or "")],
    "thoughts": _thoughts,
    "reasoning_recap": lambda c: [Block("reasoning", text=_str(c.get("content")) or "")],
    "tether_quote": lambda c: [
        Block(
            "quote",
            text=_str(c.get("text")) or "",
            title=_str(c.get("title")),
            url=_str(c.get("url")),
        )
    ],
    "tether_browsing_display": lambda c: [
        Block("tool_output", title=_str(c.get("summary")), text=_str(c.get("result")) or "")
    ],
    "sonic_webpage": lambda c: [
        Block(
            "webpage",
            title=_str(c.get("title")),
            url=_str(c.get("url")),
            text=_str(c.get("text")) or _str(c.get("snippet")) or "",
        )
    ],
    "user_editable_context": _instructions,
    "system_error": lambda c: [
        Block("error", title=_str(c.get("name")), text=_str(c.get("text")) or "")
    ],
}


def _produced_images(message: Mapping[str, Any]) -> list[Block]:
    """The images a Code Interpreter run produced, after its output."""
    return [
        Block(
            "image",
            pointer=_str(image.get("image_url")),
            width=_int(image.get("width")),
            height=_int(image.get("height")),
        )
        for image in media.execution_images(message)
    ]


def chatgpt_blocks(message: Mapping[str, Any]) -> list[Block]:
    """The blocks of one ChatGPT message object (`mapping[node]["message"]`)."""
    content = _dict(message.get("content"))
    kind = _str(content.get("content_type")) or "(none)"
    recipient = _str(message.get("recipient"))
    metadata = _dict(message.get("metadata"))
    role = _str(_dict(message.get("author")).get("role"))
    if kind == "code":
        blocks = [_code(content, recipient)]
    elif kind in _CHATGPT:
        blocks = _CHATGPT[kind](content)
    else:
        blocks = [Block("unknown", text=kind, raw=_raw(content))]
    if role == "system" and not any(b.text for b in blocks):
        instructions = chatgpt.instructions_of(metadata)
        blocks = [Block("instructions", text=instructions)] if instructions else blocks
    if metadata.get("content_references") or metadata.get("citations"):
        blocks = [
            dataclasses.replace(b, text=chatgpt.resolve_citations(b.text, metadata))
            if b.kind == "text"
            else b
            for b in blocks
        ]
    caption = _str(metadata.get("image_gen_title"))
    if caption:  # the newer image tool names its picture here, not beside it
        blocks = [
            dataclasses.replace(b, text=caption) if b.kind == "image" and not b.text else b
            for b in blocks
        ]
    if "aggregate_result" in metadata:
        blocks += _produced_images(message)
    for attachment in _list(metadata.get("attachments")):
        attachment = _dict(attachment)
        mime = _str(attachment.get("mime_type"))
        pointer = _str(attachment.get("id"))
        if (
            mime
            and mime.startswith("image/")
            and any(b.pointer and pointer and pointer in b.pointer for b in blocks)
        ):
            continue  # the image part already shows it
        blocks.append(
            Block(
                "image" if mime and mime.startswith("image/") else "file",
                name=_str(attachment.get("name")),
                pointer=pointer,
                mime_type=mime,
                size=_int(attachment.get("size")),
                width=_int(attachment.get("width")),
                height=_int(attachment.get("height")),
            )
        )
    for citation in _list(metadata.get("citations")):
        meta = _dict(_dict(citation).get("metadata"))
        url = _str(meta.get("url"))
        if url:
            blocks.append(Block("citation", title=_str(meta.get("title")) or url, url=url))
    return [b for b in blocks if b.kind != "text" or b.text]


# -- Claude -------------------------------------------------------------------------------


def _claude_block(block: Mapping[str, Any]) -> Block:
    kind = _str(block.get("type")) or "(none)"
    if kind == "text":
        return Block("text", text=_str(block.get("text")) or "")
    if kind == "thinking":
        return Block("thoughts", text=_str(block.get("thinking")) or "")
    if kind == "tool_use":
        arguments = _raw(block["input"]) if "input" in block else ""
        return Block(
            "tool_call", name=_str(block.get("name")) or "tool", text=arguments, language="json"
        )
    if kind == "tool_result":
        return Block(
            "tool_output", name=_str(block.get("name")), text=result_text(block.get("content"))
        )
    return Block("unknown", text=kind, raw=_raw(block))


def claude_blocks(message: Mapping[str, Any]) -> list[Block]:
    """The blocks of one Claude chat message (an item of `chat_messages`)."""
    content = [b for b in _list(message.get("content")) if isinstance(b, dict)]
    blocks = [_claude_block(b) for b in content] or [
        Block("text", text=_str(message.get("text")) or "")
    ]
    attachments, files = claude_files(message)
    for attachment, name in attachments:
        blocks.append(
            Block(
                "attachment",
                name=name,
                mime_type=_str(attachment.get("file_type")),
                size=_int(attachment.get("file_size")),
                text=_str(attachment.get("extracted_content")) or "",
            )
        )
    for file in files:
        name = _str(file.get("file_name")) or None
        is_image = file.get("file_kind") == "image" or media.image_name(name)
        blocks.append(
            Block("image" if is_image else "file", name=name, pointer=claude_pointer(file))
        )
    return [b for b in blocks if b.kind != "text" or b.text]


# -- A whole conversation's original JSON -------------------------------------------------


def message_objects(vendor: str, conversation: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    """Each node id of a stored conversation's JSON to its message object."""
    if vendor == "claude":  # node ids as the reader made them (readers/claude.py)
        found: dict[str, Mapping[str, Any]] = {}
        cid = _str(conversation.get("uuid")) or ""
        for index, message in enumerate(chat_messages(conversation)):
            found.setdefault(node_id_of(cid, message, index), message)
        return found
    return {
        key: node["message"]
        for key, node in _dict(conversation.get("mapping")).items()
        if isinstance(node, dict) and isinstance(node.get("message"), dict)
    }


def blocks_of(vendor: str, message: Mapping[str, Any]) -> list[Block]:
    return claude_blocks(message) if vendor == "claude" else chatgpt_blocks(message)


def plain_text(blocks: list[Block]) -> str:
    """The blocks as plain text (copying a message, `show` in a terminal)."""
    pieces: list[str] = []
    for block in blocks:
        if block.kind in ("code", "tool_call", "canvas"):
            head = f"{block.title}\n" if block.kind == "canvas" and block.title else ""
            head += f"[{block.name}]\n" if block.kind == "tool_call" and block.name else ""
            pieces.append(head + fence(block.text, block.language))
        elif block.kind in ("image", "audio", "file"):
            pieces.append(f"[{block.kind}: {block.name or block.pointer or 'unnamed'}]")
        elif block.kind == "attachment":
            pieces.append(f"[attachment: {block.name}]\n{block.text}".rstrip())
        elif block.kind in ("citation", "webpage", "quote"):
            pieces.append("\n".join(p for p in (block.text, block.title, block.url) if p))
        elif block.kind == "unknown":
            pieces.append(f"[unsupported content: {block.text}]")
        else:
            pieces.append(block.text)
    return "\n\n".join(p for p in pieces if p)


def fence(code: str, language: str | None) -> str:
    """A Markdown code block whose fence is longer than any run of backticks in the code
    (code may itself hold three)."""
    longest = max((len(run) for run in re.findall(r"`+", code)), default=0)
    marks = "`" * max(3, longest + 1)
    return f"{marks}{language or ''}\n{code}\n{marks}"


# What a folded block (the reader's collapsible, a note's callout, a page's <details>) is
# called.
FOLDED = {
    "thoughts": "Thoughts",
    "tool_call": "Tool call",
    "tool_output": "Tool output",
    "attachment": "Attachment",
    "canvas_edit": "Edit to the document",
    "instructions": "Custom instructions",
    "unknown": "Content this version cannot show",
    "quote": "Quoted page",
    "webpage": "Web page",
}


def heading(block: Block) -> str:
    """A folded block's heading, with the tool's or attachment's name or the title."""
    words = FOLDED.get(block.kind, block.kind)
    if block.kind in ("attachment", "tool_call") and block.name:
        return f"{words}: {block.name}"
    return f"{words}: {block.title}" if block.title else words
