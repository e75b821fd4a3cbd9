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

from desktop_importer import cjk
from desktop_importer.domain import vendor_flags
from desktop_importer.store import recovery as sql

if TYPE_CHECKING:
    from collections.abc import Callable

    from sqlalchemy.orm import Session

    from desktop_importer.service import App

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
    finished: bool = True  # False if cancelled half-way (the rest is done next time)


def _ms_since(started: float) -> float:
    return (time.perf_counter() - started) * 1000


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


def never(_: object = None) -> bool:
    return False


def recover(
    app: App,
    *,
    progress: Callable[[str, int], None] | None = None,
    cancel: Callable[[], bool] = never,
) -> RecoveryReport:
    """Remove every dead import's versions, then merge the full-text indexes until FTS5
    has nothing left to merge. `progress(stage, steps done)` after each step."""
    report = RecoveryReport()
    with app.store.read() as session:
        dead = [run for run in sql.unfinished_runs(session) if _dead(app, run)]
    for run in dead:
        report.dead_runs += 1
        while True:
            if cancel():
                report.finished = False
                return report
            started = time.perf_counter()
            with app.store.write() as session:
                removed = sql.delete_run_versions(session, run.run_id, DELETE_BATCH)
                if removed:
                    sql.mark_index_merge(session)
                else:
                    sql.abandon(session, run.run_id, app.clock.now(), ABANDONED)
            report.longest_delete_ms = max(report.longest_delete_ms, _ms_since(started))
            report.versions_removed += removed
            if progress:
                progress("removing", report.versions_removed)
            if not removed:
                log.info("Import %d of %s died; its leftovers are removed", run.run_id, run.user_id)
                break
    _merge(app, report, progress, cancel)
    if report.finished:
        _upgrade_tasks(app, report, progress, cancel)
    if report.dead_runs or report.merge_steps:
        log.info(
            "Recovery: %d dead imports, %d versions removed (longest step %.0f ms), "
            "%d index merge steps (longest %.0f ms)%s",
            report.dead_runs,
            report.versions_removed,
            report.longest_delete_ms,
            report.merge_steps,
            report.longest_merge_ms,
            "" if report.finished else "; the rest is left for next time",
        )
    return report


def _flags_of(raw_zlib: bytes) -> int:
    return vendor_flags(orjson.loads(zlib.decompress(raw_zlib)))


# Upgrades' data work, in the order of their schema versions: (the stage progress names,
# the task's cursor, one step: (position reached, last position)).
UPGRADE_TASKS: tuple[
    tuple[str, Callable[[Session], int | None], Callable[[Session], tuple[int, int]]], ...
] = (
    # 7: messages stored before it get their CJK index form.
    ("indexing", sql.cjk_cursor, lambda s: sql.reindex_cjk_step(s, cjk.index_form)),
    # 8: conversations stored before it get the vendor's archived and starred flags.
    ("upgrading", sql.flags_cursor, lambda s: sql.backfill_flags_step(s, _flags_of)),
)


def _upgrade_tasks(
    app: App,
    report: RecoveryReport,
    progress: Callable[[str, int], None] | None,
    cancel: Callable[[], bool],
) -> None:
    """Each upgrade's data work, one short transaction a step, resumable."""
    for stage, cursor_of, step in UPGRADE_TASKS:
        with app.store.read() as session:
            if cursor_of(session) is None:
                continue
        while True:
            if cancel():
                report.finished = False
                return
            started = time.perf_counter()
            with app.store.write() as session:
                reached, last = step(session)
                owed = cursor_of(session) is not None
            report.longest_merge_ms = max(report.longest_merge_ms, _ms_since(started))
            report.upgrade_steps += 1
            if progress:
                done = 100 if not owed else min(99, reached * 100 // max(1, last))
                progress(stage, done)
            if not owed:
                log.info("Upgrade task %s done", stage)
                break


def _merge(
    app: App,
    report: RecoveryReport,
    progress: Callable[[str, int], None] | None,
    cancel: Callable[[], bool],
) -> None:
    with app.store.read() as session:
        if not sql.index_merge_pending(session):
            return
    for index in sql.FTS_INDEXES:
        while True:
            if cancel():
                report.finished = False
                return
            started = time.perf_counter()
            with app.store.write() as session:
                worked = sql.merge_step(session, index)
            report.longest_merge_ms = max(report.longest_merge_ms, _ms_since(started))
            report.merge_steps += 1
            if progress:
                progress("merging", report.merge_steps)
            if not worked:
                break
    with app.store.write() as session:
        sql.finish_index_merge(session)
