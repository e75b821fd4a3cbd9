"""Which dropped things the window takes: files and folders on this computer, one or
several, which are one export and one import (export_set.py): a .zip, a .json (a bare
conversations.json, or Claude's manifest, which stands for the files beside it), or a
folder of an export's files. What the files hold decides after the drop, never their
names alone; a file of another kind among them is refused while the drag hovers."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

EXPORT_SUFFIXES = (".zip", ".json")


@dataclass(frozen=True)
class DropVerdict:
    paths: tuple[Path, ...]  # what to import as one export; empty if refused
    reason: str  # what the drop area says while the drag hovers

    @property
    def accepted(self) -> bool:
        return bool(self.paths)


def judge(local_paths: list[Path], remote: int = 0) -> DropVerdict:
    """The verdict on a drag carrying `local_paths` (and `remote` non-local URLs)."""
    if remote or not local_paths:
        return DropVerdict((), "Only files on this computer can be imported.")
    others = [p for p in local_paths if not p.is_dir() and p.suffix.lower() not in EXPORT_SUFFIXES]
    if others:
        what = "" if len(local_paths) == 1 else f" ({others[0].name} is neither)"
        return DropVerdict(
            (), f"Only .zip and .json files of an export, or its folder, can be imported{what}."
        )
    paths = tuple(local_paths)
    if len(paths) > 1:
        return DropVerdict(paths, f"Release to import these {len(paths)} files as one export")
    if paths[0].is_dir():
        return DropVerdict(paths, f"Release to import the folder “{paths[0].name}”")
    return DropVerdict(paths, f"Release to import {paths[0].name}")
