"""The files of the archive a message points at: what the reader shows of one, and the
rules for opening or saving a copy of it (never a path built from its name)."""

from __future__ import annotations

import mimetypes
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop_importer.basics.errors import EnvironmentProblem

if TYPE_CHECKING:
    pass


@dataclass(frozen=True)
class MediaFile:
    """A file of the archive a message points at."""

    asset_id: str
    name: str
    mime_type: str
    bytes: int
    sha256: str
    width: int | None
    height: int | None
    path: Path  # read it, never write it: one copy serves every message that points at it


@dataclass(frozen=True)
class MediaRef:
    """What a message points at: its file, or None where the archive has none (missing)."""

    asset_id: str
    name: str  # the file's name, or what the message calls it, or the id
    file: MediaFile | None

    def to_json(self) -> dict[str, Any]:
        kept = self.file
        return {
            "name": self.name,
            "mimeType": kept.mime_type if kept else None,
            "bytes": kept.bytes if kept else None,
            "sha256": kept.sha256 if kept else None,
            "kept": kept is not None,
        }


# -- media files --------------------------------------------------------------------------

SHOWN_IMAGES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
# Never handed to the system to open (they could run something): saved only.
RISKY_TYPES = frozenset(
    {
        "text/html",
        "application/xhtml+xml",
        "image/svg+xml",
        "application/javascript",
        "text/javascript",
        "application/x-msdownload",
        "application/x-msdos-program",
        "application/x-executable",
        "application/x-sh",
        "application/x-shellscript",
        "application/java-archive",
        "application/octet-stream",
    }
)
RISKY_EXTENSIONS = frozenset(
    {
        ".app",
        ".bat",
        ".cmd",
        ".com",
        ".command",
        ".cpl",
        ".desktop",
        ".exe",
        ".hta",
        ".htm",
        ".html",
        ".jar",
        ".js",
        ".lnk",
        ".msi",
        ".pif",
        ".ps1",
        ".py",
        ".reg",
        ".scr",
        ".sh",
        ".svg",
        ".vbs",
        ".ws",
        ".wsf",
        ".xhtml",
    }
)
_private_folder: Path | None = None


def safe_to_open(file: MediaFile) -> bool:
    """Whether "Open" may hand the file to the system: not HTML, SVG, a script or a program
    (by its type and by its name), nor bytes of unknown type."""
    suffix = Path(file.name).suffix.lower()
    return file.mime_type not in RISKY_TYPES and suffix not in RISKY_EXTENSIONS


def safe_file_name(name: str) -> str:
    """A name to suggest in a save dialog: the file's name without folders or characters
    Windows forbids (the person still chooses where it goes)."""
    cleaned = re.sub(r'[\x00-\x1f<>:"/\\|?*]', "_", name).strip(" .")
    return cleaned[:200] or "file"


def temporary_copy(file: MediaFile) -> Path:
    """A copy of the file to hand to another application, in a folder only this user can
    read (0700), named from its hash and its type, never from a name in the export."""
    global _private_folder
    try:
        if _private_folder is None or not _private_folder.is_dir():
            _private_folder = Path(tempfile.mkdtemp(prefix="desktop-importer-"))  # 0700
        extension = mimetypes.guess_extension(file.mime_type) or ".bin"
        copy = _private_folder / f"{file.sha256[:16]}{extension}"
        if not copy.exists():
            shutil.copyfile(file.path, copy)
            copy.chmod(0o600)
        return copy
    except OSError as e:
        raise EnvironmentProblem(
            f"{file.name} could not be copied for opening ({e.strerror or e})."
        ) from None


def save_copy(file: MediaFile, target: Path) -> None:
    """Save a copy of the file where the person chose."""
    try:
        shutil.copyfile(file.path, target)
    except OSError as e:
        raise EnvironmentProblem(
            f"{file.name} could not be saved to {target} ({e.strerror or e})."
        ) from None
