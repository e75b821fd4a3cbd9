"""Projects and memory in an export, beside the conversations: `projects/<name> <id>.<ext>`
and `memory/<vendor>[ <account>].<ext>`, in the export's format. The JSON is the vendor's own
object; the Markdown note and the HTML page say what the window's pages say, every text from
the export escaped or made inert."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from desktop_importer import library
from desktop_importer.basics.clock import iso_z_from_unix
from desktop_importer.basics.markdown import escape_markdown, inert_markdown
from desktop_importer.exporting.names import file_name, safe_title
from desktop_importer.exporting.notes import yaml_scalar
from desktop_importer.exporting.pages import markdown_it, standalone_page
from desktop_importer.exporting.vendor_json import vendor_json
from desktop_importer.vendors.blocks import fence
from desktop_importer.vendors.parsed import vendor_name

if TYPE_CHECKING:
    from desktop_importer.app import App

MARKDOWN_NAMES = (".md", ".markdown", ".txt")


def kept_files(app: App, profile: str, fmt: str) -> Iterator[tuple[str, bytes]]:
    """(relative path, content) of each project and memory the archive keeps."""
    extension = {"markdown": "md", "html": "html", "json": "json"}[fmt]
    for (vendor, project_id), shown in library.project_names(app, profile).items():
        view = library.read_project(app, profile, vendor, project_id)  # its JSON read once
        if view is None or view.original is None:
            continue  # gone since the list was read, or a name only (in its notes' front matter)
        name = file_name(shown, vendor, f"project:{project_id}", extension)
        yield f"projects/{name}", _project(view, fmt)
    for memory in library.read_memories(app, profile):
        account = f" {memory.account}" if memory.account else ""
        stem = safe_title(vendor_name(memory.vendor) + account)
        yield f"memory/{stem}.{extension}", _memory(memory, fmt)


def _document_markdown(name: str, content: str) -> str:
    if name.lower().endswith(MARKDOWN_NAMES):
        return inert_markdown(content)
    return fence(content, name.rpartition(".")[2] if "." in name else "text")


def _project_markdown(view: library.ProjectView) -> str:
    project = view.page
    fields = {
        "id": project.project_id,
        "type": "project",
        "title": project.name,
        "vendor": vendor_name(view.vendor),
        "created": iso_z_from_unix(project.created_at),
        "updated": iso_z_from_unix(project.updated_at),
    }
    lines = [f"{key}: {yaml_scalar(value)}" for key, value in fields.items() if value is not None]
    parts = ["---\n" + "\n".join(lines) + "\n---\n", f"# {escape_markdown(project.name)}\n"]
    if project.description:
        parts.append(escape_markdown(project.description) + "\n")
    parts.append(f"> {escape_markdown(view.no_link)}\n")
    parts.append("## Instructions\n\n" + fence(project.instructions or "None.", "text"))
    if view.remembered:
        remembered = inert_markdown(view.remembered)
        parts.append("## What Claude remembers of this project\n\n" + remembered)
    parts.append(f"## Documents ({len(project.documents):,})\n")
    for document in project.documents:
        parts.append(
            f"### {escape_markdown(document.name)}\n\n"
            + _document_markdown(document.name, document.content)
        )
    return "\n\n".join(part.strip("\n") for part in parts) + "\n"


def _memory_markdown(memory: library.MemoryView) -> str:
    vendor = vendor_name(memory.vendor)
    fields = {"type": "memory", "vendor": vendor, "account": memory.account or None,
              "exported": iso_z_from_unix(memory.exported_at)}  # fmt: skip
    lines = [f"{key}: {yaml_scalar(value)}" for key, value in fields.items() if value is not None]
    page_ = memory.page
    parts = ["---\n" + "\n".join(lines) + "\n---\n", f"# What {vendor} remembers\n"]
    parts.append("## About you\n\n" + inert_markdown(page_.summary or "Nothing."))
    for item in page_.files:
        parts.append(f"## {escape_markdown(item.path)}\n\n" + inert_markdown(item.content))
    for key, remembered in page_.projects:
        name = memory.project_names.get(key, key)
        parts.append(f"## Of the project {escape_markdown(name)}\n\n" + inert_markdown(remembered))
    return "\n\n".join(part.strip("\n") for part in parts) + "\n"


def _project(view: library.ProjectView, fmt: str) -> bytes:
    if fmt == "json":
        return vendor_json(view.original)
    note = _project_markdown(view)
    if fmt == "markdown":
        return note.encode()
    return standalone_page(view.page.name, markdown_it().render(note.split("\n---\n", 1)[1]))


def _memory(memory: library.MemoryView, fmt: str) -> bytes:
    if fmt == "json":
        return vendor_json(memory.original)
    note = _memory_markdown(memory)
    if fmt == "markdown":
        return note.encode()
    title = f"What {vendor_name(memory.vendor)} remembers"
    return standalone_page(title, markdown_it().render(note.split("\n---\n", 1)[1]))
