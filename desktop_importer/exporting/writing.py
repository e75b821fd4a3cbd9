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
import hashlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop_importer import library
from desktop_importer.basics.background import BackgroundWriter
from desktop_importer.basics.clock import iso_z_from_unix
from desktop_importer.basics.errors import EXIT_NOINPUT, CannotWrite, DesktopImporterError
from desktop_importer.basics.progress import never_cancelled
from desktop_importer.exporting.folder import MANIFEST as MANIFEST
from desktop_importer.exporting.folder import ExportResult as ExportResult
from desktop_importer.exporting.folder import FolderWriter, prepare
from desktop_importer.exporting.kept import kept_files
from desktop_importer.exporting.names import MediaLinks, file_name
from desktop_importer.exporting.notes import markdown
from desktop_importer.exporting.pages import index_html, page_html
from desktop_importer.exporting.vendor_json import vendor_json
from desktop_importer.store import archive as archive_sql
from desktop_importer.store import listing as library_sql
from desktop_importer.store import media as media_sql
from desktop_importer.vendors import chatgpt
from desktop_importer.vendors.registry import vendor_named

if TYPE_CHECKING:
    from desktop_importer.app import App


class UnknownToExport(DesktopImporterError):
    """An id given to `export --conversation` that the archive does not hold."""

    exit_code = EXIT_NOINPUT


WRITES_BEHIND = 64


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


def _details(vendor: str, data: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """(model, url) of a conversation, where the vendor says."""
    module = vendor_named(vendor)
    return module.model_of(data), module.url_of(data)


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
    writer: FolderWriter,
    projects: dict[tuple[str, str], str],
) -> bytes:
    if fmt == "json":
        return vendor_json(view.document)
    branches = _other_branches(app, profile, view) if all_branches else []
    if fmt == "html":
        return page_html(view, MediaLinks(writer), branches)
    model, url = _details(view.vendor, view.document)
    project_id = chatgpt.project_of(view.document) if view.vendor == chatgpt.NAME else None
    name = projects.get((view.vendor, project_id)) if project_id else None
    project = (project_id, name) if project_id and name else None
    return markdown(
        view, MediaLinks(writer), model=model, url=url, branches=branches, project=project
    ).encode()


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
    chosen, total = _chosen(app, profile, conversation_ids)
    prepare(directory)
    result = ExportResult(directory)
    writer = FolderWriter(directory, result)
    say = progress or (lambda stage, done: None)
    index: list[tuple[str, str, str, str | None]] = []
    behind: BackgroundWriter[tuple[str, bytes, str]] = BackgroundWriter(
        lambda item: writer.write(*item), depth=WRITES_BEHIND, name="export-writer"
    )
    run = _Run(app, profile, fmt, all_branches, writer, behind, cancel)
    try:
        try:
            done = 0
            for rows in _batched(chosen, READ_TOGETHER):
                index += run.batch(rows)
                done += len(rows)
                say("exporting", 100 * done // max(1, total))
                if cancel():
                    break
        finally:
            behind.close()
        if not conversation_ids and not cancel():  # the whole archive: its projects too
            for relative, data in kept_files(app, profile, fmt):
                writer.write(relative, data)
        if fmt == "html":
            writer.write("index.html", index_html(index))
        writer.save_manifest()
    except OSError as e:
        raise CannotWrite(f"The export into {directory} failed ({e.strerror or e}).") from None
    return result


def _chosen(
    app: App, profile: str, conversation_ids: list[str] | None
) -> tuple[Iterable[library.ListRow], int]:
    """The conversations to export and how many: those named (every one must exist,
    checked before anything is written), else all of the profile's, in the list's order."""
    if not conversation_ids:
        with app.store.read() as session:
            total = archive_sql.totals(session, profile)[0]
        return library.every_conversation(app, profile), total
    ids = list(dict.fromkeys(conversation_ids))
    named = _rows(app, profile, ids)
    if len(named) < len(ids):
        unknown = next(cid for cid in ids if cid not in {r.conversation_id for r in named})
        raise UnknownToExport(
            f"There is no conversation {unknown} in the archive of profile {profile}; "
            "nothing was exported."
        )
    return named, len(named)


@dataclass
class _Run:
    """One export's settings and its writers, for each batch of conversations."""

    app: App
    profile: str
    fmt: str
    all_branches: bool
    writer: FolderWriter
    behind: BackgroundWriter[tuple[str, bytes, str]]
    cancel: Callable[[], bool]
    media_state: str = ""

    def __post_init__(self) -> None:
        self.projects = library.project_names(self.app, self.profile)
        # A note names its project: naming one writes its notes again.
        names = hashlib.sha256(repr(sorted(self.projects.items())).encode()).hexdigest()[:12]
        self.media_state = f"{_media_state(self.app, self.profile)}:{names}"
        self.extension = {"markdown": "md", "html": "html", "json": "json"}[self.fmt]

    def batch(self, rows: list[library.ListRow]) -> list[tuple[str, str, str, str | None]]:
        """Render what changed of these conversations (read together) and queue their files;
        the index entries of those written, in the list's order (HTML only)."""
        result = self.writer.result
        names = [
            file_name(row.title, row.vendor, row.conversation_id, self.extension) for row in rows
        ]
        todo: list[tuple[str, str, str]] = []  # to render: id, file name, source
        there: set[str] = set()  # the files of this batch that are written
        for row, name in zip(rows, names, strict=True):
            # What the file is made from: an unchanged source is not read again.
            source = f"{RENDERER}:{self.fmt}:{self.all_branches}:{row.cursor[1]}:{self.media_state}"
            if self.writer.unchanged(name, source):
                result.conversations += 1
                there.add(name)
            else:
                todo.append((row.conversation_id, name, source))
        ids = [cid for cid, _, _ in todo]
        with contextlib.closing(library.read_conversations(self.app, self.profile, ids)) as views:
            for (_, name, source), view in zip(todo, views, strict=True):
                if self.cancel():
                    break
                if view is None:  # gone since the list was read
                    continue
                data = _render(
                    self.app,
                    self.profile,
                    view,
                    self.fmt,
                    self.all_branches,
                    self.writer,
                    self.projects,
                )
                self.behind.submit((name, data, source))
                result.conversations += 1
                there.add(name)
        if self.fmt != "html":
            return []
        return [
            (
                name,
                row.title or "Untitled",
                row.vendor,
                iso_z_from_unix(row.update_time or row.create_time),
            )
            for row, name in zip(rows, names, strict=True)
            if name in there
        ]
