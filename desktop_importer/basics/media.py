"""Media of an export: what messages point at, which ZIP member holds it, what its bytes
say it is, and the content-addressed folder that keeps one copy of each.

Plain Python (no SQL, no Qt): the importer, recovery, `show` and the reader share it.

- **Pointers** (`asset_id`): `file-service://file-XYZ`, `sediment://file_abc` or a bare id;
  which pointers a message holds is its vendor's module's to say (`message_pointers`).
- **Members** (`MemberIndex`): a file matches an id when its base name starts with the id,
  followed by `-`, `.`, `_` or nothing, wherever it sits (root, the one top-level folder,
  `dalle-generations/`, `user-<id>/`, `<conversation>/audio/`, the 2026 `<id>.dat`).
- **Types** are read from the first bytes (`sniff`); the name's extension only counts when
  the bytes say nothing (a `.png` that is a JPEG is stored as a JPEG).
- **The folder** (`MediaFolder`): `media/<2 hex>/<sha256>` beside the database, written by
  streaming to a private staging file named from the import's run id (never from the
  member's name), fsynced, and renamed into place inside the transaction that records it.
"""

from __future__ import annotations

import bisect
import hashlib
import mimetypes
import os
import queue
import re
import struct
import threading
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Any

CHUNK = 1 << 20
HEAD_BYTES = 1 << 16  # kept from the start of each file: its type and an image's size
NAMES_FILE = "conversation_asset_file_names.json"  # the 2026 layout's original names
STAGING = ".staging"
_SCHEMES = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)
_AFTER_ID = "-._"

# -- what messages point at ---------------------------------------------------------------


def asset_id(pointer: object) -> str | None:
    """The file id in a pointer (`file-service://file-XYZ` -> `file-XYZ`), or None."""
    if not isinstance(pointer, str):
        return None
    bare = _SCHEMES.sub("", pointer.strip()).strip("/")
    bare = bare.rsplit("/", 1)[-1]
    return bare or None


# -- what a file is -----------------------------------------------------------------------

IMAGE_EXTENSIONS = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp", ".heic", ".bmp"})


def image_name(name: str | None) -> bool:
    """Whether a file's name says it is an image (for files whose bytes are not there)."""
    return bool(name) and PurePosixPath(name or "").suffix.lower() in IMAGE_EXTENSIONS


def sniff(head: bytes) -> str | None:
    """The MIME type the first bytes say, for the types exports hold; None if unknown."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "audio/wav"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"ID3") or head[:2] in (b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"):
        return "audio/mpeg"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        return "audio/mp4" if brand in (b"M4A ", b"M4B ") else "video/mp4"
    if head.startswith(b"OggS"):
        return "audio/ogg"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "video/webm"
    text = head[:512].lstrip().lower()
    if text.startswith(b"<svg") or (text.startswith(b"<?xml") and b"<svg" in head[:1024]):
        return "image/svg+xml"
    if text.startswith((b"<!doctype html", b"<html")):
        return "text/html"
    return None


def mime_type(head: bytes, name: str) -> str:
    """What the bytes say, else what the name says, else a plain stream of bytes."""
    return sniff(head) or mimetypes.guess_type(name)[0] or "application/octet-stream"


def image_size(head: bytes, mime: str) -> tuple[int, int] | None:
    """(width, height) from an image's header, for PNG, GIF, WebP and JPEG; None if the
    header is not in `head` or not understood. Declared sizes: never trusted to decode."""
    try:
        if mime == "image/png" and head[12:16] == b"IHDR":
            w, h = struct.unpack(">II", head[16:24])
            return int(w), int(h)
        if mime == "image/gif":
            w, h = struct.unpack("<HH", head[6:10])
            return int(w), int(h)
        if mime == "image/webp":
            chunk = head[12:16]
            if chunk == b"VP8X":
                w = int.from_bytes(head[24:27], "little") + 1
                h = int.from_bytes(head[27:30], "little") + 1
                return w, h
            if chunk == b"VP8L":
                bits = int.from_bytes(head[21:25], "little")
                return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
            if chunk == b"VP8 ":
                w, h = struct.unpack("<HH", head[26:30])
                return w & 0x3FFF, h & 0x3FFF
        if mime == "image/jpeg":
            return _jpeg_size(head)
    except struct.error:
        return None
    return None


def _jpeg_size(head: bytes) -> tuple[int, int] | None:
    at = 2
    while at + 9 < len(head):
        if head[at] != 0xFF:
            return None
        marker = head[at + 1]
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            at += 2
            continue
        (length,) = struct.unpack(">H", head[at + 2 : at + 4])
        if marker in (0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE):
            h, w = struct.unpack(">HH", head[at + 5 : at + 9])
            return w, h
        at += 2 + length
    return None


# -- where the files sit ------------------------------------------------------------------


def base_name(member: str) -> str:
    return PurePosixPath(member.replace("\\", "/")).name


PLACE = "|"  # in an id that names a file by its folder: `<folder>|<base name>` (Le Chat's)
ASSET_FILE = "content"  # Grok keeps an asset as prod-mc-asset-server/<asset id>/content


def _indexed_name(member: str) -> str:
    """The name a member is found by: its base name, or for Grok's assets its folder's
    (the asset's id)."""
    path = PurePosixPath(member.replace("\\", "/"))
    if path.name == ASSET_FILE and len(path.parts) >= 2:
        return path.parent.name
    return path.name


class MemberIndex:
    """The export's media members by base name, to find the file of an id."""

    def __init__(self, members: Iterable[str]) -> None:
        self._by_name: dict[str, list[str]] = {}
        self._by_place: dict[str, list[str]] = {}
        for member in members:
            self._by_name.setdefault(_indexed_name(member), []).append(member)
            path = PurePosixPath(member.replace("\\", "/"))
            if len(path.parts) >= 2:
                self._by_place.setdefault(path.parent.name + PLACE + path.name, []).append(member)
        self._names = sorted(self._by_name)

    def find(self, file_id: str) -> list[str]:
        """The members whose base name is the id, or starts with it followed by `-`, `.`
        or `_` (`file-XYZ-photo.jpg`, `file-XYZ.dat`, `file_abc-<uuid>.wav`); an id of a
        folder and a name (`chat-<id>-files|photo.png`): the member so placed."""
        if PLACE in file_id:
            return list(self._by_place.get(file_id, []))
        found: list[str] = []
        at = bisect.bisect_left(self._names, file_id)
        while at < len(self._names) and self._names[at].startswith(file_id):
            name = self._names[at]
            if len(name) == len(file_id) or name[len(file_id)] in _AFTER_ID:
                found += self._by_name[name]
            at += 1
        return found


def original_names(document: object) -> dict[str, str]:
    """The 2026 layout's `conversation_asset_file_names.json`: stored base name -> original
    name, read from an object of names or a list of small objects; anything else: none."""
    names: dict[str, str] = {}
    if isinstance(document, dict):
        items: Iterable[Any] = document.items()
        for key, value in items:
            if isinstance(key, str) and isinstance(value, str):
                names[base_name(key)] = value
            elif isinstance(key, str) and isinstance(value, dict):
                original = value.get("original_name") or value.get("name")
                if isinstance(original, str):
                    names[base_name(key)] = original
    elif isinstance(document, list):
        for item in document:
            if not isinstance(item, dict):
                continue
            stored = item.get("stored_name") or item.get("file_name") or item.get("path")
            original = item.get("original_name") or item.get("name")
            if isinstance(stored, str) and isinstance(original, str):
                names[base_name(stored)] = original
    return names


def display_name(member: str, file_id: str | None, names: Mapping[str, str]) -> str:
    """The name a person gave the file: from the names file, else the base name without
    the id in front (`file-XYZ-Report 2024.pdf` -> `Report 2024.pdf`)."""
    base = base_name(member)
    if base == ASSET_FILE and (asset := _indexed_name(member)) != base:
        return asset  # Grok's: the file has no name but its id (and the type its bytes say)
    if base in names:
        return base_name(names[base].replace("\\", "/")) or base
    if file_id and base.startswith(file_id + "-") and len(base) > len(file_id) + 1:
        return base[len(file_id) + 1 :]
    return base


# -- the folder ---------------------------------------------------------------------------


@dataclass(frozen=True)
class StagedFile:
    temp: Path
    sha256: str
    size: int
    head: bytes


class MediaFolder:
    """`<root>/<sha256[:2]>/<sha256>`, one file per content, private to the user."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._made: set[Path] = set()

    def path(self, sha256: str) -> Path:
        if not re.fullmatch(r"[0-9a-f]{64}", sha256):
            raise ValueError("not a SHA-256")
        return self.root / sha256[:2] / sha256

    def _private_dir(self, folder: Path) -> None:
        if folder not in self._made:  # a failed mkdir is a slow syscall, once per file
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            self._made.add(folder)

    def stage(self, run_id: int, number: int, source: IO[bytes], limit: int) -> StagedFile:
        """Stream `source` into a staging file named from the run (never from the member's
        name), hashing as it goes (`make_durable` fsyncs it before it is recorded). Reads
        at most `limit` bytes (the member's declared size: zipfile never returns more, and
        the CRC fails past it)."""
        staging = self.root / STAGING
        self._private_dir(staging)
        temp = staging / f"{run_id}-{number}.part"
        digest = hashlib.sha256()
        head = b""
        size = 0
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        # A thread hashes while this one reads and writes: hashing and the system calls
        # both release the interpreter's lock, so the hash (1.7 GB/s here) hides behind
        # the disk instead of adding to it.
        chunks: queue.Queue[bytes | None] = queue.Queue(maxsize=8)

        def hash_all() -> None:
            while (chunk := chunks.get()) is not None:
                digest.update(chunk)

        hasher = threading.Thread(target=hash_all, name="media-hash", daemon=True)
        hasher.start()
        try:
            with os.fdopen(fd, "wb", buffering=0) as out:
                while size <= limit and (chunk := source.read(CHUNK)):
                    if len(head) < HEAD_BYTES:
                        head += chunk[: HEAD_BYTES - len(head)]
                    chunks.put(chunk)
                    out.write(chunk)
                    size += len(chunk)
        except BaseException:
            temp.unlink(missing_ok=True)  # a damaged member leaves nothing half-written
            raise
        finally:
            chunks.put(None)
            hasher.join()
        return StagedFile(temp, digest.hexdigest(), size, head)

    @staticmethod
    def make_durable(staged: list[StagedFile]) -> None:
        """fsync a batch of staged files before the transaction that records them: the
        kernel has been writing the first ones back meanwhile, so this costs less than an
        fsync after each (measured: bench.import_speed --media)."""
        for item in staged:
            fd = os.open(item.temp, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)

    def place(self, staged: StagedFile) -> None:
        """Move a staged file to its content's place (call inside the transaction that
        records it); if that content is already there, drop the copy."""
        final = self.path(staged.sha256)
        if final.exists():
            staged.temp.unlink(missing_ok=True)
            return
        self._private_dir(final.parent)
        os.replace(staged.temp, final)

    def remove(self, sha256: str) -> None:
        self.path(sha256).unlink(missing_ok=True)

    def clear_staging(self, run_id: int) -> None:
        """Remove what a run that is over left in the staging folder."""
        staging = self.root / STAGING
        if staging.is_dir():
            for temp in staging.glob(f"{run_id}-*.part"):
                temp.unlink(missing_ok=True)

    def stored(self) -> Iterator[str]:
        """The SHA-256 of every file in the folder (the orphan sweep after a crash)."""
        if not self.root.is_dir():
            return
        for folder in self.root.iterdir():
            if len(folder.name) == 2 and folder.is_dir():
                for file in folder.iterdir():
                    if re.fullmatch(r"[0-9a-f]{64}", file.name):
                        yield file.name
