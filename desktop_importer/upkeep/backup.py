"""`backup PATH`: a consistent, private copy of the archive, made while windows are open and
an import runs. PATH is a new (or empty) folder that receives `archive.sqlite3`, a compact
copy of the last published state, and `media/`, the files it refers to.

To restore: quit the app, and put both into the data folder (README, "Backups"); or open
the copy where it is with `DESKTOP_IMPORTER_DATA_DIR=PATH`.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from desktop_importer.basics.errors import Cancelled, CannotWrite, EnvironmentProblem
from desktop_importer.basics.media import MediaFolder
from desktop_importer.basics.progress import never_cancelled
from desktop_importer.store import backup as sql

if TYPE_CHECKING:
    from collections.abc import Callable

    from desktop_importer.app import App

DATABASE = "archive.sqlite3"


@dataclass(frozen=True)
class BackupResult:
    path: Path
    bytes: int
    media_files: int

    def to_json(self) -> dict[str, object]:
        return {"status": "complete", "path": str(self.path), "bytes": self.bytes}


def _prepare(target: Path) -> None:
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise CannotWrite(
            f"{target} already exists and is not an empty folder; choose a new folder for "
            "the backup."
        )
    try:
        target.mkdir(mode=0o700, parents=True, exist_ok=True)
        target.chmod(0o700)
        probe = target / ".write-test"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as e:
        raise CannotWrite(
            f"The backup cannot be written to {target} ({e.strerror or e})."
        ) from None


def backup(
    app: App,
    target: Path,
    *,
    progress: Callable[[str, int], None] | None = None,
    cancel: Callable[[], bool] = never_cancelled,
) -> BackupResult:
    """Copy the archive into the new folder `target`; `progress("copying", percent)`."""
    target = target.expanduser().absolute()
    say = progress or (lambda stage, done: None)
    _prepare(target)
    copy = target / DATABASE
    try:
        say("copying", 0)
        sql.vacuum_into(app.store.path, copy)
        copy.chmod(0o600)
        shas = sql.tidy(copy)
        live, saved = app.media_folder(), MediaFolder(target / "media")
        if shas:
            saved.root.mkdir(mode=0o700, exist_ok=True)
        for done, sha in enumerate(shas, 1):
            if cancel():
                shutil.rmtree(target, ignore_errors=True)
                raise Cancelled("The backup was cancelled; nothing was left behind.")
            destination = saved.path(sha)
            destination.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            shutil.copyfile(live.path(sha), destination)
            destination.chmod(0o600)
            say("copying", 100 * done // len(shas))
    except sqlite3.Error as e:
        shutil.rmtree(target, ignore_errors=True)
        raise EnvironmentProblem(
            f"The archive could not be copied ({e}); nothing was left in {target}."
        ) from None
    except OSError as e:
        shutil.rmtree(target, ignore_errors=True)
        raise CannotWrite(
            f"The backup could not be written to {target} ({e.strerror or e}); nothing was "
            "left behind."
        ) from None
    size = sum(p.stat().st_size for p in target.rglob("*") if p.is_file())
    if hasattr(os, "sync"):  # on disk before we say it is done
        os.sync()
    return BackupResult(target, size, len(shas))
