"""Files of an export that hold no conversations. Claude's projects and memory are kept: the
reading process reads them after the conversations and the same import stores them, all or
nothing with the rest. The account's details (a name and an e-mail address) are set aside:
the archive does not keep them.

They come bare (`memories.json`, `users.json`), zipped on their own (`projects-000.zip`
with one JSON per project, `memories-000.zip`), or beside `conversations.json` in the older
one-ZIP export (`projects.json`, a list). Each is told by the keys of what it holds, never
by its name.
"""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from desktop_importer.basics.errors import InvalidExport, LimitExceeded, PathProblem
from desktop_importer.basics.settings import SIZE_LIMITS, Settings, human_bytes
from desktop_importer.importing.zip_members import Entry, Listing
from desktop_importer.vendors import claude_projects
from desktop_importer.vendors.claude_projects import ACCOUNT as ACCOUNT
from desktop_importer.vendors.claude_projects import MEMORY as MEMORY
from desktop_importer.vendors.claude_projects import PROJECT as PROJECT

HEAD_BYTES = 4096
MEMBERS_SNIFFED = 8  # a ZIP without conversations: its first JSON files tell its kind
MAX_MEMBERS = 5000  # JSON files in one ZIP of projects; Claude's has one per project
_CONVERSATION_KEYS = (b'"chat_messages"', b'"mapping"', b'"conversations"')
LIBRARY = "library"  # ChatGPT's library_files.json: which message made each file
_KEYS = {  # what a file holds, by the keys its first 4 KB show
    LIBRARY: (b'"library_artifact_type"', b'"origination_message_id"'),
    MEMORY: tuple(f'"{k}"'.encode() for k in claude_projects.MEMORY_KEYS),
    PROJECT: tuple(f'"{k}"'.encode() for k in claude_projects.PROJECT_KEYS),
    ACCOUNT: tuple(f'"{k}"'.encode() for k in claude_projects.ACCOUNT_KEYS),
}
HOLDS = {
    PROJECT: "Claude's projects",
    MEMORY: "Claude's memory",
    LIBRARY: "ChatGPT's library of files",
    ACCOUNT: "the account's details",
}
KEPT = frozenset({PROJECT, MEMORY, LIBRARY})
NOT_KEPT = "the account's details (a name and an e-mail address), which the archive does not keep"


@dataclass(frozen=True)
class SideFile:
    """A file, or the JSON members of a ZIP, holding projects or memory."""

    path: Path
    members: tuple[str, ...] | None  # None: the file is bare JSON
    kinds: frozenset[str]  # what its first files showed (PROJECT, MEMORY)
    data_bytes: int
    fingerprint: tuple[int, int, int] = (0, 0, 0)
    exported_at: float | None = None
    label: str | None = None  # a ZIP unpacked from another: its name there

    @property
    def name(self) -> str:
        return self.label or self.path.name

    @property
    def holds(self) -> str:
        return " and ".join(HOLDS[k] for k in (PROJECT, MEMORY, LIBRARY) if k in self.kinds)


def is_json(head: bytes) -> bool:
    return head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"[", b"{")


def head_kind(head: bytes) -> str | None:
    """PROJECT, MEMORY or ACCOUNT by the keys in a JSON file's first 4 KB, or None when it
    may hold conversations (or is not JSON)."""
    if not is_json(head) or any(key in head for key in _CONVERSATION_KEYS):
        return None
    return next((kind for kind, keys in _KEYS.items() if any(k in head for k in keys)), None)


def zip_kinds(archive: Listing) -> tuple[set[str], list[Entry]] | None:
    """A ZIP that holds no conversations: the kinds its first JSON files show and all its
    JSON members, or None if any of those may hold conversations."""
    infos = [i for i in archive if not i.is_dir() and not i.flag_bits & 0x1]
    names = [i.filename.replace("\\", "/").rsplit("/", 1)[-1] for i in infos]
    if any(n == "conversations.json" or n.startswith("conversations-") for n in names):
        return None
    members = [i for i in infos if i.filename.lower().endswith(".json")]
    kinds: set[str] = set()
    for info in members[:MEMBERS_SNIFFED]:
        with archive.open(info) as handle:
            kind = head_kind(handle.read(HEAD_BYTES))
        if kind is None:
            return None
        kinds.add(kind)
    return (kinds, members) if kinds else None


def check_members(path: Path, members: list[Entry], limits: Settings) -> int:
    """Refuse a side ZIP that must not be read (too many files, one too large, a name that
    leaves its folder, a link); the bytes it holds."""
    if len(members) > MAX_MEMBERS:
        raise InvalidExport(
            f"{path.name} holds {len(members):,} JSON files, more than the {MAX_MEMBERS:,} an "
            "export's projects have; it is not a genuine export."
        )
    for info in members:
        normal = info.filename.replace("\\", "/")
        if normal.startswith("/") or ".." in normal.split("/") or normal[1:2] == ":":
            raise InvalidExport(
                f"{path.name} holds a file whose name tries to leave its folder "
                f"({info.filename!r}); it is not a genuine export, so nothing was imported."
            )
        if info.create_system == 3 and (info.external_attr >> 16) & 0o170000 == 0o120000:
            raise InvalidExport(f"{info.filename} in {path.name} is a symbolic link, not data.")
        if info.file_size > limits.max_member_bytes:
            raise LimitExceeded(
                f"{info.filename} would inflate to {human_bytes(info.file_size)}, more than "
                f"{SIZE_LIMITS['max_member_bytes']} ({human_bytes(limits.max_member_bytes)}); "
                "it was refused before reading.",
                "max_member_bytes",
            )
    return sum(info.file_size for info in members)


# -- reading (in the reading process) -------------------------------------------------------


def side_objects(side: SideFile) -> Iterator[tuple[str, Any]]:
    """(PROJECT, MEMORY or LIBRARY, the object) for each project, memory and library entry
    the file holds; other objects (the account's details, what this version does not know)
    are passed over."""
    if side.members is None:
        yield from _objects(_read_bare(side.path), side.name)
        return
    try:
        with zipfile.ZipFile(side.path) as archive:
            for member in side.members:
                yield from _objects(archive.read(member), f"{member} in {side.name}")
    except FileNotFoundError:
        raise PathProblem(f"{side.name} disappeared while it was being imported.") from None
    except (zipfile.BadZipFile, zlib.error, EOFError):
        raise InvalidExport(
            f"{side.name} is damaged: a part of it cannot be decompressed; "
            "download the export again."
        ) from None


def library_entry(obj: Any) -> bool:
    """An entry of ChatGPT's library_files.json: a file id and the message that made it."""
    return (
        isinstance(obj, dict)
        and isinstance(obj.get("file_id"), str)
        and 0 < len(obj["file_id"]) <= 200
        and "origination_message_id" in obj
    )


def _read_bare(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise PathProblem(f"{path.name} disappeared while it was being imported.") from None
    except OSError as e:
        raise PathProblem(f"{path.name} cannot be read ({e.strerror}).") from None


def _objects(data: bytes, where: str) -> Iterator[tuple[str, Any]]:
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError as e:
        raise InvalidExport(
            f"{where} is not valid JSON ({e.msg} at byte {e.pos:,}); the export may be damaged."
        ) from None
    for obj in value if isinstance(value, list) else [value]:
        if library_entry(obj):
            yield LIBRARY, obj
            continue
        kind = claude_projects.kind_of(obj)
        if kind in (PROJECT, MEMORY):
            yield kind, obj
