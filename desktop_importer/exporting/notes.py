"""A conversation as a Markdown note (Obsidian's front matter and callouts), from the same
blocks the window shows; text from the export is escaped, never markup that runs."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import orjson

from desktop_importer import library
from desktop_importer.basics.clock import iso_z_from_unix
from desktop_importer.basics.markdown import escape_markdown, inert_markdown
from desktop_importer.basics.media import asset_id
from desktop_importer.exporting.names import MediaLinks
from desktop_importer.vendors.blocks import Block, fence, heading
from desktop_importer.vendors.parsed import vendor_name

if TYPE_CHECKING:
    pass

# -- Markdown -----------------------------------------------------------------------------

# What would make Markdown read typed text differently: a sign anywhere (one scan in C,
# cheap), or a line that starts a list, a quote, a code block or a heading underline.
_MARKDOWN_CHARS = re.compile(r"[\\`*_{}\[\]<>#|~]")
_MARKDOWN_LINES = re.compile(r"^(?:\s*(?:[-+>]|\d+[.)])\s|\s{4}|=+$|-+$)", re.M)


def yaml_scalar(value: str) -> str:
    """A YAML scalar for any text: a JSON string is a valid YAML double-quoted scalar."""
    return orjson.dumps(value).decode()


def turn(message: library.ReaderMessage, vendor: str) -> tuple[str, str | None]:
    """Who and when (to the minute, UTC) a message of a note or page says it is."""
    when = iso_z_from_unix(message.create_time)
    return library.speaker(message, vendor), when[:16].replace("T", " ") if when else None


def front_matter(
    view: library.ReaderConversation,
    model: str | None,
    url: str | None,
    project: tuple[str, str] | None = None,
) -> str:
    """Obsidian's properties of a note; `project`: (its id, its name), if it is in one."""
    fields = {
        "id": view.conversation_id,
        "title": view.title or "Untitled",
        "vendor": vendor_name(view.vendor),
        "created": iso_z_from_unix(view.create_time),
        "updated": iso_z_from_unix(view.update_time or view.create_time),
        "model": model,
        "url": url,
        "project": project[1] if project else None,
        "project_id": project[0] if project else None,
    }
    lines = [f"{key}: {yaml_scalar(value)}" for key, value in fields.items() if value is not None]
    return "---\n" + "\n".join(lines) + "\n---\n"


def _as_typed(text: str) -> str:
    """User text as it was typed: in a fence where Markdown would change how it reads."""
    if not _MARKDOWN_CHARS.search(text) and not _MARKDOWN_LINES.search(text):
        return text
    return fence(text, "text")


def _quoted(text: str) -> str:
    """A block quote (or a callout's body) of Markdown from the export, made inert."""
    lines = inert_markdown(text).splitlines() or [""]
    return "\n".join(f"> {line}" if line else ">" for line in lines)


def block_markdown(
    block: Block, view: library.ReaderConversation, user: bool, files: MediaLinks
) -> str:
    kind = block.kind
    if kind == "text":
        return _as_typed(block.text) if user else inert_markdown(block.text)
    if kind == "code":
        return fence(block.text, block.language)
    if kind == "reasoning":
        return f"*{escape_markdown(block.text)}*"
    if kind == "thoughts":
        return "> [!note]- Thoughts\n" + _quoted(block.text)
    if kind == "attachment":
        return _quoted(
            f"**Attachment: {escape_markdown(block.name or 'attachment')}**\n\n{block.text}"
        )
    if kind == "canvas":
        body = (
            inert_markdown(block.text)
            if block.language in (None, "document")
            else fence(block.text, (block.language or "").removeprefix("code/"))
        )
        return f"### Document: {escape_markdown(block.title or 'Untitled')}\n\n{body}"
    if kind in ("image", "audio", "file"):
        file = view.file_for(block.pointer)
        name = block.name or (file.name if file else None) or asset_id(block.pointer) or "unnamed"
        if file is None:
            missing = f"*{kind.capitalize()} not in the archive: {escape_markdown(name)}*"
            return missing + (f"\\\n{escape_markdown(block.text)}" if block.text else "")
        target = files.link(file)
        label = escape_markdown(block.text or file.name)
        # A picture is shown as one whatever the vendor called it (Grok's attachments are
        # "files" whose bytes say what they are).
        if kind in ("image", "file") and file.mime_type in library.SHOWN_IMAGES:
            return f"![{label}]({target})"
        return f"[{escape_markdown(file.name)}]({target})"
    if kind == "citation":
        url = block.url or ""
        if url.startswith(("http://", "https://")):
            return f"Source: [{escape_markdown(block.title or url)}](<{url}>)"
        return f"Source: {escape_markdown(block.title or url)}"
    if kind in ("tool_call", "tool_output", "canvas_edit", "instructions", "quote", "webpage"):
        body = block.text + (f"\n{block.url}" if block.url else "")
        return f"> [!info]- {escape_markdown(heading(block))}\n" + _quoted(body)
    return fence(block.raw or block.text, "json")


def _message_markdown(
    message: library.ReaderMessage, view: library.ReaderConversation, files: MediaLinks
) -> str:
    who, when = turn(message, view.vendor)
    parts = [f"## {escape_markdown(who)}" + (f" · {when}" if when else "")]
    for block in message.blocks:
        rendered = block_markdown(block, view, message.role == "user", files)
        if rendered.strip():
            parts.append(rendered)
    return "\n\n".join(parts)


def markdown(
    view: library.ReaderConversation,
    files: MediaLinks,
    *,
    model: str | None,
    url: str | None,
    branches: list[tuple[str, list[library.ReaderMessage]]] | None = None,
    project: tuple[str, str] | None = None,
) -> str:
    out = [
        front_matter(view, model, url, project),
        f"# {escape_markdown(view.title or 'Untitled')}",
    ]
    out += [_message_markdown(m, view, files) for m in view.messages]
    for label, messages in branches or []:
        out.append(f"---\n\n## {label}")
        out += [_message_markdown(m, view, files).replace("## ", "### ", 1) for m in messages]
    return "\n\n".join(out) + "\n"
