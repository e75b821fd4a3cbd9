"""The media stage of an import: after its conversations are staged and before it
publishes, every media member of the export is streamed into the archive's media folder
and recorded for the profile, staged with the run (store/media.py).

- A member is read once, whether no message, one or many point at it; each content is
  stored once (SHA-256), whatever the profile or import that brings it.
- Files move into place inside the transaction that records them, under the archive's
  write lock, so a crash leaves either a recorded file or an unrecorded one that the
  orphan sweep after a crash removes (`sweep`), never a record without its file.
- References that find no file are counted as missing unless the archive already holds
  that file from an earlier export (which keeps its copy).
"""

from __future__ import annotations

import logging
import mimetypes
import os
import stat
import time
import zipfile
import zlib
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import IO, TYPE_CHECKING, Protocol, cast

import orjson

from desktop_importer.basics import media
from desktop_importer.basics.errors import ImportCancelled
from desktop_importer.importing.source import folder_media
from desktop_importer.importing.zip_members import Entry, Listing
from desktop_importer.store import media as sql

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Mapping, Sequence
    from pathlib import Path

    from desktop_importer.app import App
    from desktop_importer.importing.source import ExportFile

log = logging.getLogger(__name__)

BATCH_BYTES = 64 * 2**20  # staged files recorded per transaction, at most
BATCH_FILES = 200
BATCH_SECONDS = 2.0
NAMES_MAX_BYTES = 16 * 2**20


@dataclass
class MediaOutcome:
    files: int = 0  # media members of the export
    bytes: int = 0
    kept: int = 0  # of those, now held by the archive
    missing: int = 0  # ids pointed at that found no file here or in the archive
    unreferenced: int = 0  # members no message points at (kept too)


@dataclass
class _Pending:
    staged: media.StagedFile
    mime: str
    assets: list[tuple[str, str, bool]]  # (asset id, name, referenced)


class MediaStage:
    """One import's media stage, over every file of the export (a message in one part may
    point at a file another part holds). `beat(session)` is the import's fence (heartbeat
    and generation check), run first in every transaction."""

    def __init__(
        self,
        app: App,
        parts: Sequence[ExportFile],
        user_id: str,
        run_id: int,
        beat: Callable[[object, int], None],
        cancelled: Callable[[], bool],
        *,
        names: Mapping[str, str] | None = None,
    ) -> None:
        self.app, self.parts, self.user_id, self.run_id = app, parts, user_id, run_id
        self.names_by_id = dict(names or {})  # file id -> its name (ChatGPT's library)
        self.beat, self.cancelled = beat, cancelled
        self.folder = app.media_folder()
        self.outcome = MediaOutcome(
            files=sum(p.media_files for p in parts), bytes=sum(p.media_bytes for p in parts)
        )
        self.number = 0  # of the file staged next, across the parts
        self.done = 0  # bytes of media read, across the parts

    def run(self, pointed_at: set[str]) -> MediaOutcome:
        listed = [_listed(part) for part in self.parts]
        indexes = [media.MemberIndex(list(part.media)) for part in listed]
        owners: list[dict[str, list[str]]] = [{} for _ in self.parts]  # member -> its ids
        unmatched: list[str] = []
        for asset in sorted(pointed_at):
            found = False
            for index, owner in zip(indexes, owners, strict=True):
                for member in index.find(asset):
                    owner.setdefault(member, []).append(asset)
                    found = True
            if not found:
                unmatched.append(asset)
        self.parts = [_pointed_at(part, owner) for part, owner in zip(listed, owners, strict=True)]
        self.outcome.files = sum(p.media_files for p in self.parts)
        self.outcome.bytes = sum(p.media_bytes for p in self.parts)
        ids_of = [
            {m: owner.get(m) or [sql.UNREFERENCED + m] for m in part.media}
            for part, owner in zip(self.parts, owners, strict=True)
        ]
        with self.app.store.read() as session:
            held = sql.resolve(
                session,
                self.user_id,
                [*unmatched, *(a for each in ids_of for ids in each.values() for a in ids)],
            )
        self.outcome.missing = sum(1 for asset in unmatched if asset not in held)
        self.outcome.unreferenced = sum(
            1 for part, owner in zip(self.parts, owners, strict=True) for m in part.media
            if m not in owner
        )  # fmt: skip
        for part, owner, ids in zip(self.parts, owners, ids_of, strict=True):
            if part.media:  # not a bare conversations.json, nor an export without files
                self._stage_part(part, owner, ids, held)
        return self.outcome

    def _stage_part(
        self,
        part: ExportFile,
        owners: dict[str, list[str]],
        ids_of: dict[str, list[str]],
        held: dict[str, sql.StoredMedia],
    ) -> None:
        with _sources(part) as source:
            sizes = {m: source.size(m) for m in part.media}
            # A member whose every id already has a file of its size in this profile's
            # archive (the same export imported again, or the next one holding the same
            # uploads) is not read again: kept as it is.
            again = {
                m
                for m in part.media
                if all(a in held and held[a].bytes == sizes[m] for a in ids_of[m])
            }
            self.outcome.kept += len(again)
            self.done += sum(sizes[m] for m in again)
            members = [m for m in part.media if m not in again]
            if members:
                self._stage_all(source, part, sizes, members, owners)

    def _stage_all(
        self,
        source: _Source,
        part: ExportFile,
        sizes: dict[str, int],
        members: list[str],
        owners: dict[str, list[str]],
    ) -> None:
        names = self._original_names(source, part)
        pending: list[_Pending] = []
        pending_bytes, last = 0, time.monotonic()
        for member in members:
            if self.cancelled():
                self._discard(pending)
                raise ImportCancelled()
            self.number += 1
            item = self._stage_one(
                source, member, sizes[member], self.number, owners.get(member), names
            )
            self.done += sizes[member]
            if item is not None:
                pending.append(item)
                pending_bytes += item.staged.size
            if (
                pending_bytes >= BATCH_BYTES
                or len(pending) >= BATCH_FILES
                or time.monotonic() - last >= BATCH_SECONDS
            ):
                self._record(pending, self.done)
                pending, pending_bytes, last = [], 0, time.monotonic()
        self._record(pending, self.done)

    def _original_names(self, source: _Source, part: ExportFile) -> dict[str, str]:
        if part.media_names is None:
            return {}
        try:
            if source.size(part.media_names) > NAMES_MAX_BYTES:
                return {}
            with source.open(part.media_names) as handle:
                return media.original_names(orjson.loads(handle.read()))
        except (*UNOPENABLE, orjson.JSONDecodeError):
            log.warning("The export's %s could not be read", media.NAMES_FILE)
            return {}

    def _stage_one(
        self,
        source: _Source,
        member: str,
        size: int,
        number: int,
        assets: list[str] | None,
        names: dict[str, str],
    ) -> _Pending | None:
        try:
            handle = source.open(member)
        except UNOPENABLE:
            log.warning("Media member %r could not be opened; it was not kept", member)
            return None
        try:
            with handle:
                staged = self.folder.stage(self.run_id, number, handle, size)
        except UNREADABLE:  # not OSError: a full disk while writing ends the import
            # stage() removed its partial file; the files staged before it stay pending.
            log.warning("Media member %r could not be read; it was not kept", member)
            return None
        named = next((self.names_by_id[a] for a in assets or () if a in self.names_by_id), None)
        guess = named or names.get(media.base_name(member), member)
        mime = media.mime_type(staged.head, guess)
        if assets:
            rows = [
                (
                    a,
                    self.names_by_id.get(a) or _typed(media.display_name(member, a, names), mime),
                    True,
                )
                for a in assets
            ]
        else:
            rows = [(sql.UNREFERENCED + member, media.display_name(member, None, names), False)]
        return _Pending(staged, mime, rows)

    def _record(self, pending: list[_Pending], done: int) -> None:
        """Record staged files in one fenced transaction, moving each into place inside it
        (the write lock held), so that no sweep can see a file without knowing whether its
        row will commit."""
        if not pending:
            return
        self.folder.make_durable([p.staged for p in pending])
        with self.app.store.write() as session:
            self.beat(session, done)
            present = sql.known(session, [p.staged.sha256 for p in pending])
            for item in pending:
                staged = item.staged
                if staged.sha256 not in present:
                    self.folder.place(staged)
                    sql.add_blob(
                        session,
                        staged.sha256,
                        staged.size,
                        item.mime,
                        media.image_size(staged.head, item.mime),
                    )
                    present.add(staged.sha256)
                else:
                    staged.temp.unlink(missing_ok=True)
                for asset, name, referenced in item.assets:
                    sql.stage_asset(
                        session,
                        self.user_id,
                        self.run_id,
                        asset,
                        staged.sha256,
                        name,
                        referenced=referenced,
                    )
        self.outcome.kept += len(pending)

    def _discard(self, pending: list[_Pending]) -> None:
        for item in pending:
            item.staged.temp.unlink(missing_ok=True)


# -- where an export's media are read from -------------------------------------------------


def _listed(part: ExportFile) -> ExportFile:
    """An unpacked export's part with its folder's files as its media (source.folder_media),
    listed now that its messages have said which files they point at."""
    if part.media_root is None:
        return part
    found = folder_media(part.media_root) or []
    return replace(part, media=tuple(name for name, _ in found))


def _pointed_at(part: ExportFile, owners: dict[str, list[str]]) -> ExportFile:
    """A folder's files that messages point at, only: a folder dropped may hold more than
    the export (a ZIP's every member is the export's, and is kept)."""
    if part.media_root is None:
        return part
    source = _Unpacked(part.media_root)
    kept = tuple(m for m in part.media if m in owners)
    return replace(
        part, media=kept, media_files=len(kept), media_bytes=sum(source.size(m) for m in kept)
    )


# What reading one member can fail with (it is then not kept, and the log says so); opening
# one also with a file of the folder gone or become a link.
UNREADABLE = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError)
UNOPENABLE = (OSError, KeyError, *UNREADABLE)


class _Source(Protocol):
    def size(self, member: str) -> int: ...
    def open(self, member: str) -> IO[bytes]: ...


class _Zipped:
    """The members of the export's ZIP, from its Listing (zipfile's grows fast with the
    files: a Le Chat export has one a conversation)."""

    def __init__(self, archive: Listing) -> None:
        self.archive = archive

    def _entry(self, member: str) -> Entry:
        entry = self.archive.get(member)
        if entry is None:
            raise KeyError(member)
        return entry

    def size(self, member: str) -> int:
        return self._entry(member).file_size

    def open(self, member: str) -> IO[bytes]:
        return cast(IO[bytes], self.archive.open(self._entry(member)))


class _Unpacked:
    """The files of an unpacked export's folder (`ExportFile.media_root`), named as the
    folder's own listing named them (source.folder_media), never as an export's content
    names them. A file that became a link since is not followed (O_NOFOLLOW)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def size(self, member: str) -> int:
        try:
            info = (self.root / member).lstat()
        except OSError:
            return 0
        return info.st_size if stat.S_ISREG(info.st_mode) else 0

    def open(self, member: str) -> IO[bytes]:
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
        return os.fdopen(os.open(self.root / member, flags), "rb")


@contextmanager
def _sources(part: ExportFile) -> Iterator[_Source]:
    if part.media_root is not None:
        yield _Unpacked(part.media_root)
        return
    with Listing(part.path) as archive:
        yield _Zipped(archive)


# -- after a run that did not publish, and after a crash ----------------------------------


GC_BATCH = 200


def _typed(name: str, mime: str) -> str:
    """A name without an extension (Grok's assets are named by their id) given the one its
    bytes' type has."""
    if "." in name or mime == "application/octet-stream":
        return name
    return name + (mimetypes.guess_extension(mime) or "")


def drop_run(app: App, run_id: int) -> None:
    """Forget what a run that is over staged, then delete contents nothing refers to."""
    with app.store.write() as session:
        sql.drop_run(session, run_id)
    app.media_folder().clear_staging(run_id)
    collect(app)


def collect(app: App) -> int:
    """Delete stored contents no file of any profile refers to: rows first (committed),
    then files, so that a crash between leaves an orphan file, never a row without one."""
    folder = app.media_folder()
    removed = 0
    while True:
        with app.store.write() as session:
            shas = sql.unreferenced(session, GC_BATCH)
            sql.forget_blobs(session, shas)
        for sha in shas:
            folder.remove(sha)
        removed += len(shas)
        if len(shas) < GC_BATCH:
            return removed


def sweep(app: App) -> int:
    """Remove files no row records (a crash between a file's move and its transaction's
    commit, or between a row's delete and its file's). Holds the write lock while it looks,
    so that no import is between a move and a commit meanwhile."""
    folder = app.media_folder()
    with app.store.write() as session:
        recorded = sql.all_blobs(session)
        strays = [sha for sha in folder.stored() if sha not in recorded]
        for sha in strays:
            folder.remove(sha)
    return len(strays)
