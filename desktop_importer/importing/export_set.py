"""What one import reads: the file dropped, or several files dropped, chosen or named
together, a folder's files, or the files a Claude manifest lists beside it. Whatever it
is, it is one import: one claim of the guard, one report, all or nothing. The reading
process reads the parts in order with one set of the ids seen, so a conversation that two
parts hold counts once (the first copy is kept).

Each file is opened and checked as it would be alone (source.py), and one that cannot be
read refuses the whole import, its name in the sentence. Claude's projects and memory are
read after the conversations (sides.py); the account's details are set aside and named in
the report. A file is told by what it holds, never by its name alone.
"""

from __future__ import annotations

import contextlib
import json
import re
import shutil
import stat
import zipfile
import zlib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from desktop_importer.basics.errors import InvalidExport, LimitExceeded, PathProblem
from desktop_importer.basics.settings import SIZE_LIMITS, Settings, human_bytes
from desktop_importer.importing import manifest, sides
from desktop_importer.importing.sides import SideFile
from desktop_importer.importing.source import (
    NAMES_FILE,
    ExportFile,
    fingerprint,
    is_grok_backend,
    is_zip,
    open_export,
    read_head,
    zip_time,
)
from desktop_importer.importing.zip_members import Entry, Listing
from desktop_importer.vendors import gemini

if TYPE_CHECKING:
    import os
    from collections.abc import Sequence

MAX_FILES = 200  # files given at once or found in a folder; a large Claude export has dozens
# An unpacked export dropped as the folder it unpacked into (a browser unpacks a download by
# itself) holds its conversations below: Takeout/My Activity/Gemini Apps/, Grok's
# ttl/30d/export_data/<id>/, or a re-compressed export's one top folder. How far down they
# are looked for, and how much is looked at (a Takeout of Photos holds 100,000 files).
BELOW_DEPTH = 6
BELOW_ENTRIES = 50_000
BELOW_HEADS = 200  # .json and .html files whose first bytes are read
# Files whose folder is the export, told apart by their content when the folder is read.
_CONVERSATION_FILE = re.compile(
    r"conversations(?:-\d+)?\.json|export_manifest\.json|chat-[0-9a-f-]{36}\.json", re.I
)


@dataclass(frozen=True)
class SetAside:
    """A file given with the export that holds no conversations."""

    name: str
    why: str


@dataclass(frozen=True)
class Export:
    parts: tuple[ExportFile, ...]  # the files holding conversations, in reading order
    given: tuple[Path, ...]  # what the person dropped, chose or named ("Try again" reuses it)
    set_aside: tuple[SetAside, ...] = ()
    sides: tuple[SideFile, ...] = ()  # Claude's projects and memory, read after the parts
    # ZIPs inside a given ZIP, one level (a download folder zipped again), when a check
    # only looked at them: the import unpacks and reads them (`unpack`).
    nested: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        """How the window, the command line and the guard's row name it."""
        if len(self.given) > 1:
            rest = len(self.given) - 1
            return f"{self.given[0].name} and {rest:,} more file{'s' if rest > 1 else ''}"
        if len(self.parts) == 1 and not self.given[0].is_dir():
            return self.parts[0].name  # a manifest's one conversations file, or the file
        return self.given[0].name

    @property
    def size(self) -> int:
        return sum(part.size for part in self.parts)

    @property
    def data_bytes(self) -> int:
        return sum(part.data_bytes for part in self.parts)

    @property
    def media_files(self) -> int:
        return sum(part.media_files for part in self.parts)

    @property
    def media_bytes(self) -> int:
        return sum(part.media_bytes for part in self.parts)


def open_exports(
    paths: Sequence[Path],
    limits: Settings | None = None,
    *,
    partial: bool = False,
    unpack: Path | None = None,
) -> Export:
    """Check every file given (a folder stands for its files, a manifest for the files it
    lists beside it) and find their conversation data, or say in one sentence why not.
    `partial`: a manifest whose files are not all there imports those that are. `unpack`:
    a private folder the import deletes afterwards, into which the ZIPs a given ZIP holds
    are copied (one level deep), each under a number, never its own name; without it they
    are only checked."""
    limits = limits or Settings()
    given = tuple(paths)
    if not given:
        raise PathProblem("No file was given to import.")
    gathered = _Gathered(limits, partial, unpack)
    for path in given:
        if _is_folder(path):
            gathered.folder(path)
        else:
            gathered.file(path, explicit=True)
    export = Export(
        tuple(gathered.parts),
        given,
        tuple(gathered.aside),
        tuple(gathered.side_files()),
        tuple(gathered.nested),
    )
    if export.nested and not export.parts:
        return export  # checked; the import unpacks them and checks them again
    if not export.parts:
        raise _nothing_to_import(export)
    _check_complete(export)
    total = export.data_bytes + export.media_bytes
    if len(export.parts) > 1 and total > limits.max_total_bytes:
        raise LimitExceeded(
            f"{export.name} would inflate to {human_bytes(total)} with their media, more than "
            f"{SIZE_LIMITS['max_total_bytes']} ({human_bytes(limits.max_total_bytes)}); "
            "they were refused before reading.",
            "max_total_bytes",
        )
    return export


def source_text(given: Sequence[Path]) -> str:
    """What the guard's row keeps of what was given, for "Try again": one path as it is,
    several as a JSON list (a path kept is absolute, so never starts with `[`)."""
    paths = [str(p.resolve()) for p in given]
    return paths[0] if len(paths) == 1 else json.dumps(paths, ensure_ascii=False)


def given_paths(source: str) -> list[Path]:
    """The paths `source_text` kept."""
    if source.startswith("["):
        try:
            kept = json.loads(source)
        except ValueError:
            kept = None
        if isinstance(kept, list) and all(isinstance(p, str) for p in kept):
            return [Path(p) for p in kept]
    return [Path(source)]


def _is_folder(path: Path) -> bool:
    try:
        return stat.S_ISDIR(path.stat().st_mode)
    except OSError:
        return False  # check_path says what is wrong with it


class _Gathered:
    def __init__(self, limits: Settings, partial: bool, unpack: Path | None = None) -> None:
        self.limits = limits
        self.partial = partial
        self.unpack = unpack
        self.nested: list[str] = []  # inner ZIPs only checked (no `unpack`)
        self.unpacked = 0
        self.parts: list[ExportFile] = []
        self.aside: list[SetAside] = []
        self.sides: list[SideFile] = []
        self.seen: set[Path] = set()  # a file given twice, or a manifest and its files: once
        self.listings: dict[Path, list[manifest.ListedFile] | None] = {}

    def _listing(self, path: Path) -> list[manifest.ListedFile] | None:
        """The files a Claude manifest lists, or None if `path` is not one (read once: a
        folder's manifest is looked for, then followed)."""
        if path not in self.listings:
            info, head = read_head(path)
            looks = manifest.looks_like_manifest(head, info.st_size)
            # None from read(): a conversations file that mentions the word
            self.listings[path] = manifest.read(path) if looks else None
        return self.listings[path]

    def count(self) -> int:
        return len(self.parts) + len(self.aside) + len(self.sides)

    def side_files(self) -> list[SideFile]:
        """The files of projects and memory given, and those beside conversations.json."""
        beside = [
            SideFile(p.path, p.sides, frozenset(), 0, p.fingerprint, p.exported_at)
            for p in self.parts
            if p.sides
        ]
        return [*self.sides, *beside]

    def folder(self, folder: Path, *, below: bool = True) -> None:
        """A folder's files; a manifest among them speaks for it. Its subfolders are looked
        in (`below`) only if its own files hold no conversations (`_export_below`)."""
        try:
            files = sorted(
                entry
                for entry in folder.iterdir()
                if not entry.name.startswith(".") and entry.is_file()
            )
        except OSError as e:
            raise PathProblem(f"{folder} cannot be read ({e.strerror}).") from None
        if len(files) > MAX_FILES:
            raise InvalidExport(
                f"The folder “{folder.name}” holds {len(files):,} files, more than the "
                f"{MAX_FILES} an export has; drop the export's files themselves."
            )
        manifests = [f for f in files if self._listing(f) is not None]
        if len(manifests) > 1:
            raise InvalidExport(
                f"The folder “{folder.name}” holds {len(manifests)} Claude manifests "
                f"({', '.join(f.name for f in manifests[:3])}); drop the one to import."
            )
        taken, first = len(self.parts) + len(self.nested), len(self.parts)
        for path in manifests or files:
            self.file(path, explicit=False)
        self._media_beside(folder, first)
        if below and len(self.parts) + len(self.nested) == taken:
            found = _export_below(folder)
            if len(found) > 1:
                places = ", ".join(str(p.relative_to(folder)) for p in found[:3])
                raise InvalidExport(
                    f"The folder “{folder.name}” holds more than one export ({places}); "
                    "drop the one to import."
                )
            for path in found:
                if _is_folder(path):
                    self.folder(path, below=False)
                else:
                    first = len(self.parts)
                    self.file(path, explicit=False)
                    self._media_beside(path.parent, first)

    def _media_beside(self, folder: Path, first: int) -> None:
        """The files of the folder that the conversations file `self.parts[first]` was read
        from hold its media, as the files beside the conversations do in its ZIP (ZIPs
        bring their own): those its messages point at are kept (media_stage._listed)."""
        if len(self.parts) <= first or self.parts[first].members is not None:
            return
        names_file = folder / NAMES_FILE  # the 2026 layout's original names
        names = NAMES_FILE if names_file.is_file() and not names_file.is_symlink() else None
        self.parts[first] = replace(self.parts[first], media_root=folder, media_names=names)
        # Its files other than JSON and HTML are the media stage's now, not set aside.
        beside = {p.name for p in folder.iterdir() if not p.name.lower().endswith(_OWN)}
        self.aside = [a for a in self.aside if a.name not in beside]

    def file(self, path: Path, *, explicit: bool, label: str | None = None, depth: int = 0) -> None:
        """Take one file (`label`, `depth`: a ZIP unpacked from a given one, its name there)."""
        key = path.resolve()
        if key in self.seen:
            return
        self.seen.add(key)
        if self.count() >= MAX_FILES:
            raise InvalidExport(
                f"More than {MAX_FILES} files were given at once; an export has fewer. "
                "Drop the export's files themselves."
            )
        info, head = read_head(path)
        listing = self._listing(path)
        if listing is not None:
            for listed in manifest.files_beside(path, listing, partial=self.partial):
                self.file(listed, explicit=False)
            return
        # A ZIP's listing is read once, for both the looks below and open_export.
        directory = _directory(path) if is_zip(head) else None
        with directory or contextlib.nullcontext():
            inner, zip_sides = _look_inside(directory) if directory else (None, None)
            if inner:  # before its JSON tells a kind
                self._nested(path, inner, label or path.name, depth)
                return
            if self._side(path, info, head, label, zip_sides):
                return
            try:
                part = open_export(path, self.limits, directory)
            except LimitExceeded:
                raise
            except InvalidExport:
                if explicit or is_zip(head) or _is_json(head):
                    raise
                self.aside.append(SetAside(label or path.name, "not part of an export"))
                return
        self.parts.append(replace(part, label=label) if label else part)

    def _nested(self, path: Path, inner: list[Entry], name: str, depth: int) -> None:
        """The ZIPs a given ZIP holds (Claude's download folder zipped again): checked by
        their declared sizes, then, when importing, copied out and read as if given."""
        first = inner[0].filename.replace("\\", "/").rsplit("/", 1)[-1]
        if depth >= 1:
            raise InvalidExport(
                f"{name}, a ZIP inside the one given, holds ZIP files itself ({first}); ZIPs "
                "inside a ZIP are read one level deep, no more. Unzip it and drop the folder it "
                "makes."
            )
        for info in inner:
            if info.flag_bits & 0x1:
                raise InvalidExport(
                    f"{name} is password-protected; export your data again without a password."
                )
            if info.file_size > self.limits.max_member_bytes:
                raise LimitExceeded(
                    f"{info.filename} in {name} is {human_bytes(info.file_size)}, more than "
                    f"{SIZE_LIMITS['max_member_bytes']} "
                    f"({human_bytes(self.limits.max_member_bytes)}); it was refused before "
                    "reading.",
                    "max_member_bytes",
                )
        if self.unpack is None:
            self.nested += [i.filename for i in inner]
            return
        for info in inner:
            target = self.unpack / f"{self.unpacked:03d}.zip"  # never a name from the ZIP
            self.unpacked += 1
            try:
                with info.listing.open(info) as source, target.open("xb") as out:
                    shutil.copyfileobj(source, out, 2**20)
            except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError):
                raise InvalidExport(
                    f"{name} is damaged: {info.filename} inside it cannot be decompressed; "
                    "download the export again."
                ) from None
            base = info.filename.replace("\\", "/").rsplit("/", 1)[-1]
            self.file(target, explicit=False, label=base, depth=depth + 1)

    def _side(
        self,
        path: Path,
        info: os.stat_result,
        head: bytes,
        label: str | None,
        zip_sides: _ZipSides | None,
    ) -> bool:
        """Take a file of projects, memory or the account's details (`zip_sides`: what a
        ZIP's JSON files showed); False if it is none."""
        if is_zip(head):
            if zip_sides is None:
                return False
            kinds, members = zip_sides
            size = sides.check_members(path, members, self.limits)
            names: tuple[str, ...] | None = tuple(m.filename for m in members)
            made = zip_time(members[0]) if members else None
        else:
            kind = sides.head_kind(head)
            if kind is None:
                return False
            kinds, names, size, made = {kind}, None, info.st_size, None
            if size > self.limits.max_member_bytes:
                raise LimitExceeded(
                    f"{path.name} is {human_bytes(size)}, more than "
                    f"{SIZE_LIMITS['max_member_bytes']} "
                    f"({human_bytes(self.limits.max_member_bytes)}); it was refused before "
                    "reading.",
                    "max_member_bytes",
                )
        kept = frozenset(kinds) & sides.KEPT
        if not kept:
            self.aside.append(SetAside(label or path.name, sides.NOT_KEPT))
            return True
        exported_at = made if made is not None else info.st_mtime
        self.sides.append(
            SideFile(path, names, kept, size, fingerprint(info), exported_at, label=label)
        )
        return True


_ZipSides = tuple[set[str], list[Entry]]  # sides.zip_kinds: kinds, JSON members


def _directory(path: Path) -> Listing | None:
    """The ZIP's listing (not zipfile's, whose memory grows fast with the files), or None if
    it cannot be read (open_export then says why)."""
    try:
        return Listing(path)
    except (zipfile.BadZipFile, EOFError, OSError):
        return None


def _look_inside(archive: Listing) -> tuple[list[Entry] | None, _ZipSides | None]:
    """(the ZIPs it holds, what its JSON files hold) of a ZIP without conversations of its
    own, from its listing; each None where there is none, or a member read cannot be read
    (open_export says why)."""
    try:
        inner = _inner_zips(list(archive))
        return inner, None if inner else sides.zip_kinds(archive)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError):
        return None, None


def _inner_zips(listed: list[Entry]) -> list[Entry] | None:
    """The ZIP files a ZIP holds (at its top or in one folder), if it holds no conversation
    data of its own; else None."""
    infos = [
        i for i in listed
        if not i.is_dir() and not i.filename.startswith("__MACOSX")
        and not i.filename.replace("\\", "/").rsplit("/", 1)[-1].startswith(".")
    ]  # fmt: skip
    bases = [i.filename.replace("\\", "/").rsplit("/", 1)[-1].lower() for i in infos]
    if any(b == "conversations.json" or (b.startswith("conversations-") and b.endswith(".json"))
           for b in bases):  # fmt: skip
        return None
    inner = [
        i for i, b in zip(infos, bases, strict=True)
        if b.endswith(".zip") and i.filename.replace("\\", "/").count("/") <= 1
    ]  # fmt: skip
    return inner or None


_OWN = (".json", ".html")  # an export's own files beside its media (source._is_media)


def _export_below(folder: Path) -> list[Path]:
    """Where the export lies in `folder`'s subfolders, at the shallowest depth that holds
    one: the folder of conversation files (read as a dropped folder is), Grok's
    prod-grok-backend.json or a Gemini activity log (told by their first bytes; Gemini's
    JSON form where both are beside each other). Links are never followed; dot-folders and
    __MACOSX are passed over."""
    level, entries, heads = [folder], 0, 0
    for _depth in range(BELOW_DEPTH):
        found: list[Path] = []
        deeper: list[Path] = []
        for current in level:
            try:
                listed = sorted(current.iterdir())
            except OSError:
                continue
            entries += len(listed)
            if entries > BELOW_ENTRIES:
                return []
            for entry in listed:
                if entry.name.startswith(".") or entry.name == "__MACOSX" or entry.is_symlink():
                    continue
                if entry.is_dir():
                    deeper.append(entry)
                elif current != folder and _CONVERSATION_FILE.fullmatch(entry.name):
                    found.append(current)
                    break
                elif current != folder and entry.suffix.lower() in (".json", ".html"):
                    heads += 1
                    if heads <= BELOW_HEADS and _is_log(entry):
                        found.append(entry)
        if found:
            return _one_form(found)
        level = deeper
    return []


def _is_log(path: Path) -> bool:
    """Grok's backend file or a Gemini activity log, by its first bytes."""
    html = path.suffix.lower() == ".html"
    try:
        with path.open("rb") as handle:
            head = handle.read(gemini.HTML_HEAD_BYTES if html else 4096)
    except OSError:
        return False
    if html:
        return gemini.is_activity_html(head)
    return is_grok_backend(head) or gemini.is_activity_json(head)


def _one_form(found: list[Path]) -> list[Path]:
    """A Gemini log's JSON form where its HTML form is beside it (its times are exact)."""
    jsons = {p.parent for p in found if p.suffix.lower() == ".json"}
    return [p for p in found if not (p.suffix.lower() == ".html" and p.parent in jsons)]


def _is_json(head: bytes) -> bool:
    return sides.is_json(head)


# -- the whole ------------------------------------------------------------------------------


def _nothing_to_import(export: Export) -> InvalidExport | PathProblem:
    aside = [
        *(SetAside(side.name, side.holds) for side in export.sides),
        *export.set_aside,
    ]
    folder = len(export.given) == 1 and _is_folder(export.given[0])
    if len(export.given) == 1 and not folder and aside:
        kind = aside[0].why.split(" (")[0].split(",")[0]
        return InvalidExport(
            f"{aside[0].name} holds {kind}, not conversations; drop it together with the "
            "export's conversation files (or the folder they are in)."
        )
    where = f"The folder “{export.given[0].name}” holds" if folder else "The files given hold"
    if not aside:
        return PathProblem(f"{where} no files to import.")
    names = ", ".join(a.name for a in aside[:4])
    more = "" if len(aside) <= 4 else f" and {len(aside) - 4:,} more"
    return InvalidExport(f"{where} no conversations ({names}{more}).")


def _check_complete(export: Export) -> None:
    """A multi-part ZIP export lists every part's conversation files in the first part's
    manifest: each must be in one of the files given."""
    held = {m.replace("\\", "/").rsplit("/", 1)[-1] for p in export.parts for m in p.members or ()}
    for part in export.parts:
        missing = [name for name in part.listed if name not in held]
        if missing:
            more = "" if len(missing) == 1 else f" (and {len(missing) - 1:,} more)"
            raise InvalidExport(
                f"The export's manifest lists {missing[0]}{more}, but {part.name} does not "
                "contain it and no other file given does; the export is incomplete (drop all "
                "its parts together)."
            )
