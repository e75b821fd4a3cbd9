"""Opening an export: checks on the path, and member selection in a ZIP (read in place,
nothing extracted), each check with its sentence, in the order they run before anything
is read. The conversation objects it holds are streamed by objects.py.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import zipfile
import zlib
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import zipfile_deflate64  # noqa: F401  (teaches zipfile Deflate64, which Windows Explorer uses)

from desktop_importer.basics.errors import InvalidExport, LimitExceeded, PathProblem
from desktop_importer.basics.settings import SIZE_LIMITS, Settings, human_bytes
from desktop_importer.importing import (
    inflate,  # noqa: F401  (Deflate by ISA-L)
    sides,
)
from desktop_importer.importing.zip_members import Entry, Listing, Record
from desktop_importer.vendors import gemini

MANIFEST = "export_manifest.json"
NAMES_FILE = "conversation_asset_file_names.json"  # media.NAMES_FILE
SINGLE = "conversations.json"
SPLIT = re.compile(r"conversations-(\d+)\.json")
MANIFEST_MAX_BYTES = 16 * 1024 * 1024
SIDE_MAX_BYTES = 256 * 1024 * 1024  # projects.json beside conversations.json, read whole
# stored, deflate, Deflate64 (zipfile-deflate64), bzip2, LZMA
READABLE_METHODS = frozenset(
    {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, 9, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}
)
ENCRYPTED = 0x1 | 0x40  # general purpose flags: encrypted; strongly encrypted
PATCHED = 0x20  # "compressed patched data", which no reader of ours (or zipfile) reads


def readable(info: Entry) -> bool:
    """Whether zipfile can open the member at all (its bytes may still be damaged)."""
    return _readable(info.flag_bits, info.compress_type)


def _readable(flags: int, method: int) -> bool:
    return not flags & (ENCRYPTED | PATCHED) and method in READABLE_METHODS


@dataclass(frozen=True)
class ChatFiles:
    """Which members of a Le Chat ZIP are its chats, as a rule rather than a list: the JSON
    files directly in `folder`, from `first` on in name order (those before it are not
    chats), that can be read and are not links. The reading process walks the ZIP's
    directory and opens each file the rule takes, in the directory's order, passing over
    one that is not a chat by its first bytes (objects._whole), as _lechat_chats tells
    them. A list of their names cost each process about 100 bytes a chat, and a 1 GB export
    has 58,899 (issue #26: flat memory at any size)."""

    folder: str  # "" or "<folder>/"
    first: str  # the first chat's file name
    max_bytes: int  # larger files are passed over: a chat that large refused the export

    def takes(self, name: str, record: Record) -> bool:
        if record.size > self.max_bytes or (normal := _safe_name(name)) is None:
            return False
        folder, base = _placement(normal, normal.endswith("/"))
        return (
            base is not None
            and folder == self.folder
            and base >= self.first
            and _may_be_chat(base, record.flags, record.method, record.system, record.attributes)
        )


def _may_be_chat(base: str, flags: int, method: int, system: int, attributes: int) -> bool:
    """A file that may be a Le Chat chat: JSON, readable, not a link (the one test of both
    _lechat_chats, which chooses the chats, and ChatFiles, by which they are read)."""
    return (
        base.lower().endswith(".json")
        and _readable(flags, method)
        and not _link(system, attributes)
    )


@dataclass(frozen=True)
class ExportFile:
    path: Path
    size: int  # bytes on disk
    members: tuple[str, ...] | None  # conversation files in the ZIP, in order; None: bare JSON
    data_bytes: int  # uncompressed bytes of conversation data, for progress
    media_files: int = 0  # uploads, generated images, audio, documents (media.py)
    media_bytes: int = 0
    fingerprint: tuple[int, int, int] = (0, 0, 0)  # size, mtime_ns, inode when opened
    # When the vendor made the export (the conversation file's time in the ZIP, else the
    # file's), and whose it is (ChatGPT's user.json): which export is the latest of an
    # account decides what is "no longer in the vendor's export".
    exported_at: float | None = None
    account: str | None = None
    media: tuple[str, ...] = ()  # the media members, as named in the ZIP
    # An unpacked export's folder, whose files `media` names instead (folder_media).
    media_root: Path | None = None
    media_names: str | None = None  # the 2026 layout's names file (media.NAMES_FILE)
    # What the ZIP's export_manifest.json lists: a multi-part export's parts hold these
    # between them (export_set.py checks that they all came).
    listed: tuple[str, ...] = ()
    # Claude's projects and memory beside its conversations.json (the one-ZIP layout): read
    # after the conversations (sides.py).
    sides: tuple[str, ...] = ()
    label: str | None = None  # a ZIP unpacked from another: its name there (export_set.py)
    # The lists of a file whose top level is an object: `{"conversations": [...]}`, and
    # Grok's Imagine posts beside its conversations.
    lists: tuple[str, ...] = ("conversations",)
    # Each member is one conversation, a bare array of its messages (Le Chat's chat-<id>.json).
    whole: bool = False
    chats: ChatFiles | None = None  # a ZIP's such members (then `members` is empty)
    # A Gemini activity log ("html" or "json"), whose entries are grouped into conversations.
    activity: str | None = None

    @property
    def name(self) -> str:
        return self.label or self.path.name


def check_path(path: Path) -> os.stat_result:
    """The pre-checks that answer 66 and never touch the profile."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise PathProblem(f"{path} does not exist.") from None
    except OSError as e:
        raise PathProblem(f"{path} cannot be read ({e.strerror}).") from None
    if stat.S_ISDIR(info.st_mode):
        raise PathProblem(f"{path} is a folder; choose the export's .zip file itself.")
    if not stat.S_ISREG(info.st_mode):
        raise PathProblem(f"{path} is not a regular file.")
    try:
        with path.open("rb"):
            pass
    except OSError as e:
        raise PathProblem(f"{path} cannot be read ({e.strerror}).") from None
    return info


def fingerprint(info: os.stat_result) -> tuple[int, int, int]:
    return (info.st_size, info.st_mtime_ns, info.st_ino)


def disappeared(export: ExportFile | sides.SideFile) -> PathProblem:
    return PathProblem(
        f"{export.name} disappeared while it was being imported; nothing was changed."
    )


def check_unchanged(export: ExportFile | sides.SideFile) -> None:
    """Refuse an export whose file changed or vanished while it was read."""
    try:
        now = fingerprint(export.path.stat())
    except FileNotFoundError:
        raise disappeared(export) from None
    if now != export.fingerprint:
        raise InvalidExport(
            f"{export.name} changed while it was being read (is it still downloading?); "
            "nothing was imported. Import it again once it is complete."
        )


def _too_large(what: str, setting: str, limit: int) -> LimitExceeded:
    return LimitExceeded(
        f"{what} {SIZE_LIMITS[setting]} ({human_bytes(limit)}); it was refused before reading.",
        setting,
    )


def read_head(path: Path) -> tuple[os.stat_result, bytes]:
    """The path checked (check_path) and its first 4 KB, by which its kind is told."""
    info = check_path(path)
    if info.st_size == 0:
        raise InvalidExport(f"{path.name} is empty (0 bytes); the download may not have finished.")
    try:
        with path.open("rb") as handle:
            return info, handle.read(4096)
    except OSError as e:
        raise PathProblem(f"{path} cannot be read ({e.strerror}).") from None


def is_zip(head: bytes) -> bool:
    return head.startswith((b"PK\x03\x04", b"PK\x05\x06"))


def open_export(
    path: Path, limits: Settings | None = None, directory: Listing | None = None
) -> ExportFile:
    """Check one file and find its conversation data, or say why there is none (a Claude
    manifest, which stands for the files beside it, is export_set.py's). `directory`: the
    ZIP's listing, if the caller read it already."""
    limits = limits or Settings()
    info, head = read_head(path)
    if is_zip(head):
        export = _open_zip(path, info.st_size, limits, directory)
        return replace(export, fingerprint=fingerprint(info))
    form = _bare_activity(path, head)
    if form is not None or head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"[", b"{"):
        if info.st_size > limits.max_member_bytes:
            raise _too_large(
                f"{path.name} is {human_bytes(info.st_size)}, more than",
                "max_member_bytes",
                limits.max_member_bytes,
            )
        return ExportFile(
            path,
            info.st_size,
            None,
            info.st_size,
            fingerprint=fingerprint(info),
            exported_at=info.st_mtime,
            lists=GROK_LISTS if is_grok_backend(head) else ("conversations",),
            whole=is_lechat_chat(head),
            activity=form,
        )
    raise InvalidExport(
        f"{path.name} is neither a ZIP archive nor a conversations.json file; "
        "choose the .zip file your AI chat export came as (ChatGPT, Claude, DeepSeek, Grok, "
        "Google Takeout for Gemini, Le Chat)."
    )


def _bare_activity(path: Path, head: bytes) -> str | None:
    """ "json" or "html" for a Gemini activity log given on its own, else None."""
    if gemini.is_activity_json(head):
        return "json"
    if head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] != b"<":
        return None
    try:
        with path.open("rb") as handle:
            return "html" if gemini.is_activity_html(handle.read(gemini.HTML_HEAD_BYTES)) else None
    except OSError:
        return None


def _safe_name(name: str) -> str | None:
    """The member's name with `/` separators, or None if it tries to leave its folder
    (absolute, a drive letter, or a `..` part). Backslashes count as separators, as some
    Windows tools write them."""
    normal = name.replace("\\", "/")
    parts = normal.split("/")
    if normal.startswith("/") or re.match(r"[A-Za-z]:", normal) or ".." in parts:
        return None
    return normal


def _is_symlink(info: Entry) -> bool:
    return _link(info.create_system, info.external_attr)


def _link(system: int, attributes: int) -> bool:
    return system == 3 and stat.S_ISLNK(attributes >> 16)


def _open_zip(path: Path, size: int, limits: Settings, directory: Listing | None) -> ExportFile:
    # Over 60 lines: every check of a ZIP's members, in the order they must run (each
    # raises its own sentence before anything is read).
    try:
        with (  # not zipfile's listing, whose memory grows fast with the files
            contextlib.nullcontext(directory) if directory is not None else Listing(path)
        ) as archive:
            infos: dict[str, Entry] = {}
            for info in archive:
                if not 0 <= info.header_offset < size:  # a damaged directory: seek fails
                    raise zipfile.BadZipFile(info.filename)
                normal = _safe_name(info.filename)
                if normal is None:
                    raise InvalidExport(
                        f"{path.name} holds a file whose name tries to leave its folder "
                        f"({info.filename!r}); it is not a genuine export, so nothing was "
                        "imported."
                    )
                infos.setdefault(normal, info)
            folders: dict[str, set[str]] = {}
            for name, info in infos.items():
                folder, base = _placement(name, info.is_dir())
                if base is not None:
                    folders.setdefault(folder, set()).add(base)
            exports = {
                folder: read
                for folder, bases in folders.items()
                if (read := _conversation_files(archive, infos, folder, bases))[0]
            }
            lists: tuple[str, ...] = ("conversations",)
            whole = False
            if not exports and (grok := _grok_backend(archive, infos)) is not None:
                exports, lists = {grok[0]: ([grok[1]], [])}, GROK_LISTS
            if (
                not exports
                and (chats := _lechat_chats(archive, infos, folders, limits.max_member_bytes))
                is not None
            ):
                exports, whole = {chats[0]: (chats[1], [])}, True
            form: str | None = None
            if not exports and (log := _gemini_log(archive, infos)) is not None:
                folder, base, form = log
                exports = {folder: ([base], [])}
            account = (
                _chatgpt_account(archive, infos.get(next(iter(exports)) + "user.json"))
                if len(exports) == 1
                else None
            )
            sides = (
                _side_members(archive, infos, *next(iter(exports.items())), folders)
                if len(exports) == 1
                else []
            )
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError):
        # NotImplementedError: a file read to tell the export's kind that zipfile cannot open
        raise InvalidExport(
            f"{path.name} is a damaged or incomplete ZIP archive; "
            "it may have been cut off while downloading."
        ) from None
    if len(exports) > 1:
        places = ", ".join(sorted(folder.rstrip("/") or "(top level)" for folder in exports))
        raise InvalidExport(
            f"{path.name} holds more than one export ({places}); import them one at a time."
        )
    if not exports:
        found = sorted({base for bases in folders.values() for base in bases}) or sorted(
            {name.rsplit("/", 1)[-1] for name, info in infos.items() if not info.is_dir()}
        )  # files deeper down, where a Grok export keeps them
        inner = [base for base in found if base.lower().endswith(".zip")]
        if inner:  # Claude's files zipped together again (by a browser or the person)
            zips = ", ".join(inner[:3]) + (", …" if len(inner) > 3 else "")
            raise InvalidExport(
                f"{path.name} holds the export's ZIP files inside it ({zips}); unzip it and "
                "drop the folder it makes, or those files."
            )
        listing = ", ".join(found[:6]) + (", …" if len(found) > 6 else "") if found else "nothing"
        raise InvalidExport(
            f"{path.name} has no conversation data (no conversations.json); it contains {listing}."
        )
    ((folder, (files, listed)),) = exports.items()
    members = [infos[folder + base] for base in files]
    _check_members(path, members, limits)
    media = [
        info
        for name, info in infos.items()
        if _is_media(name, info, folder) and not info.flag_bits & 0x1
    ]
    media_bytes = sum(info.file_size for info in media)
    total = sum(info.file_size for info in members) + media_bytes
    if total > limits.max_total_bytes:
        raise _too_large(
            f"{path.name} would inflate to {human_bytes(total)} with its media, more than",
            "max_total_bytes",
            limits.max_total_bytes,
        )
    names = infos.get(folder + NAMES_FILE)
    return ExportFile(
        path,
        size,
        () if whole else tuple(info.filename for info in members),
        sum(info.file_size for info in members),
        len(media),
        media_bytes,
        exported_at=zip_time(members[0]),
        account=account,
        media=tuple(info.filename for info in media),
        media_names=names.filename if names is not None else None,
        listed=tuple(listed),
        sides=tuple(sides),
        lists=lists,
        whole=whole,
        chats=ChatFiles(folder, files[0], limits.max_member_bytes) if whole else None,
        activity=form,
    )


# Grok's backend file, told by its first bytes: an object whose conversations wrap twice.
GROK_HEAD = re.compile(
    rb'^\s*\{\s*"conversations"\s*:\s*\[\s*(?:\]|\{\s*"(?:conversation|responses)"\s*:)'
)
GROK_LISTS = ("conversations", "media_posts")


def is_grok_backend(head: bytes) -> bool:
    return GROK_HEAD.match(head.lstrip(b"\xef\xbb\xbf")) is not None


def _grok_backend(archive: Listing, infos: dict[str, Entry]) -> tuple[str, str] | None:
    """(folder, file name) of Grok's `prod-grok-backend.json`, wherever the export's folders
    put it (`ttl/30d/export_data/<user>/`): the one JSON file whose first bytes are Grok's
    conversations. Files are told by their content, their name only says which to look in
    first."""
    candidates = sorted(
        (name for name, info in infos.items()
         if name.lower().endswith(".json") and not info.is_dir() and readable(info)
         and not _is_symlink(info) and name.split("/")[0] != "__MACOSX"
         and not any(p.startswith(".") for p in name.split("/"))),
        key=lambda name: (not name.endswith("prod-grok-backend.json"), name.count("/"), name),
    )  # fmt: skip
    for name in candidates[:64]:
        with archive.open(infos[name]) as handle:
            if is_grok_backend(handle.read(4096)):
                folder, _, base = name.rpartition("/")
                return (folder + "/" if folder else ""), base
    return None


# A Le Chat chat file, told by its first bytes: an array of messages of one chat.
LECHAT_HEAD = re.compile(rb"^\s*\[\s*\{")


def is_lechat_chat(head: bytes) -> bool:
    """Whether a file's first LECHAT_HEAD_BYTES are one Le Chat chat's messages."""
    head = head.lstrip(b"\xef\xbb\xbf")
    return (
        LECHAT_HEAD.match(head) is not None
        and b'"chatId"' in head
        and (b'"contentChunks"' in head or b'"role"' in head)
    )


LECHAT_HEAD_BYTES = 4096


def _lechat_chats(
    archive: Listing,
    infos: dict[str, Entry],
    folders: dict[str, set[str]],
    max_member_bytes: int,
) -> tuple[str, list[str]] | None:
    """(folder, chat files) of a Le Chat export: the JSON files at the top (or under one
    folder) that hold one chat's messages. Told by content: a file named chat-<id>.json
    that holds something else is not read as one.

    A folder's files are opened here only until one is a chat (opening all 5,800 of a
    large export took 0.3 s before its import could start). The reading process, which
    reads each file whole anyway, passes over one whose first bytes are not a chat, by the
    same test (objects._whole). Where two folders hold chats, every file of both is
    opened, to keep the folder with more; a file over max_member_bytes is opened, so that
    only a chat that large refuses the export."""

    def holds_chat(base: str, folder: str) -> bool:
        with archive.open(infos[folder + base]) as handle:
            return is_lechat_chat(handle.read(LECHAT_HEAD_BYTES))

    found: dict[str, list[str]] = {}
    for folder, bases in sorted(folders.items()):
        candidates = [
            base
            for base in sorted(bases)
            if _may_be_chat(
                base,
                (info := infos[folder + base]).flag_bits,
                info.compress_type,
                info.create_system,
                info.external_attr,
            )
        ]
        first = next((at for at, base in enumerate(candidates) if holds_chat(base, folder)), None)
        if first is not None:  # those before it were opened and are not chats
            found[folder] = candidates[first:]
    if not found:
        return None
    if len(found) > 1:  # the folder with the most chats, the first of those in name order
        chats = {
            folder: sum(holds_chat(b, folder) for b in files) for folder, files in found.items()
        }
        folder = max(chats, key=lambda folder: chats[folder])  # found in name order
    else:
        (folder,) = found
    files = found[folder]
    return folder, [
        base
        for at, base in enumerate(files)
        if at == 0 or infos[folder + base].file_size <= max_member_bytes or holds_chat(base, folder)
    ]


def _gemini_log(archive: Listing, infos: dict[str, Entry]) -> tuple[str, str, str] | None:
    """(folder, file name, "json" or "html") of the Gemini Apps activity among a Takeout's
    products' (every name translated: `Takeout/Moja dejavnost/Aplikacije Gemini/
    Moja_dejavnost.html`): told by its content. The JSON form is preferred where the
    person asked for both (its times are exact)."""
    found: list[tuple[int, str, str]] = []
    for name, info in infos.items():
        parts = name.split("/")
        lower = name.lower()
        if (
            info.is_dir() or not readable(info) or _is_symlink(info) or parts[0] == "__MACOSX"
            or any(p.startswith(".") for p in parts) or not lower.endswith((".json", ".html"))
        ):  # fmt: skip
            continue
        html = lower.endswith(".html")
        with archive.open(info) as handle:
            head = handle.read(gemini.HTML_HEAD_BYTES if html else 4096)
        if gemini.is_activity_html(head) if html else gemini.is_activity_json(head):
            found.append((1 if html else 0, name, "html" if html else "json"))
    if not found:
        return None
    _, name, form = min(found)
    folder, _, base = name.rpartition("/")
    return (folder + "/" if folder else ""), base, form


def _side_members(
    archive: Listing,
    infos: dict[str, Entry],
    folder: str,
    read: tuple[list[str], list[str]],
    folders: dict[str, set[str]],
) -> list[str]:
    """The JSON files beside the conversations that hold Claude's projects or memory (told
    by their first 4 KB), small enough to read whole."""
    found = []
    for base in sorted(folders.get(folder, set()) - set(read[0]) - {MANIFEST, NAMES_FILE}):
        info = infos[folder + base]
        if not base.lower().endswith(".json") or not readable(info) or _is_symlink(info):
            continue
        if info.file_size > SIDE_MAX_BYTES:
            continue
        with archive.open(info) as handle:
            kind = sides.head_kind(handle.read(sides.HEAD_BYTES))
        if kind in sides.KEPT:
            found.append(info.filename)
    return found


def zip_time(info: Entry) -> float | None:
    """A member's time as the ZIP records it (local time, no zone: read as UTC, which is
    enough to order two exports of one account)."""
    try:
        return datetime(*info.date_time, tzinfo=UTC).timestamp()
    except ValueError:
        return None


def _chatgpt_account(archive: Listing, info: Entry | None) -> str | None:
    """The account id in ChatGPT's user.json, if there is a small, readable one."""
    if info is None or info.file_size > 2**20 or info.flag_bits & 0x1:
        return None
    try:
        user = orjson.loads(archive.read(info))
    except (OSError, zipfile.BadZipFile, zlib.error, orjson.JSONDecodeError, NotImplementedError):
        return None
    account = user.get("id") if isinstance(user, dict) else None
    return account if isinstance(account, str) else None


def _check_members(path: Path, members: list[Entry], limits: Settings) -> None:
    """Refuse what cannot or must not be read: encrypted, linked, unknown compression, or
    larger than the limits by its declared sizes (before inflating a byte).

    No ratio test: a genuine export with one long repetitive paste compresses 343 to 1,
    and the declared sizes already bound what reading costs (zipfile returns no more than
    a member's declared size, and bytes beyond it fail the CRC). A bomb is refused by those
    sizes, by the free-disk check, or, if it fits, read like any file and refused for what
    it holds."""
    for info in members:
        if info.flag_bits & ENCRYPTED:
            raise InvalidExport(
                f"{path.name} is password-protected; export your data again without a password."
            )
        if _is_symlink(info):
            raise InvalidExport(
                f"{info.filename} in {path.name} is a symbolic link, not conversation data; "
                "it is not a genuine export."
            )
        if info.compress_type not in READABLE_METHODS or info.flag_bits & PATCHED:
            method = "patched data" if info.flag_bits & PATCHED else f"method {info.compress_type}"
            raise InvalidExport(
                f"{path.name} uses a compression method this app cannot read "
                f"(ZIP {method}); re-compress the export folder as a standard ZIP and import "
                "that."
            )
        if info.file_size > limits.max_member_bytes:
            raise _too_large(
                f"{info.filename} would inflate to {human_bytes(info.file_size)}, more than",
                "max_member_bytes",
                limits.max_member_bytes,
            )
    total = sum(info.file_size for info in members)
    if total > limits.max_total_bytes:
        raise _too_large(
            f"{path.name} would inflate to {human_bytes(total)} of conversations, more than",
            "max_total_bytes",
            limits.max_total_bytes,
        )


FOLDER_MEDIA_ENTRIES = 100_000  # entries looked at in an unpacked export's folder, at most


def folder_media(root: Path) -> list[tuple[str, int]] | None:
    """The media of an unpacked export's folder, as the ZIP's rule (`_is_media`) names them
    in the export's folder: (name with `/`, bytes) of each regular file below `root` that is
    not the export's own JSON or HTML at its top. Links are neither followed nor taken;
    dot-files and __MACOSX are passed over. None if it holds more than FOLDER_MEDIA_ENTRIES
    entries (then not an export's folder)."""
    found: list[tuple[str, int]] = []
    entries = 0
    for current, folders, files in os.walk(root):  # never into a linked folder
        here = Path(current)
        folders[:] = sorted(f for f in folders if not f.startswith(".") and f != "__MACOSX")
        entries += len(folders) + len(files)
        if entries > FOLDER_MEDIA_ENTRIES:
            return None
        place = here.relative_to(root).parts
        for name in sorted(files):
            lower = name.lower()
            own = not place and lower.endswith((".json", ".html"))
            if name.startswith(".") or (own and not name.startswith(("file-", "file_"))):
                continue
            try:
                info = (here / name).lstat()
            except OSError:
                continue
            if stat.S_ISREG(info.st_mode):  # not a link, a pipe or a device
                found.append(("/".join((*place, name)), info.st_size))
    return found


def _is_media(name: str, info: Entry, folder: str) -> bool:
    """A file of the export that is not JSON or the HTML viewer: an upload, a generated
    image, a Canvas document, audio."""
    parts = name.split("/")
    if info.is_dir() or not name.startswith(folder) or parts[0] == "__MACOSX":
        return False
    if _is_symlink(info):
        return False
    if any(p.startswith(".") for p in parts):
        return False
    # The export's own data and viewer (conversations.json, user.json, chat.html, …) sit
    # beside the uploads; an upload is named file-<id>… or file_<hex>…, whatever its type.
    top_level = "/" not in name[len(folder) :]
    own = top_level and name.lower().endswith((".json", ".html"))
    return not own or parts[-1].startswith(("file-", "file_"))


def _placement(name: str, is_dir: bool) -> tuple[str, str | None]:
    """(folder, file name) of a member that may hold export data: at the root or under one
    top-level folder; never __MACOSX/ or dot-files."""
    parts = name.split("/")
    if is_dir or parts[0] == "__MACOSX" or any(p.startswith(".") for p in parts):
        return "", None
    if len(parts) == 1:
        return "", name  # the listing's own string: a Le Chat export has 58,899 of them
    if len(parts) == 2:
        return parts[0] + "/", parts[1]
    return "", None


def _conversation_files(
    archive: Listing, infos: dict[str, Entry], folder: str, bases: set[str]
) -> tuple[list[str], list[str]]:
    """The conversation files in reading order, and what the manifest lists. The manifest's
    list wins (a multi-part export's first ZIP lists files that later parts hold: they are
    checked for by export_set.py), otherwise split files by number, otherwise
    conversations.json."""
    listed = _manifest_list(archive, infos[folder + MANIFEST]) if MANIFEST in bases else []
    if listed:
        return [name for name in listed if name in bases], listed
    split = sorted(
        (int(match.group(1)), base) for base in bases if (match := SPLIT.fullmatch(base))
    )
    if split:
        return [base for _, base in split], []
    return ([SINGLE] if SINGLE in bases else []), []


def _manifest_list(archive: Listing, member: Entry) -> list[str]:
    """Conversation file names a manifest mentions, in its order (its layout is not published,
    so every string in it that names a conversations file counts)."""
    if member.file_size > MANIFEST_MAX_BYTES or member.flag_bits & 0x1:
        return []
    try:
        manifest = orjson.loads(archive.read(member))
    except (orjson.JSONDecodeError, NotImplementedError, zipfile.BadZipFile, zlib.error):
        return []
    names: list[str] = []

    def visit(value: Any) -> None:
        if isinstance(value, str):
            base = value.rsplit("/", 1)[-1]
            if (base == SINGLE or SPLIT.fullmatch(base)) and base not in names:
                names.append(base)
        elif isinstance(value, list):
            for item in value:
                visit(item)
        elif isinstance(value, dict):
            for item in value.values():
                visit(item)

    visit(manifest)
    return names
