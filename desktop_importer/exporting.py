"""`export DIR`: the archive leaves as Markdown notes (for Obsidian or any editor), as
self-contained HTML pages (light and dark, no script, everything escaped) or as the vendor's
own JSON, one file per conversation, safely and again and again into one folder.

- **Names**: the title made safe on Windows, macOS and Linux, then 12 hex characters of
  the conversation's hash: unique, stable from run to run, never a reserved name.
- **Again into the same folder**: a manifest (`MANIFEST`) records each written file's hash.
  A file whose content would not change is left alone (same bytes, same time); a file the
  person edited since (its hash is not the one written) is never overwritten: skipped and
  reported; everything else is written to a temporary file and renamed over.
- **Never through a link**: a symbolic link where a file or the media folder would go is
  left alone and reported, never followed.
- **Media** is copied once into `DIR/media/`, named from its hash and a safe form of its
  name, and linked relatively.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import html
import json
import os
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any
from urllib.parse import quote

import orjson

from desktop_importer import library
from desktop_importer.basics.background import BackgroundWriter
from desktop_importer.basics.clock import iso_z_from_unix
from desktop_importer.basics.errors import EXIT_NOINPUT, CannotWrite, DesktopImporterError
from desktop_importer.basics.markdown import escape_markdown, inert_markdown
from desktop_importer.basics.media import asset_id
from desktop_importer.basics.progress import never_cancelled
from desktop_importer.importing.merge import KEPT_MARKER
from desktop_importer.store import archive as archive_sql
from desktop_importer.store import library as library_sql
from desktop_importer.store import media as media_sql
from desktop_importer.vendors.blocks import Block, fence, heading
from desktop_importer.vendors.parsed import vendor_name

if TYPE_CHECKING:
    from desktop_importer.app import App

MANIFEST = ".desktop-importer-export.json"
TITLE_BYTES = 180  # of a file name's 255, the rest for the id and the extension
_FORBIDDEN = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]')


class UnknownToExport(DesktopImporterError):
    """An id given to `export --conversation` that the archive does not hold."""

    exit_code = EXIT_NOINPUT


@dataclass
class ExportResult:
    directory: Path
    conversations: int = 0
    files: int = 0  # written (new or changed) this time
    media: int = 0  # media files copied this time
    skipped_edited: list[str] = field(default_factory=list)  # relative paths

    def to_json(self) -> dict[str, Any]:
        return {
            "status": "complete",
            "directory": str(self.directory),
            "conversations": self.conversations,
            "files": self.files,
            "media": self.media,
            "skippedEdited": self.skipped_edited,
        }


# -- names --------------------------------------------------------------------------------


def safe_title(title: str | None) -> str:
    """A title as the start of a file name on every system: no characters Windows forbids,
    no control characters, no leading or trailing dots and spaces, at most TITLE_BYTES."""
    words = unicodedata.normalize("NFC", title or "Untitled")
    words = " ".join(_FORBIDDEN.sub(" ", words).split()).strip(" .")
    encoded = words.encode()[:TITLE_BYTES]
    words = encoded.decode(errors="ignore").strip(" .")
    return words or "Untitled"


def short_id(vendor: str, conversation_id: str) -> str:
    return hashlib.sha256(f"{vendor}:{conversation_id}".encode()).hexdigest()[:12]


def file_name(title: str | None, vendor: str, conversation_id: str, extension: str) -> str:
    """`<safe title> <12 hex>.<ext>`: never a reserved name (CON, NUL…: those are whole
    stems), unique by the hash even where titles differ only in case."""
    return f"{safe_title(title)} {short_id(vendor, conversation_id)}.{extension}"


# -- Markdown -----------------------------------------------------------------------------

# What would make Markdown read typed text differently: a sign anywhere (one scan in C,
# cheap), or a line that starts a list, a quote, a code block or a heading underline.
_MARKDOWN_CHARS = re.compile(r"[\\`*_{}\[\]<>#|~]")
_MARKDOWN_LINES = re.compile(r"^(?:\s*(?:[-+>]|\d+[.)])\s|\s{4}|=+$|-+$)", re.M)


def _yaml(value: str) -> str:
    """A YAML scalar for any text: a JSON string is a valid YAML double-quoted scalar."""
    return orjson.dumps(value).decode()


def _turn(message: library.ReaderMessage, vendor: str) -> tuple[str, str | None]:
    """Who and when (to the minute, UTC) a message of a note or page says it is."""
    when = iso_z_from_unix(message.create_time)
    return library.speaker(message, vendor), when[:16].replace("T", " ") if when else None


def front_matter(view: library.ReaderConversation, model: str | None, url: str | None) -> str:
    fields = {
        "id": view.conversation_id,
        "title": view.title or "Untitled",
        "vendor": vendor_name(view.vendor),
        "created": iso_z_from_unix(view.create_time),
        "updated": iso_z_from_unix(view.update_time or view.create_time),
        "model": model,
        "url": url,
    }
    lines = [f"{key}: {_yaml(value)}" for key, value in fields.items() if value is not None]
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


class _Media:
    """Copies the files a conversation points at into DIR/media, once each."""

    def __init__(self, writer: _Writer) -> None:
        self.writer = writer

    def link(self, file: library.MediaFile) -> str:
        stem, dot, extension = safe_title(file.name).rpartition(".")
        name = f"{file.sha256[:12]}-{stem or extension}{dot}{extension if stem else ''}"
        self.writer.copy_media(file, name)
        # Percent-encoded (as Obsidian's help says: spaces become %20), so that a name with
        # spaces, brackets, `#` or `%` is still a link to every CommonMark reader.
        return f"media/{quote(name, safe='')}"


def _block_markdown(
    block: Block, view: library.ReaderConversation, user: bool, files: _Media
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
        if kind == "image" and file.mime_type in library.SHOWN_IMAGES:
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
    message: library.ReaderMessage, view: library.ReaderConversation, files: _Media
) -> str:
    who, when = _turn(message, view.vendor)
    parts = [f"## {escape_markdown(who)}" + (f" · {when}" if when else "")]
    for block in message.blocks:
        rendered = _block_markdown(block, view, message.role == "user", files)
        if rendered.strip():
            parts.append(rendered)
    return "\n\n".join(parts)


def markdown(
    view: library.ReaderConversation,
    files: _Media,
    *,
    model: str | None,
    url: str | None,
    branches: list[tuple[str, list[library.ReaderMessage]]] | None = None,
) -> str:
    out = [front_matter(view, model, url), f"# {escape_markdown(view.title or 'Untitled')}"]
    out += [_message_markdown(m, view, files) for m in view.messages]
    for label, messages in branches or []:
        out.append(f"---\n\n## {label}")
        out += [_message_markdown(m, view, files).replace("## ", "### ", 1) for m in messages]
    return "\n\n".join(out) + "\n"


# -- HTML ---------------------------------------------------------------------------------

STYLE = """
:root { color-scheme: light dark; --fg: #1d1d1f; --bg: #ffffff; --muted: #6e6e73;
  --box: #f5f5f7; --line: #d2d2d7; --link: #0b57d0; }
@media (prefers-color-scheme: dark) { :root { --fg: #f2f2f2; --bg: #1c1c1e; --muted: #a1a1a6;
  --box: #2c2c2e; --line: #48484a; --link: #8ab4f8; } }
body { font: 16px/1.55 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg);
  background: var(--bg); margin: 0; }
main { max-width: 46rem; margin: 0 auto; padding: 2rem 1rem 4rem; }
a { color: var(--link); }
.meta, .when { color: var(--muted); font-size: 0.9em; }
section.message { border: 1px solid var(--line); border-radius: 10px; padding: 0.2rem 1rem;
  margin: 1rem 0; }
section.user { background: var(--box); }
pre { background: var(--box); border: 1px solid var(--line); border-radius: 6px;
  padding: 0.7rem; overflow-x: auto; }
code { font: 0.9em/1.4 ui-monospace, "SF Mono", Menlo, Consolas, monospace; }
table { border-collapse: collapse; }
td, th { border: 1px solid var(--line); padding: 0.3rem 0.6rem; }
img { max-width: 100%; height: auto; border-radius: 6px; }
details { margin: 0.6rem 0; } summary { cursor: pointer; color: var(--muted); }
blockquote { border-left: 3px solid var(--line); margin: 0.6rem 0; padding: 0 0.8rem;
  color: var(--muted); }
.user-text { white-space: pre-wrap; }
li.conversation { margin: 0.4rem 0; }
"""


@functools.cache
def _markdown_it() -> Any:
    """CommonMark with tables; raw HTML off (shown as text); markdown-it refuses
    javascript:, vbscript:, file: and data: links by itself."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


def _page(title: str, body: str) -> bytes:
    return (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "img-src 'self'; style-src 'unsafe-inline'\">\n"
        f"<title>{html.escape(title)}</title>\n<style>{STYLE}</style>\n</head>\n"
        f"<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n"
    ).encode()


def _block_html(block: Block, view: library.ReaderConversation, user: bool, files: _Media,
                md: Any) -> str:  # fmt: skip
    kind = block.kind
    if kind == "text":
        if user:
            return f'<div class="user-text">{html.escape(block.text)}</div>'
        return str(md.render(inert_markdown(block.text)))
    if kind in ("thoughts", "tool_call", "tool_output", "canvas_edit", "instructions",
                "quote", "webpage", "attachment", "unknown"):  # fmt: skip
        if kind in ("tool_call", "unknown"):
            inner = md.render(fence(block.raw or block.text, block.language or "json"))
        elif kind == "thoughts":
            inner = md.render(inert_markdown(block.text))
        else:
            inner = f'<div class="user-text">{html.escape(block.text)}</div>'
            if block.url and block.url.startswith(("http://", "https://")):
                inner += f'<p><a href="{html.escape(block.url)}">{html.escape(block.url)}</a></p>'
        return f"<details><summary>{html.escape(heading(block))}</summary>{inner}</details>"
    # Everything else: the Markdown of the note, rendered (code, media, citations, Canvas).
    return str(md.render(_block_markdown(block, view, user, files)))


def page_html(
    view: library.ReaderConversation,
    files: _Media,
    branches: list[tuple[str, list[library.ReaderMessage]]] | None = None,
) -> bytes:
    md = _markdown_it()
    updated = iso_z_from_unix(view.update_time or view.create_time)
    meta = vendor_name(view.vendor) + (
        f" · {updated[:16].replace('T', ' ')} UTC" if updated else ""
    )
    out = [
        f"<h1>{html.escape(view.title or 'Untitled')}</h1>",
        f'<p class="meta">{html.escape(meta)}</p>',
    ]

    def messages(items: list[library.ReaderMessage]) -> None:
        for message in items:
            who, when = _turn(message, view.vendor)
            role = "user" if message.role == "user" else "other"
            out.append(f'<section class="message {role}">')
            stamp = f' <span class="when">{html.escape(when)}</span>' if when else ""
            out.append(f"<h2>{html.escape(who)}{stamp}</h2>")
            for block in message.blocks:
                out.append(_block_html(block, view, message.role == "user", files, md))
            out.append("</section>")

    messages(view.messages)
    for label, items in branches or []:
        out.append(f"<h2>{html.escape(label)}</h2>")
        messages(items)
    return _page(view.title or "Untitled", "\n".join(out))


def index_html(entries: list[tuple[str, str, str, str | None]]) -> bytes:
    """(file name, title, vendor, updated) of every conversation exported, newest first."""
    rows = [
        f'<li class="conversation"><a href="{html.escape(quote(name))}">{html.escape(title)}</a> '
        f'<span class="meta">{html.escape(vendor_name(vendor))}'
        f"{' · ' + html.escape(updated[:10]) if updated else ''}</span></li>"
        for name, title, vendor, updated in entries
    ]
    body = f"<h1>Conversations</h1>\n<ul>\n{chr(10).join(rows)}\n</ul>"
    return _page("Conversations", body)


# -- the vendor's JSON --------------------------------------------------------------------


def vendor_json(document: Mapping[str, Any]) -> bytes:
    """The conversation as its latest export wrote it: the nodes kept from earlier exports
    (merge.py) taken out again."""
    data = dict(document)
    if isinstance(data.get("mapping"), dict):
        data["mapping"] = dict(data["mapping"])
    kept = set(data.pop(KEPT_MARKER, None) or [])
    if kept:
        mapping = data.get("mapping")
        if isinstance(mapping, dict):
            for node_id in kept:
                mapping.pop(node_id, None)
        messages = data.get("chat_messages")
        if isinstance(messages, list):
            data["chat_messages"] = [
                m for m in messages if not (isinstance(m, dict) and m.get("uuid") in kept)
            ]
    return orjson.dumps(data, option=orjson.OPT_INDENT_2) + b"\n"


# -- writing ------------------------------------------------------------------------------


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(slots=True)
class _Entry:
    """What the manifest knows of a file it wrote: its hash, its size and time as written
    (a file whose size and time are unchanged is not read again), and what it was made
    from (an unchanged source is not rendered again)."""

    sha256: str
    size: int = -1
    mtime_ns: int = -1
    source: str = ""


class _Writer:
    def __init__(self, directory: Path, result: ExportResult) -> None:
        self.directory = directory
        self.result = result
        manifest = directory / MANIFEST
        self.manifest: dict[str, _Entry] = {}
        if manifest.is_file() and not manifest.is_symlink():
            try:
                loaded = json.loads(manifest.read_text(encoding="utf-8"))
                for key, value in (loaded if isinstance(loaded, dict) else {}).items():
                    if isinstance(value, dict) and isinstance(value.get("sha256"), str):
                        self.manifest[str(key)] = _Entry(
                            value["sha256"],
                            int(value.get("size", -1)),
                            int(value.get("mtime_ns", -1)),
                            str(value.get("source", "")),
                        )
            except (OSError, ValueError, TypeError):
                self.manifest = {}
        self.copied: set[str] = set()

    def _as_written(self, relative: str) -> bool:
        """Whether the file is as this export left it (size and time, else its hash)."""
        entry = self.manifest.get(relative)
        target = self.directory / relative
        if entry is None or target.is_symlink() or not target.is_file():
            return False
        info = target.stat()
        if (info.st_size, info.st_mtime_ns) == (entry.size, entry.mtime_ns):
            return True
        return _sha(target.read_bytes()) == entry.sha256

    def unchanged(self, relative: str, source: str) -> bool:
        """Whether a file made from `source` is there as written: nothing to render."""
        entry = self.manifest.get(relative)
        return entry is not None and entry.source == source and self._as_written(relative)

    def write(self, relative: str, data: bytes, source: str = "") -> None:
        target = self.directory / relative
        if target.is_symlink() or target.parent.is_symlink():
            self.result.skipped_edited.append(relative)  # never written through a link
            return
        digest = _sha(data)
        if target.exists():
            same = _sha(target.read_bytes()) == digest
            if not same and not self._as_written(relative):
                self.result.skipped_edited.append(relative)  # edited since: kept as it is
                return
            if same:  # the same bytes: left alone, and known from now on
                info = target.stat()
                self.manifest[relative] = _Entry(digest, info.st_size, info.st_mtime_ns, source)
                return
        self._atomic(target, data)
        info = target.stat()
        self.manifest[relative] = _Entry(digest, info.st_size, info.st_mtime_ns, source)
        self.result.files += 1

    def copy_media(self, file: library.MediaFile, name: str) -> None:
        relative = f"media/{name}"
        if relative in self.copied:
            return
        self.copied.add(relative)
        folder = self.directory / "media"
        if folder.is_symlink():
            self.result.skipped_edited.append(relative)
            return
        folder.mkdir(exist_ok=True)
        target = folder / name
        if target.is_symlink():
            self.result.skipped_edited.append(relative)
            return
        if target.exists() and target.stat().st_size == file.bytes:
            return  # named by its hash: the same content

        def copy(out: IO[bytes]) -> None:
            with file.path.open("rb") as source:
                shutil.copyfileobj(source, out, 2**20)

        self._atomic(target, copy)
        self.result.media += 1

    def _atomic(self, target: Path, data: bytes | Callable[[IO[bytes]], object]) -> None:
        """Write bytes, or what `data(out)` writes (a 300 MB video is streamed, not held),
        to a temporary file beside `target`, then rename it over."""
        fd, temp = tempfile.mkstemp(dir=target.parent, prefix=".export-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as out:
                if isinstance(data, bytes):
                    out.write(data)
                else:
                    data(out)
            os.replace(temp, target)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise

    def save_manifest(self) -> None:
        entries = {key: dataclasses.asdict(entry) for key, entry in self.manifest.items()}
        self._atomic(self.directory / MANIFEST, json.dumps(entries, sort_keys=True).encode())


# The conversations' files are written on a second thread while the next ones are read and
# rendered: creating a file cost about 0.6 ms on the benchmark machine, a third of the
# export, and its system calls let go of the GIL. At most WRITES_BEHIND files wait.
WRITES_BEHIND = 64


def _prepare(directory: Path) -> None:
    if directory.is_symlink() or (directory.exists() and not directory.is_dir()):
        raise CannotWrite(f"{directory} is not a folder; choose a folder to export into.")
    try:
        directory.mkdir(parents=True, exist_ok=True)
        probe = directory / ".write-test"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as e:
        raise CannotWrite(f"{directory} cannot be written ({e.strerror or e}).") from None


def _rows(app: App, profile: str, ids: list[str]) -> list[library.ListRow]:
    """The rows of `ids`, in that order (those the archive holds)."""
    wanted = set(ids)
    by_id = {
        row.conversation_id: row
        for row in library.every_conversation(app, profile)
        if row.conversation_id in wanted
    }
    return [by_id[cid] for cid in ids if cid in by_id]


RENDERER = "3"  # bump when the output for the same conversation changes


def _media_state(app: App, profile: str) -> str:
    """Changes whenever the profile gains a file (a note that named a missing file then
    links it)."""
    with app.store.read() as session:
        return str(media_sql.profile_files(session, profile))


def _other_branches(
    app: App, profile: str, view: library.ReaderConversation
) -> list[tuple[str, list[library.ReaderMessage]]]:
    """Every other leaf's branch, from where it leaves the current one, labelled."""
    with app.store.read() as session:
        stored = library_sql.conversation(session, profile, view.conversation_id)
    if stored is None:
        return []
    has_children = {n.parent_id for n in stored.nodes}
    leaves = [n.node_id for n in stored.nodes if n.node_id not in has_children and n.role]
    shown = {m.node_id for m in view.messages}
    branches: list[tuple[str, list[library.ReaderMessage]]] = []
    for leaf in leaves:
        if leaf in shown:
            continue
        other = library.read_conversation(app, profile, view.conversation_id, through=leaf)
        fresh = [m for m in other.messages if m.node_id not in shown]
        if fresh:
            branches.append((f"Branch {len(branches) + 2}", fresh))
            shown |= {m.node_id for m in fresh}
    return branches


def _details(data: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """(model, url) of a conversation, where the vendor says."""
    model = data.get("default_model_slug") or data.get("model")
    cid = data.get("conversation_id") or data.get("id")
    url = f"https://chatgpt.com/c/{cid}" if data.get("mapping") is not None and cid else None
    if url is None and data.get("uuid"):
        url = f"https://claude.ai/chat/{data['uuid']}"
    return (model if isinstance(model, str) else None), url


READ_TOGETHER = 100  # conversations read in one transaction (library.read_conversations)


def _batched(rows: Iterable[library.ListRow], size: int) -> Iterator[list[library.ListRow]]:
    batch: list[library.ListRow] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _render(
    app: App,
    profile: str,
    view: library.ReaderConversation,
    fmt: str,
    all_branches: bool,
    writer: _Writer,
) -> bytes:
    if fmt == "json":
        return vendor_json(view.document)
    branches = _other_branches(app, profile, view) if all_branches else []
    if fmt == "html":
        return page_html(view, _Media(writer), branches)
    model, url = _details(view.document)
    return markdown(view, _Media(writer), model=model, url=url, branches=branches).encode()


def export(
    app: App,
    profile: str,
    directory: Path,
    *,
    fmt: str = "markdown",
    conversation_ids: list[str] | None = None,
    all_branches: bool = False,
    progress: Callable[[str, int], None] | None = None,
    cancel: Callable[[], bool] = never_cancelled,
) -> ExportResult:
    """Write the profile's conversations (or those named) into `directory`."""
    directory = directory.expanduser().absolute()
    ids = list(dict.fromkeys(conversation_ids)) if conversation_ids else None
    named = _rows(app, profile, ids) if ids is not None else None
    if ids is not None and named is not None and len(named) < len(ids):  # checked first
        unknown = next(cid for cid in ids if cid not in {r.conversation_id for r in named})
        raise UnknownToExport(
            f"There is no conversation {unknown} in the archive of profile {profile}; "
            "nothing was exported."
        )
    _prepare(directory)
    result = ExportResult(directory)
    writer = _Writer(directory, result)
    if named is not None:
        chosen: Iterable[library.ListRow] = named
        total = len(named)
    else:
        chosen = library.every_conversation(app, profile)
        with app.store.read() as session:
            total = archive_sql.totals(session, profile)[0]
    index: list[tuple[str, str, str, str | None]] = []
    say = progress or (lambda stage, done: None)
    media_state = _media_state(app, profile)
    extension = {"markdown": "md", "html": "html", "json": "json"}[fmt]
    behind: BackgroundWriter[tuple[str, bytes, str]] = BackgroundWriter(
        lambda item: writer.write(*item), depth=WRITES_BEHIND, name="export-writer"
    )
    try:
        try:
            done = 0
            for rows in _batched(chosen, READ_TOGETHER):
                names = [
                    file_name(row.title, row.vendor, row.conversation_id, extension) for row in rows
                ]
                todo: list[tuple[str, str, str]] = []  # to render: id, file name, source
                there: set[str] = set()  # the files of this batch that are written
                for row, name in zip(rows, names, strict=True):
                    # What the file is made from: an unchanged source is not read again.
                    source = f"{RENDERER}:{fmt}:{all_branches}:{row.cursor[1]}:{media_state}"
                    if writer.unchanged(name, source):
                        result.conversations += 1
                        there.add(name)
                    else:
                        todo.append((row.conversation_id, name, source))
                ids = [cid for cid, _, _ in todo]
                with contextlib.closing(library.read_conversations(app, profile, ids)) as views:
                    for (_, name, source), view in zip(todo, views, strict=True):
                        if cancel():
                            break
                        if view is None:  # gone since the list was read
                            continue
                        data = _render(app, profile, view, fmt, all_branches, writer)
                        behind.submit((name, data, source))
                        result.conversations += 1
                        there.add(name)
                if fmt == "html":  # in the list's order, what was written
                    index += [
                        (
                            name,
                            row.title or "Untitled",
                            row.vendor,
                            iso_z_from_unix(row.update_time or row.create_time),
                        )
                        for row, name in zip(rows, names, strict=True)
                        if name in there
                    ]
                done += len(rows)
                say("exporting", 100 * done // max(1, total))
                if cancel():
                    break
        finally:
            behind.close()
        if fmt == "html":
            writer.write("index.html", index_html(index))
        writer.save_manifest()
    except OSError as e:
        raise CannotWrite(f"The export into {directory} failed ({e.strerror or e}).") from None
    return result
