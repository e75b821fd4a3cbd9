"""A message as typed blocks: what every vendor's messages are read into, once.

Each vendor module turns one of its message objects into blocks (text, code, a thought, a
citation, an attachment with its extracted text, a Canvas document, a tool call, a file);
everything else derives from them: the message's plain text (stored for search and
`show`, and what copying a message gives), the window's view, `show --json` and the
export. Content a vendor module cannot read is an `unknown` block that keeps its raw JSON.
Pure functions over plain JSON values.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, Literal, NamedTuple

import orjson

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
    "injected",  # context the app added to a turn (the date, a memory snapshot): hidden
    "unknown",  # content this version cannot read (kept raw)
]


class Block(NamedTuple):
    """One block (a tuple: immutable, and cheap to make for each of a million messages)."""

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
            for key, value in self._asdict().items()
            if value is not None and value != ""
        } | {"kind": self.kind}


def raw(value: Any) -> str:
    """Content kept as exported, for an `unknown` block (indented JSON)."""
    return orjson.dumps(value, option=orjson.OPT_INDENT_2).decode()


def plain_text(blocks: Iterable[Block], *, hidden: bool = False) -> str:
    """A message's blocks as plain text: what is stored for search and `show`, and what
    copying a message gives. The one rendering to text, the same for every vendor.

    Context the app injected into a turn is hidden, as in the vendor's app: it is left out
    (never stored, so never found by search) unless `hidden` asks for it, labelled."""
    texts = [_block_text(block) for block in blocks if hidden or block.kind != "injected"]
    return texts[0] if len(texts) == 1 else "\n\n".join(filter(None, texts))


def _block_text(block: Block) -> str:
    kind = block.kind
    if kind == "injected":
        source = f": {block.title}" if block.title else ""
        return f"[{FOLDED['injected'].lower()}{source}]\n{block.text}".rstrip()
    if kind in ("text", "reasoning", "instructions", "canvas_edit"):
        return block.text
    if kind == "thoughts":  # labelled: in a terminal it must not read as the answer
        return f"[thoughts]\n{block.text}".rstrip()
    if kind in ("code", "tool_call", "canvas"):
        head = f"{block.title}\n" if kind == "canvas" and block.title else ""
        head += f"[tool call: {block.name}]\n" if kind == "tool_call" and block.name else ""
        return head + fence(block.text, block.language)
    if kind in ("image", "audio", "file"):
        return f"[{kind}: {block.name or block.pointer or 'unnamed'}]"
    if kind in ("attachment", "tool_output"):
        label = f"[{kind.replace('_', ' ')}{': ' + block.name if block.name else ''}]"
        return "\n".join(p for p in (label, block.title, block.text) if p)
    if kind == "quote":
        quoted = "\n".join(f"> {line}" for line in block.text.splitlines())
        source = ", ".join(p for p in (block.title, block.url) if p)
        return "\n".join(p for p in (quoted, f"— {source}" if source else "") if p)
    if kind in ("citation", "webpage"):
        return "\n".join(p for p in (block.title, block.url, block.text) if p)
    if kind == "error":
        return f"{block.title}: {block.text}" if block.title and block.text else block.text
    if kind == "unknown":
        return f"[unsupported content: {block.text}]"
    return block.text


def unread(blocks: Iterable[Block]) -> list[Block]:
    """The blocks this version could not read (counted in the import's report)."""
    return [b for b in blocks if b.kind == "unknown"]


def fence(code: str, language: str | None) -> str:
    """A Markdown code block whose fence is longer than any run of backticks in the code
    (code may itself hold three)."""
    if "```" not in code:  # nearly always: no run of three, so three will do
        marks = "```"
    else:
        longest = max((len(run) for run in re.findall(r"`+", code)), default=0)
        marks = "`" * (longest + 1)
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
    "injected": "Context the app added",
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
