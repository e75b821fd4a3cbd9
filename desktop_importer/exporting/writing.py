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
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from desktop_importer import library
from desktop_importer.basics.background import BackgroundWriter
from desktop_importer.basics.clock import iso_z_from_unix
from desktop_importer.basics.errors import EXIT_NOINPUT, CannotWrite, DesktopImporterError
from desktop_importer.basics.progress import never_cancelled
from desktop_importer.exporting.names import MediaLinks, file_name
from desktop_importer.exporting.notes import markdown
from desktop_importer.exporting.pages import index_html, page_html
from desktop_importer.exporting.vendor_json import vendor_json
from desktop_importer.store import archive as archive_sql
from desktop_importer.store import listing as library_sql
from desktop_importer.store import media as media_sql

if TYPE_CHECKING:
    from desktop_importer.app import App

MANIFEST = ".desktop-importer-export.json"


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
        return page_html(view, MediaLinks(writer), branches)
    model, url = _details(view.document)
    return markdown(view, MediaLinks(writer), model=model, url=url, branches=branches).encode()


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
    _prepare(directory)
    result = ExportResult(directory)
    writer = _Writer(directory, result)
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
    writer: _Writer
    behind: BackgroundWriter[tuple[str, bytes, str]]
    cancel: Callable[[], bool]
    media_state: str = ""

    def __post_init__(self) -> None:
        self.media_state = _media_state(self.app, self.profile)
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
                    self.app, self.profile, view, self.fmt, self.all_branches, self.writer
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
