"""One import from claim to publish: the reading process's parts written in batches on the
writer thread (merged with stored versions), the media stage, the publish, and the
clean-up; every way out leaves the profile in a terminal state, fenced by the claim's
generation."""

from __future__ import annotations

import json
import logging
import time
from typing import TYPE_CHECKING

from desktop_importer.app import DEFAULT_PROFILE as DEFAULT_PROFILE  # callers' default too
from desktop_importer.app import App
from desktop_importer.basics.background import BackgroundWriter
from desktop_importer.basics.errors import (
    DesktopImporterError,
    ImportCancelled,
    ImportSuperseded,
    InvalidExport,
)
from desktop_importer.basics.progress import (
    ProgressReporter,
    ProgressUpdate,
)
from desktop_importer.basics.settings import Settings
from desktop_importer.importing import media_stage
from desktop_importer.importing.export_set import Export
from desktop_importer.importing.merge import merge
from desktop_importer.importing.reading_process import ExportReader, ReadPart, SidePart
from desktop_importer.importing.records import ConversationRecord
from desktop_importer.importing.report import ImportReport
from desktop_importer.importing.source import check_unchanged
from desktop_importer.store import archive, profiles, projects
from desktop_importer.store import media as media_sql

if TYPE_CHECKING:
    from collections.abc import Callable

    from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

CLEANUP_BATCH = 100
UNEXPECTED = "An unexpected error stopped the import; the details are in the log."


# What the writer thread writes at once: conversations, projects and memory, progress.
_Batch = tuple[list[ReadPart], list[projects.StagedSide], profiles.Progress]


class ImportJob:
    def __init__(
        self,
        app: App,
        claim: profiles.Claim,
        export: Export,
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
        self.report = ImportReport(
            media_files=export.media_files,
            media_bytes=export.media_bytes,
            # A ZIP or an unpacked folder holds the files beside the conversations; a
            # conversations file dropped on its own says nothing of its folder.
            media_read=any(
                part.members is not None or part.media_root is not None for part in export.parts
            ),
            files=[part.name for part in export.parts]
            + [side.name for side in export.sides if side.data_bytes],  # not beside a part's
            set_aside=[(aside.name, aside.why) for aside in export.set_aside],
        )
        self.assets: set[str] = set()  # the file ids this export's messages point at
        self.library_names: dict[str, str] = {}  # file id -> its name (ChatGPT's library)
        # (vendor, account) -> {file index: conversations}: of accounts, said when several
        self.accounts: dict[tuple[str, str | None], dict[int, int]] = {}
        self.found = 0
        self.bytes_done = 0
        self.batch: list[ReadPart] = []
        self.side_batch: list[projects.StagedSide] = []
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
            with self.app.store.write() as session:  # kept out of the publish's transaction
                archive.forget_presence(session, self.claim.run_id)
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
                projects.forget(session, self.claim.run_id)
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
        for part in self.export.parts:
            check_unchanged(part)
        for side in self.export.sides:
            check_unchanged(side)
        if self.cancel():
            raise ImportCancelled()
        if self.found == 0:
            raise InvalidExport(f"{self.export.name} contains no conversations.")
        if self.report.readable == 0:
            first = self.report.skipped_details[0].reason
            if self.found == 1:
                raise InvalidExport(
                    f"The one conversation in {self.export.name} could not be read: {first}."
                )
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
                    if isinstance(part, SidePart):
                        self._take_side(part, writer)
                        continue
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
        self.report.vendors.update(part.vendors)
        self.report.notes.update(part.notes)
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

    def _take_side(self, part: SidePart, writer: BackgroundWriter[_Batch]) -> None:
        """A project, a memory or a library entry, staged with the next batch (they come
        last)."""
        seen_at = self.export.sides[part.side].exported_at or 0.0
        raw: bytes | str = part.raw
        vendor = "claude"
        if part.what == projects.LIBRARY:  # ChatGPT's: its file is kept by its id
            vendor, raw = "chatgpt", part.raw.decode()
            self.assets.add(part.key)
            if part.name:
                self.library_names[part.key] = part.name
        self.side_batch.append(
            projects.StagedSide(part.what, vendor, part.key, part.name, seen_at, raw)
        )
        self.batch_bytes += len(part.raw)
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
        writer.submit((self.batch, self.side_batch, snapshot))
        self.side_batch = []
        self.batch, self.batch_conversations, self.batch_rows, self.batch_bytes = [], 0, 0, 0
        self.last_beat = time.monotonic()
        self._show(snapshot)

    def _write(self, item: _Batch) -> None:
        """One short transaction (on the writer thread): beat and check the fence, then
        stage what changed."""
        parts, sides, snapshot = item
        read = [(part.file, part.records()) for part in parts]
        marked = [
            (record, record.conversation_id in again)
            for part, (_, records) in zip(parts, read, strict=True)
            for again in [set(part.again)]
            for record in records
        ]
        with self.app.store.write() as session:
            profiles.fence(
                session, self.claim.user_id, self.claim.generation, self.app.clock.now(), snapshot
            )
            for batch in _rounds(marked):
                self._stage(session, batch)
            archive.stage_presence(session, self.claim.run_id, self._presence(read))
            projects.stage(session, self.claim.run_id, sides)

    def _stage(self, session: Session, batch: list[tuple[ConversationRecord, bool]]) -> None:
        """Count and stage what changed, merged with the version it replaces: the visible
        one, or for a conversation an earlier file of this export held (a repeat), the one
        this import staged for it, if it did."""
        existing = archive.visible_versions(
            session, self.claim.user_id, [c.conversation_id for c, _ in batch]
        )
        repeats = [c.conversation_id for c, repeat in batch if repeat]
        staged = archive.staged_versions(session, self.claim.user_id, self.claim.run_id, repeats)
        existing.update(staged)
        changed = [
            c
            for c, repeat in batch
            if self._count(
                c,
                existing.get(c.conversation_id),
                repeat=repeat,
                staged=c.conversation_id in staged,
            )
        ]
        updated = [
            existing[c.conversation_id].version_id for c in changed if c.conversation_id in existing
        ]
        trees = archive.stored_trees(session, updated)
        merged = [
            ConversationRecord.of(merge(c.parsed(), *trees[existing[c.conversation_id].version_id]))
            if c.conversation_id in existing
            else c
            for c in changed
        ]
        archive.stage(session, self.claim.user_id, self.claim.run_id, merged)

    def _presence(
        self, read: list[tuple[int, list[ConversationRecord]]]
    ) -> list[tuple[str, str, str | None, float]]:
        """(id, vendor, account, the export's date) of each conversation read, changed or
        not; a file whose date is unknown says nothing of what is still in the export."""
        rows = []
        for file, records in read:
            part = self.export.parts[file]
            for c in records:
                files = self.accounts.setdefault((c.vendor, c.account or part.account), {})
                files[file] = files.get(file, 0) + 1
            if part.exported_at is not None:
                rows += [
                    (c.conversation_id, c.vendor, c.account or part.account, part.exported_at)
                    for c in records
                ]
        return rows

    def _count(
        self,
        incoming: ConversationRecord,
        stored: archive.VisibleVersion | None,
        *,
        repeat: bool = False,
        staged: bool = False,
    ) -> bool:
        """Count the conversation as added, updated or unchanged; True if it must be written.

        A newer update_time updates; an older one never downgrades; without update_time on
        either side the raw JSON decides. A `repeat` (an earlier file of the export held
        it) was counted then: a newer copy only turns "unchanged" into "updated" (`staged`:
        the earlier copy was written, as added or updated).
        """
        if stored is None:
            if not repeat:
                self.report.added += 1
            return True
        if incoming.update_time is not None and stored.update_time is not None:
            newer = incoming.update_time > stored.update_time
        else:
            newer = incoming.content_hash != stored.content_hash
        if repeat:
            if newer and not staged:
                self.report.unchanged -= 1
                self.report.updated += 1
        elif newer:
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
            # An unpacked folder's files are counted once the stage has listed them.
            snapshot = profiles.Progress("media", done, stage.outcome.bytes, self.found, None)
            profiles.fence(
                session,  # type: ignore[arg-type]
                self.claim.user_id,
                self.claim.generation,
                self.app.clock.now(),
                snapshot,
            )
            self._show(snapshot)

        if not any(part.media for part in self.export.parts) and not self.assets:
            return
        self._show(profiles.Progress("media", 0, total, self.found, None))
        stage = media_stage.MediaStage(
            self.app,
            self.export.parts,
            self.claim.user_id,
            self.claim.run_id,
            beat,
            self.cancel,
            names=self.library_names,
        )
        outcome = stage.run(self.assets)
        self.report.media_files, self.report.media_bytes = outcome.files, outcome.bytes
        self.report.media_kept = outcome.kept
        self.report.media_missing = outcome.missing
        self.report.media_unreferenced = outcome.unreferenced

    # -- publishing and cleaning ------------------------------------------------------------

    def _accounts(self) -> None:
        """Name the accounts when the files given are of several of one vendor's (a batch
        of another account mixed in): each is kept apart, as imported alone."""
        for vendor in {vendor for vendor, _ in self.accounts}:
            mine = {a: f for (v, a), f in self.accounts.items() if v == vendor}
            if len(mine) < 2:
                continue
            for account, files in sorted(mine.items(), key=lambda item: str(item[0])):
                names = sorted({self.export.parts[i].name for i in files})
                self.report.accounts.append((vendor, account, sum(files.values()), names))

    def _publish(self) -> None:
        self._accounts()
        snapshot = self._snapshot("publishing", total=self.found)
        self._show(snapshot)
        with self.app.store.write() as session:
            now = self.app.clock.now()
            profiles.fence(session, self.claim.user_id, self.claim.generation, now, snapshot)
            archive.publish(session, self.claim.user_id, self.claim.run_id)
            self.report.media_added = media_sql.publish(
                session, self.claim.user_id, self.claim.run_id
            )
            archive.publish_presence(session, self.claim.user_id, self.claim.run_id)
            self.report.projects, self.report.memories, self.report.library = projects.publish(
                session, self.claim.user_id, self.claim.run_id
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
                projects.forget_earlier_runs(session, user_id, keep_run_id)
                archive.forget_earlier_presence(session, user_id, keep_run_id)
            for run_id in left:
                media_stage.drop_run(self.app, run_id)


def _rounds(
    batch: list[tuple[ConversationRecord, bool]],
) -> list[list[tuple[ConversationRecord, bool]]]:
    """The batch (each record with whether it is a repeat: an earlier file of the export
    held it) in the rounds it is staged in: a repeat whose earlier copy is in this batch too
    is staged after it, and merged with it."""
    if not any(repeat for _, repeat in batch):
        return [batch]
    rounds: list[list[tuple[ConversationRecord, bool]]] = []
    times: dict[str, int] = {}
    for record, repeat in batch:
        number = times.get(record.conversation_id, 0)
        times[record.conversation_id] = number + 1
        if number == len(rounds):
            rounds.append([])
        rounds[number].append((record, repeat))
    return rounds
