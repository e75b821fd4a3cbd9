"""Which dropped things the window takes: one .zip, or a bare conversations.json."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class DropVerdict:
    path: Path | None  # the file to import, or None if refused
    reason: str  # what the drop area says while the drag hovers


def judge(local_paths: list[Path], remote: int = 0) -> DropVerdict:
    """The verdict on a drag carrying `local_paths` (and `remote` non-local URLs)."""
    if remote or not local_paths:
        return DropVerdict(None, "Only files on this computer can be imported.")
    if len(local_paths) > 1:
        return DropVerdict(None, "Drop one export at a time.")
    path = local_paths[0]
    if path.is_dir():
        return DropVerdict(None, "That is a folder: drop the export's .zip file itself.")
    if path.suffix.lower() == ".zip" or path.name.lower() == "conversations.json":
        return DropVerdict(path, f"Release to import {path.name}")
    return DropVerdict(None, "Only a .zip export or a conversations.json file can be imported.")
