"""The import service: the one plain, typed API that the command line, the window and the
tests call. It knows nothing of Qt.

    app = open_app()
    report = start_import(app, path, profile="default", progress=..., cancel=...)
    state = profile_status(app, "default")
"""

from __future__ import annotations

import json
import logging
import shutil
import time
from pathlib import Path
from typing import TYPE_CHECKING

from desktop_importer.app import DEFAULT_PROFILE as DEFAULT_PROFILE  # callers' default too
from desktop_importer.app import App
from desktop_importer.basics.background import BackgroundWriter
from desktop_importer.basics.clock import Clock, SystemClock
from desktop_importer.basics.errors import (
    DesktopImporterError,
    EnvironmentProblem,
    ImportCancelled,
    ImportSuperseded,
    InvalidExport,
)
from desktop_importer.basics.progress import (
    NullProgress,
    ProgressReporter,
    ProgressUpdate,
    never_cancelled,
)
from desktop_importer.basics.settings import Settings, human_bytes, resolve
from desktop_importer.importing import guard, media_stage
from desktop_importer.importing.merge import merge
from desktop_importer.importing.reading_process import ExportReader, ReadPart
from desktop_importer.importing.records import ConversationRecord
from desktop_importer.importing.report import ImportReport, ProfileStatus
from desktop_importer.importing.source import ExportFile, check_unchanged, open_export
from desktop_importer.store import archive, open_store, profiles
from desktop_importer.store import media as media_sql
from desktop_importer.upkeep import recovery

if TYPE_CHECKING:
    from collections.abc import Callable

log = logging.getLogger(__name__)

CLEANUP_BATCH = 100
UNEXPECTED = "An unexpected error stopped the import; the details are in the log."


def open_app(
    data_dir: Path | None = None,
    *,
    clock: Clock | None = None,
    recover: bool = True,
    waiting: Callable[[], None] | None = None,
    progress: Callable[[str, int], None] | None = None,
) -> App:
    """Open the archive, recovering first from any import that died and doing any data
    work an upgrade owes (a short read when there is nothing to do), with `progress(stage,
    done)` after each step. The window passes `recover=False` and does that off its GUI
    thread. `waiting` is called once if another process is upgrading the archive's schema
    (opening then waits, and gives up with a sentence)."""
    store = open_store(data_dir, waiting=waiting)
    try:
        settings = resolve(store.stored_settings())
        app = App(store, clock or SystemClock(), settings)
        if recover and recovery.recovery_needed(app):
            recovery.recover(app, progress=progress)
    except BaseException:
        store.close()
        raise
    return app


def check_export(
    path: Path | str, settings: Settings | None = None, *, allow_large: bool = False
) -> ExportFile:
    """The cheap preflight a window runs before starting anything: the path is a readable
    file and an export by its structure and sizes. Raises PathProblem or InvalidExport
    (LimitExceeded where `allow_large` would let it through)."""
    settings = settings or Settings()
    return open_export(Path(path), settings.without_size_limits() if allow_large else settings)


# What an import may write, per byte of conversation JSON: parsed rows, the full-text index
# and the compressed original (measured at about 1.3 on generated exports), plus headroom.
DISK_PER_JSON_BYTE = 2.0
DISK_HEADROOM = 64 * 2**20


def free_bytes(folder: Path) -> int:
    return shutil.disk_usage(folder).free


def _check_free_space(app: App, export: ExportFile) -> None:
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
    path: Path | str,
    *,
    profile: str = DEFAULT_PROFILE,
    progress: ProgressReporter | None = None,
    cancel: Callable[[], bool] = never_cancelled,
    allow_large: bool = False,
) -> ImportReport:
    """Import the export at `path` into `profile`'s archive, all or nothing.

    Raises PathProblem (before touching the profile), InvalidExport (LimitExceeded for a
    size limit that `allow_large` lifts), ImportAlreadyRunning, ImportCancelled,
    ImportSuperseded or EnvironmentProblem; every way out but superseded leaves the profile
    in a terminal state.
    """
    settings = app.settings.without_size_limits() if allow_large else app.settings
    export = open_export(Path(path), settings)
    _check_free_space(app, export)
    claim = profiles.claim(
        app.store,
        profile,
        now=app.clock.now(),
        owner=app.owner,
        source=profiles.Source(str(export.path.resolve()), export.name, export.size),
        stale_after=app.settings.stale_after,
        probe=app.probe,
    )
    log.info("Import %d of profile %s started", claim.run_id, profile)
    job = _ImportJob(app, claim, export, settings, progress or NullProgress(), cancel)
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


_Batch = tuple[list[ReadPart], profiles.Progress]  # what the writer thread writes at once


class _ImportJob:
    def __init__(
        self,
        app: App,
        claim: profiles.Claim,
        export: ExportFile,
        settings: Settings,
        progress: ProgressReporter,
        cancel: Callable[[], bool],
    ) -> None:
        self.app = app
        self.claim = claim
        self.export = export
        self.settings = settings
        self.progress = progress
        self.cancel = cancel
        self.report = ImportReport(media_files=export.media_files, media_bytes=export.media_bytes)
        self.assets: set[str] = set()  # the file ids this export's messages point at
        self.found = 0
        self.bytes_done = 0
        self.batch: list[ReadPart] = []
        self.batch_conversations = 0
        self.batch_rows = 0
        self.batch_bytes = 0
        self.last_beat = time.monotonic()
        self.last_shown = 0.0

    # -- the outcome ------------------------------------------------------------------------

    def run(self) -> ImportReport:
        try:
            self._clean_up(keep_run_id=self.claim.run_id)
            with self.app.store.checkpoints_aside():
                self._read_and_stage()
                self._stage_media()
                self._publish()
        except ImportSuperseded:
            log.warning("Import %d was superseded; its work is discarded", self.claim.run_id)
            raise
        except DesktopImporterError as e:
            self._end(e.status, e.message)
            raise
        except KeyboardInterrupt:
            self._end("cancelled", ImportCancelled().message)
            raise
        except BaseException:
            log.exception("Import %d failed unexpectedly", self.claim.run_id)
            self._end("failed", UNEXPECTED)
            raise
        log.info("Import %d complete: %s", self.claim.run_id, self.report.summary())
        try:
            self._clean_up(keep_run_id=None)
        except Exception:
            # The import is published and complete; replaced versions are invisible, and
            # the next import deletes whatever is left of them.
            log.exception("Cleaning up after import %d failed", self.claim.run_id)
        return self.report

    def _end(self, status: str, error: str) -> None:
        """Leave a terminal status; if even that fails, the stale rule recovers the profile."""
        log.info("Import %d ended %s: %s", self.claim.run_id, status, error)
        try:
            with self.app.store.write() as session:
                profiles.end(
                    session, self.claim, status=status, now=self.app.clock.now(), error=error
                )
                archive.forget_presence(session, self.claim.run_id)
            self._clean_up(keep_run_id=None)
            media_stage.drop_run(self.app, self.claim.run_id)
        except ImportSuperseded:
            pass
        except Exception:
            log.exception("Could not record the end of import %d", self.claim.run_id)

    # -- reading and staging ----------------------------------------------------------------

    def _snapshot(self, stage: str, total: int | None = None) -> profiles.Progress:
        return profiles.Progress(stage, self.bytes_done, self.export.data_bytes, self.found, total)

    def _show(self, snapshot: profiles.Progress) -> None:
        self.last_shown = time.monotonic()
        self.progress.update(
            ProgressUpdate(
                snapshot.stage,
                snapshot.bytes_done,
                snapshot.bytes_total,
                snapshot.conversations_done,
                snapshot.conversations_total,
            )
        )

    def _read_and_stage(self) -> None:
        self._show(self._snapshot("reading"))
        self._read_all()
        check_unchanged(self.export)
        if self.cancel():
            raise ImportCancelled()
        if self.found == 0:
            raise InvalidExport(f"{self.export.name} contains no conversations.")
        if self.report.readable == 0:
            first = self.report.skipped_details[0].reason
            raise InvalidExport(
                f"Not one of the {self.found:,} conversations in {self.export.name} "
                f"could be read (the first: {first})."
            )

    def _read_all(self) -> None:
        """Parts come from the reading process; they are gathered into batches, each
        written in one short transaction on a second thread, so that reading the next part
        overlaps writing this batch."""
        writer: BackgroundWriter[_Batch] = BackgroundWriter(self._write)
        try:
            with ExportReader(self.export, self.settings) as reader:
                for part in reader:
                    if self.cancel():
                        raise ImportCancelled()
                    self._take(part, writer)
                    if part.last or self._beat_due():
                        self._submit(writer)
                    elif time.monotonic() - self.last_shown >= 0.1:
                        self._show(self._snapshot("reading"))
            writer.close()
        finally:
            writer.stop()  # on any way out, nothing is left writing behind the import's end

    def _take(self, part: ReadPart, writer: BackgroundWriter[_Batch]) -> None:
        """Count a part in, batching whole parts as the settings say (the reader never makes
        a part larger than a batch)."""
        self.found, self.bytes_done = part.found, part.bytes_done
        self.report.add_skipped(part.skipped, part.skipped_details)
        self.report.add_unread(part.unread_content)
        self.report.messages += part.messages
        self.assets.update(part.assets)
        if not part.conversations:
            return
        self.batch.append(part)
        self.batch_conversations += part.conversations
        self.batch_rows += part.rows
        self.batch_bytes += part.json_bytes
        if self.app.settings.batch_full(
            self.batch_conversations, self.batch_rows, self.batch_bytes
        ):
            self._submit(writer)

    def _beat_due(self) -> bool:
        return time.monotonic() - self.last_beat >= self.app.settings.beat_seconds

    def _submit(self, writer: BackgroundWriter[_Batch]) -> None:
        if self.cancel():
            raise ImportCancelled()
        snapshot = self._snapshot("reading")
        writer.submit((self.batch, snapshot))
        self.batch, self.batch_conversations, self.batch_rows, self.batch_bytes = [], 0, 0, 0
        self.last_beat = time.monotonic()
        self._show(snapshot)

    def _write(self, item: _Batch) -> None:
        """One short transaction (on the writer thread): beat and check the fence, then
        stage what changed."""
        parts, snapshot = item
        batch = [record for part in parts for record in part.records()]
        with self.app.store.write() as session:
            profiles.fence(
                session, self.claim.user_id, self.claim.generation, self.app.clock.now(), snapshot
            )
            existing = archive.visible_versions(
                session, self.claim.user_id, [c.conversation_id for c in batch]
            )
            changed = [c for c in batch if self._count(c, existing.get(c.conversation_id))]
            updated = [
                existing[c.conversation_id].version_id
                for c in changed
                if c.conversation_id in existing
            ]
            trees = archive.stored_trees(session, updated)
            merged = [
                ConversationRecord.of(
                    merge(c.parsed(), *trees[existing[c.conversation_id].version_id])
                )
                if c.conversation_id in existing
                else c
                for c in changed
            ]
            archive.stage(session, self.claim.user_id, self.claim.run_id, merged)
            if self.export.exported_at is not None:
                archive.stage_presence(
                    session,
                    self.claim.run_id,
                    [
                        (c.conversation_id, c.vendor, c.account or self.export.account)
                        for c in batch
                    ],
                )

    def _count(self, incoming: ConversationRecord, stored: archive.VisibleVersion | None) -> bool:
        """Count the conversation as added, updated or unchanged; True if it must be written.

        A newer update_time updates; an older one never downgrades; without update_time on
        either side the raw JSON decides.
        """
        if stored is None:
            self.report.added += 1
            return True
        if incoming.update_time is not None and stored.update_time is not None:
            newer = incoming.update_time > stored.update_time
        else:
            newer = incoming.content_hash != stored.content_hash
        if newer:
            self.report.updated += 1
        else:
            self.report.unchanged += 1
        return newer

    # -- media ------------------------------------------------------------------------------

    def _stage_media(self) -> None:
        """Keep every media member of the export (media_stage.py), after the conversations
        and before the publish, fenced like every other write of the import."""
        total = self.export.media_bytes

        def beat(session: object, done: int) -> None:
            snapshot = profiles.Progress("media", done, total, self.found, None)
            profiles.fence(
                session,  # type: ignore[arg-type]
                self.claim.user_id,
                self.claim.generation,
                self.app.clock.now(),
                snapshot,
            )
            self._show(snapshot)

        if not self.export.media and not self.assets:
            return
        self._show(profiles.Progress("media", 0, total, self.found, None))
        stage = media_stage.MediaStage(
            self.app, self.export, self.claim.user_id, self.claim.run_id, beat, self.cancel
        )
        outcome = stage.run(self.assets)
        self.report.media_kept = outcome.kept
        self.report.media_missing = outcome.missing
        self.report.media_unreferenced = outcome.unreferenced

    # -- publishing and cleaning ------------------------------------------------------------

    def _publish(self) -> None:
        snapshot = self._snapshot("publishing", total=self.found)
        self._show(snapshot)
        with self.app.store.write() as session:
            now = self.app.clock.now()
            profiles.fence(session, self.claim.user_id, self.claim.generation, now, snapshot)
            archive.publish(session, self.claim.user_id, self.claim.run_id)
            self.report.media_added = media_sql.publish(
                session, self.claim.user_id, self.claim.run_id
            )
            if self.export.exported_at is not None:
                archive.publish_presence(
                    session, self.claim.user_id, self.claim.run_id, self.export.exported_at
                )
            profiles.end(
                session,
                self.claim,
                status="complete",
                now=now,
                report_json=json.dumps(self.report.to_json()),
            )
        self._show(self._snapshot("complete", total=self.found))

    def _clean_up(self, keep_run_id: int | None) -> None:
        """Delete versions no head points at, in small fenced transactions."""
        user_id, generation = self.claim.user_id, self.claim.generation
        while True:
            with self.app.store.write() as session:
                if keep_run_id is not None:
                    profiles.fence(session, user_id, generation, self.app.clock.now(), None)
                elif not profiles.still_current(session, user_id, generation):
                    return
                if archive.delete_unreferenced(session, user_id, keep_run_id, CLEANUP_BATCH) == 0:
                    break
        if keep_run_id is not None:  # what earlier runs of this profile staged and left
            with self.app.store.write() as session:
                profiles.fence(session, user_id, generation, self.app.clock.now(), None)
                left = media_sql.staged_runs(session, user_id, keep_run_id)
            for run_id in left:
                media_stage.drop_run(self.app, run_id)


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
            conversations=conversations,
            messages=messages,
            database=app.store.path,
            last_report=report,
            media_files=media_files,
            media_bytes=media_bytes,
        )
    verdict = guard.assess(profiles.guard_state(row), now, app.settings.stale_after, app.probe)
    progress = ProgressUpdate(
        row.stage or "",
        row.bytes_done,
        row.bytes_total,
        row.conversations_done,
        row.conversations_total,
    )
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
        progress=progress if row.import_status == guard.PROCESSING else None,
        last_error=row.last_error,
        conversations=conversations,
        messages=messages,
        database=app.store.path,
        last_report=report,
        media_files=media_files,
        media_bytes=media_bytes,
    )
