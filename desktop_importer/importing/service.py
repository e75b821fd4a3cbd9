"""The import service: the one plain, typed API that the command line, the window and the
tests call. It knows nothing of Qt.

    app = open_app()
    report = start_import(app, path, profile="default", progress=..., cancel=...)
    state = profile_status(app, "default")
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop_importer.app import DEFAULT_PROFILE as DEFAULT_PROFILE  # callers' default too
from desktop_importer.app import App
from desktop_importer.basics.errors import (
    EnvironmentProblem,
)
from desktop_importer.basics.progress import (
    NullProgress,
    ProgressReporter,
    ProgressUpdate,
    never_cancelled,
)
from desktop_importer.basics.settings import Settings, human_bytes
from desktop_importer.importing import guard
from desktop_importer.importing.export_set import Export, open_exports, source_text
from desktop_importer.importing.owner import Owner, owner_alive
from desktop_importer.importing.pipeline import ImportJob
from desktop_importer.importing.report import ImportReport, ProfileStatus
from desktop_importer.store import archive, profiles
from desktop_importer.store import media as media_sql
from desktop_importer.upkeep import recovery
from desktop_importer.wiring import open_app as open_app  # part of the service's API

if TYPE_CHECKING:
    from collections.abc import Callable

    from desktop_importer.store.models import UserProfile

log = logging.getLogger(__name__)


# What an import reads: one file or folder, or several given together (export_set.py).
Given = Path | str | Sequence[Path | str]


def _paths(given: Given) -> list[Path]:
    return [Path(given)] if isinstance(given, (str, Path)) else [Path(p) for p in given]


def check_export(
    given: Given,
    settings: Settings | None = None,
    *,
    allow_large: bool = False,
    partial: bool = False,
) -> Export:
    """The cheap preflight a window runs before starting anything: each path is a readable
    file or folder, and together they are an export by their structure and sizes. Raises
    PathProblem (FilesMissing: a manifest's files are not all there, and `partial` would
    import those that are) or InvalidExport (LimitExceeded where `allow_large` would let
    it through)."""
    settings = settings or Settings()
    limits = settings.without_size_limits() if allow_large else settings
    return open_exports(_paths(given), limits, partial=partial)


# What an import may write, per byte of conversation JSON: parsed rows, the full-text index
# and the compressed original (measured at about 1.3 on generated exports), plus headroom,
# which covers the write-ahead log too (an import keeps it under about 100 MB: checkpoints.py).
DISK_PER_JSON_BYTE = 2.0
DISK_HEADROOM = 64 * 2**20


def free_bytes(folder: Path) -> int:
    return shutil.disk_usage(folder).free


def _check_free_space(app: App, export: Export) -> None:
    folder = app.store.path.parent
    need = int(export.data_bytes * DISK_PER_JSON_BYTE) + export.media_bytes + DISK_HEADROOM
    free = free_bytes(folder)
    if free < need:
        raise EnvironmentProblem(
            f"Not enough free disk space for this import: it needs about {human_bytes(need)} "
            f"in {folder} and {human_bytes(free)} is free. Free some space and try again."
        )


def start_import(
    app: App,
    given: Given,
    *,
    profile: str = DEFAULT_PROFILE,
    progress: ProgressReporter | None = None,
    cancel: Callable[[], bool] = never_cancelled,
    allow_large: bool = False,
    partial: bool = False,
) -> ImportReport:
    """Import the export at `given` (a file, a folder, or several given together: one
    import) into `profile`'s archive, all or nothing.

    Raises PathProblem (before touching the profile), InvalidExport (LimitExceeded for a
    size limit that `allow_large` lifts), ImportAlreadyRunning, ImportCancelled,
    ImportSuperseded or EnvironmentProblem; every way out but superseded leaves the profile
    in a terminal state.
    """
    settings = app.settings.without_size_limits() if allow_large else app.settings
    unpack = _unpack_folder(app)
    try:
        return _import(app, given, profile, progress, cancel, settings, partial, unpack)
    finally:
        shutil.rmtree(unpack, ignore_errors=True)


UNPACK_PREFIX = ".unpack-"  # beside the archive: ZIPs copied out of a given ZIP, per import


def _unpack_folder(app: App) -> Path:
    """A private folder for this import's unpacked ZIPs, named after this process, beside
    the archive (the same disk); those of processes that died are removed first."""
    folder = app.store.path.parent
    for left in folder.glob(f"{UNPACK_PREFIX}*"):
        pid, _, rest = left.name.removeprefix(UNPACK_PREFIX).partition("-")
        started = rest.rpartition("-")[0] or None
        if pid.isdigit() and owner_alive(Owner(app.owner.host, int(pid), started)) is False:
            shutil.rmtree(left, ignore_errors=True)
    started = app.owner.started or ""
    return Path(tempfile.mkdtemp(prefix=f"{UNPACK_PREFIX}{app.owner.pid}-{started}-", dir=folder))


def _import(
    app: App,
    given: Given,
    profile: str,
    progress: ProgressReporter | None,
    cancel: Callable[[], bool],
    settings: Settings,
    partial: bool,
    unpack: Path,
) -> ImportReport:
    export = open_exports(_paths(given), settings, partial=partial, unpack=unpack)
    _check_free_space(app, export)
    claim = profiles.claim(
        app.store,
        profile,
        now=app.clock.now(),
        owner=app.owner,
        source=profiles.Source(source_text(export.given), export.name, export.size),
        stale_after=app.settings.stale_after,
        probe=app.probe,
    )
    log.info("Import %d of profile %s started", claim.run_id, profile)
    job = ImportJob(app, claim, export, settings, progress or NullProgress(), cancel)
    try:
        return job.run()
    finally:
        _recover_after(app)
        (progress or NullProgress()).finish()


def _recover_after(app: App) -> None:
    """An import that did not publish (cancelled, failed, or one it superseded) leaves index
    entries to merge away; the import is over by now, so a failure here is only logged."""
    try:
        if recovery.recovery_needed(app):
            recovery.recover(app)
    except Exception:
        log.exception("Recovery after an import failed; it is tried again at the next start")


def profile_status(
    app: App, profile: str = DEFAULT_PROFILE, *, totals: bool = True
) -> ProfileStatus:
    """The profile's import state as every window and command sees it. `totals=False`
    reads the guard's row only (the window's once-a-second polls while another process
    imports: counting the archive grows with it); conversations and messages are then 0."""
    now = app.clock.now()
    with app.store.read() as session:
        row = profiles.get(session, profile)
        conversations, messages = archive.totals(session, profile) if totals else (0, 0)
        report = profiles.last_report(session, profile) if totals else None
        media_files, media_bytes = media_sql.totals(session) if totals else (0, 0)
    archive_side: dict[str, Any] = {  # what the archive holds, whatever the guard says
        "conversations": conversations,
        "messages": messages,
        "database": app.store.path,
        "last_report": report,
        "media_files": media_files,
        "media_bytes": media_bytes,
    }
    if row is None:
        return ProfileStatus(
            user_id=profile,
            status="idle",
            processing_started_at=None,
            heartbeat_at=None,
            finished_at=None,
            elapsed_minutes=0,
            stale=False,
            stale_at=None,
            source_path=None,
            source_name=None,
            stage=None,
            progress=None,
            last_error=None,
            **archive_side,
        )
    verdict = guard.assess(profiles.guard_state(row), now, app.settings.stale_after, app.probe)
    return ProfileStatus(
        user_id=profile,
        status=row.import_status,
        processing_started_at=row.processing_started_at,
        heartbeat_at=row.heartbeat_at,
        finished_at=row.finished_at,
        elapsed_minutes=verdict.elapsed_minutes,
        stale=verdict.stale,
        stale_at=verdict.stale_at,
        source_path=row.source_path,
        source_name=row.source_name,
        stage=row.stage,
        progress=_progress(row) if row.import_status == guard.PROCESSING else None,
        last_error=row.last_error,
        **archive_side,
    )


def _progress(row: UserProfile) -> ProgressUpdate:
    """How far the profile's import has come, as its guard row last said."""
    return ProgressUpdate(
        row.stage or "",
        row.bytes_done,
        row.bytes_total,
        row.conversations_done,
        row.conversations_total,
    )
