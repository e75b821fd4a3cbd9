"""The export's folder: its manifest of what each file was made from, files written whole
(a temporary file renamed into place), and a file edited since the last export never
overwritten (it is skipped and reported)."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from desktop_importer import library
from desktop_importer.basics.errors import CannotWrite

if TYPE_CHECKING:
    pass

MANIFEST = ".desktop-importer-export.json"


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


class FolderWriter:
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
        target.parent.mkdir(exist_ok=True)  # projects/, memory/
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
def prepare(directory: Path) -> None:
    if directory.is_symlink() or (directory.exists() and not directory.is_dir()):
        raise CannotWrite(f"{directory} is not a folder; choose a folder to export into.")
    try:
        directory.mkdir(parents=True, exist_ok=True)
        probe = directory / ".write-test"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as e:
        raise CannotWrite(f"{directory} cannot be written ({e.strerror or e}).") from None
