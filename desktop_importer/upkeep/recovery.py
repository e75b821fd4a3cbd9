"""Recovery after a crash: what a dead import wrote is removed, its full-text index entries
included, in steps short enough that no other process's claim or heartbeat waits.

    if recovery_needed(app):
        report = recover(app, progress=..., cancel=...)

It covers every profile and runs whenever the archive is opened (`open_app`; the window
runs it off its GUI thread) and after every import. Each step is its own transaction and
the work owed is recorded in the archive, so a recovery that is itself interrupted goes on
where it stopped the next time.
"""

from __future__ import annotations

import logging
import time
import zlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

import orjson

from desktop_importer.basics.progress import never_cancelled
from desktop_importer.importing import media_stage
from desktop_importer.store import insights as insights_sql
from desktop_importer.store import media as media_sql
from desktop_importer.store import recovery as sql
from desktop_importer.vendors import chatgpt
from desktop_importer.vendors.parsed import UnreadableConversation, vendor_flags
from desktop_importer.vendors.registry import parse_conversation, vendor_of

if TYPE_CHECKING:
    from collections.abc import Callable

    from sqlalchemy.orm import Session

    from desktop_importer.app import App

log = logging.getLogger(__name__)

DELETE_BATCH = 25  # conversations per transaction: 100 took up to 530 ms (FTS re-reads text)
ABANDONED = "The import stopped unexpectedly (its process ended); nothing of it was kept."


@dataclass
class RecoveryReport:
    dead_runs: int = 0
    versions_removed: int = 0
    merge_steps: int = 0
    upgrade_steps: int = 0
    longest_delete_ms: float = 0.0  # the longest transaction of each kind
    longest_merge_ms: float = 0.0
    longest_upgrade_ms: float = 0.0
    finished: bool = True  # False if cancelled half-way (the rest is done next time)


# What each stage says, in the window and on a terminal.
RECOVERING = "Tidying the archive after an import that was interrupted…"
STAGES = {
    "removing": RECOVERING + " {done:,} unfinished conversations removed",
    "merging": RECOVERING + " compacting the search index (step {done:,})",
    "indexing": "Updating the search index so that it finds Chinese, Japanese and Korean "
    "words… {done}%",
    "upgrading": "Updating the archive for this version of the app… {done}%",
}


def stage_sentence(stage: str, done: int) -> str:
    return STAGES.get(stage, RECOVERING).format(done=done)


def _dead(app: App, run: sql.UnfinishedRun) -> bool:
    """A run still marked processing is dead unless it holds its profile with an owner that
    may be alive (another host, or a live process: the stale rule judges those)."""
    if not run.holds_profile:
        return True
    return run.owner is not None and app.probe(run.owner) is False


def recovery_needed(app: App) -> bool:
    """One short read: is there a dead import's leftover, or maintenance owed (an index
    merge, or an upgrade's re-indexing)?"""
    with app.store.read() as session:
        if sql.work_owed(session):
            return True
        return any(_dead(app, run) for run in sql.unfinished_runs(session))


class _Steps:
    """Runs one kind of work as short write transactions until it is done or cancelled,
    timing each; the work owed is recorded in the archive, so what is left waits."""

    def __init__(self, app: App, report: RecoveryReport, cancel: Callable[[], bool]) -> None:
        self.app, self.report, self.cancel = app, report, cancel

    def run(self, step: Callable[[Session], bool], longest: str) -> bool:
        """`step(session)` until it returns False (nothing left); False if cancelled."""
        while True:
            if self.cancel():
                self.report.finished = False
                return False
            started = time.perf_counter()
            with self.app.store.write() as session:
                more = step(session)
            took = (time.perf_counter() - started) * 1000
            setattr(self.report, longest, max(getattr(self.report, longest), took))
            if not more:
                return True


def recover(
    app: App,
    *,
    progress: Callable[[str, int], None] | None = None,
    cancel: Callable[[], bool] = never_cancelled,
) -> RecoveryReport:
    """Remove every dead import's versions, merge the full-text indexes until FTS5 has
    nothing left to merge, then do the data work upgrades owe. `progress(stage, done)` after
    each step (see STAGES)."""
    report = RecoveryReport()
    steps = _Steps(app, report, cancel)
    say = progress or (lambda stage, done: None)
    with app.store.read() as session:
        dead = [run for run in sql.unfinished_runs(session) if _dead(app, run)]
    for run in dead:
        report.dead_runs += 1

        def remove(session: Session, run: sql.UnfinishedRun = run) -> bool:
            removed = sql.delete_run_versions(session, run.run_id, DELETE_BATCH)
            if removed:
                sql.mark_index_merge(session)
            else:
                sql.abandon(session, run.run_id, app.clock.now(), ABANDONED)
                media_sql.drop_run(session, run.run_id)
            report.versions_removed += removed
            say("removing", report.versions_removed)
            return bool(removed)

        if not steps.run(remove, "longest_delete_ms"):
            return report
        app.media_folder().clear_staging(run.run_id)
        log.info("Import %d of %s died; its leftovers are removed", run.run_id, run.user_id)
    if dead:
        # Its media: contents nothing refers to any more, then files no row records (a
        # move into place whose transaction never committed).
        media_stage.collect(app)
        media_stage.sweep(app)
    if _merge(app, steps, say):
        _upgrade_tasks(app, steps, say)
    if report.dead_runs or report.merge_steps or report.upgrade_steps:
        log.info(
            "Recovery: %d dead imports, %d versions removed (longest step %.0f ms), "
            "%d index merge steps (longest %.0f ms), %d upgrade steps (longest %.0f ms)%s",
            report.dead_runs,
            report.versions_removed,
            report.longest_delete_ms,
            report.merge_steps,
            report.longest_merge_ms,
            report.upgrade_steps,
            report.longest_upgrade_ms,
            "" if report.finished else "; the rest is left for next time",
        )
    return report


def _merge(app: App, steps: _Steps, say: Callable[[str, int], None]) -> bool:
    """Merge both full-text indexes until FTS5 reports no work; False if cancelled."""
    with app.store.read() as session:
        if not sql.index_merge_pending(session):
            return True
    for index in sql.FTS_INDEXES:

        def merge(session: Session, index: str = index) -> bool:
            worked = sql.merge_step(session, index)
            steps.report.merge_steps += 1
            say("merging", steps.report.merge_steps)
            return worked

        if not steps.run(merge, "longest_merge_ms"):
            return False
    with app.store.write() as session:
        sql.finish_index_merge(session)
    return True


def _flags_of(raw_zlib: bytes) -> int:
    return vendor_flags(orjson.loads(zlib.decompress(raw_zlib)))


def _project_of(raw_zlib: bytes) -> str | None:
    obj = orjson.loads(zlib.decompress(raw_zlib))
    return chatgpt.project_of(obj) if isinstance(obj, dict) else None


def _model_of(raw_zlib: bytes) -> str | None:
    try:
        obj = orjson.loads(zlib.decompress(raw_zlib))
    except (orjson.JSONDecodeError, zlib.error):
        return None
    vendor = vendor_of(obj) if isinstance(obj, dict) else None
    return vendor.model_of(obj) if vendor is not None else None


def _derive(raw_zlib: bytes) -> sql.Derived | None:
    """A stored conversation's messages as this version's reader reads them."""
    try:
        parsed = parse_conversation(orjson.loads(zlib.decompress(raw_zlib)))
    except (UnreadableConversation, orjson.JSONDecodeError, zlib.error):
        return None
    return {m.node_id: (m.parent_id, m.path_index, m.text, m.hidden) for m in parsed.messages}


# Upgrades' data work: (the progress stage, the task's cursor, one step: (position
# reached, last position)). The index's copies go first: until they are dropped, a
# message's index entry may not be what the triggers that change its text take out.
UPGRADE_TASKS: tuple[
    tuple[str, Callable[[Session], int | None], Callable[[Session], tuple[int, int]]], ...
] = (
    # 14 (and 7): CJK messages indexed as their pairs, with no second copy stored.
    ("indexing", sql.index_copies_cursor, sql.drop_index_copies_step),
    # 8: conversations stored before it get the vendor's archived and starred flags.
    ("upgrading", sql.flags_cursor, lambda s: sql.backfill_flags_step(s, _flags_of)),
    # 18: ChatGPT conversations stored before it get the project they belong to.
    ("upgrading", sql.projects_cursor, lambda s: sql.backfill_projects_step(s, _project_of)),
    # 20: Insights' activity and model of conversations stored before it.
    ("upgrading", insights_sql.activity_cursor, lambda s: insights_sql.backfill_step(s, _model_of)),
    # 13 and 15: messages stored before it read again (what is shown, instructions,
    # citations; the one rendering of blocks to text, injected context hidden).
    ("upgrading", sql.reread_cursor, lambda s: sql.reread_step(s, _derive)),
)


def _upgrade_tasks(app: App, steps: _Steps, say: Callable[[str, int], None]) -> bool:
    """Each upgrade's data work, resumable; False if cancelled."""
    for stage, cursor_of, step in UPGRADE_TASKS:
        with app.store.read() as session:
            if cursor_of(session) is None:
                continue

        def upgrade(
            session: Session,
            stage: str = stage,
            cursor_of: Callable[[Session], int | None] = cursor_of,
            step: Callable[[Session], tuple[int, int]] = step,
        ) -> bool:
            reached, last = step(session)
            owed = cursor_of(session) is not None
            steps.report.upgrade_steps += 1
            say(stage, min(99, reached * 100 // max(1, last)) if owed else 100)
            return owed

        if not steps.run(upgrade, "longest_upgrade_ms"):
            return False
        log.info("Upgrade task %s done", stage)
    return True
