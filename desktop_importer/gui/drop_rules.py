"""Which dropped things the window takes: one .zip, or one .json (a bare conversations.json,
or Claude's manifest, which stands for the export beside it). What the file holds decides
after the drop, never its name alone."""

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
    if path.suffix.lower() in (".zip", ".json"):
        return DropVerdict(path, f"Release to import {path.name}")
    return DropVerdict(None, "Only a .zip export or a .json file of one can be imported.")
