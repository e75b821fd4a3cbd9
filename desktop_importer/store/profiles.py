"""The processing guard in SQL: the atomic claim, the fence every worker write passes, release.

The claim is one write transaction (BEGIN IMMEDIATE, see database.py): read the row, judge
it with guard.assess, and either refuse or take it with `import_generation + 1`. Every later
write of the worker is fenced: it only happens while the row still carries its generation.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import CursorResult, insert, select, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from desktop_importer.basics.errors import ImportAlreadyRunning, ImportSuperseded
from desktop_importer.importing import guard
from desktop_importer.importing.owner import Owner
from desktop_importer.store.models import ImportRun, UserProfile

if TYPE_CHECKING:
    from datetime import datetime, timedelta

    from sqlalchemy.orm import Session

    from desktop_importer.store.database import Store


@dataclass(frozen=True)
class Source:
    path: str
    name: str
    size: int


@dataclass(frozen=True)
class Claim:
    user_id: str
    generation: int
    run_id: int
    superseded: guard.Assessment | None  # the stale import this claim took over, if any


@dataclass(frozen=True)
class Progress:
    stage: str
    bytes_done: int = 0
    bytes_total: int = 0
    conversations_done: int = 0
    conversations_total: int | None = None


def guard_state(row: UserProfile) -> guard.GuardState:
    owner = None
    if row.owner_host is not None and row.owner_pid is not None:
        owner = Owner(row.owner_host, row.owner_pid, row.owner_started)
    return guard.GuardState(row.import_status, row.processing_started_at, row.heartbeat_at, owner)


def get(session: Session, user_id: str) -> UserProfile | None:
    return session.get(UserProfile, user_id)


def claim(
    store: Store,
    user_id: str,
    *,
    now: datetime,
    owner: Owner,
    source: Source,
    stale_after: timedelta,
    probe: guard.OwnerProbe,
) -> Claim:
    """Take the profile for a new import, or raise ImportAlreadyRunning. One transaction."""
    # Over 60 lines: the guard's one transaction (fresh, stale, dead owner, free), read
    # top to bottom as DESIGN.md states it.
    with store.write() as session:
        session.execute(
            sqlite_insert(UserProfile)
            .values(user_id=user_id, import_status="idle", import_generation=0)
            .on_conflict_do_nothing()
        )
        row = session.get_one(UserProfile, user_id)
        verdict = guard.assess(guard_state(row), now, stale_after, probe)
        if verdict.blocks_new_import:
            raise ImportAlreadyRunning(verdict.elapsed_minutes)
        if verdict.processing and row.current_run_id is not None:
            session.execute(
                update(ImportRun)
                .where(ImportRun.id == row.current_run_id, ImportRun.status == "processing")
                .values(status="superseded", finished_at=now)
            )
        generation = row.import_generation + 1
        run_id = session.execute(
            insert(ImportRun)
            .values(
                user_id=user_id,
                generation=generation,
                status="processing",
                source_path=source.path,
                source_size=source.size,
                started_at=now,
            )
            .returning(ImportRun.id)
        ).scalar_one()
        taken = cast(
            CursorResult[Any],
            session.execute(
                update(UserProfile)
                .where(
                    UserProfile.user_id == user_id,
                    UserProfile.import_generation == row.import_generation,
                )
                .values(
                    import_status=guard.PROCESSING,
                    processing_started_at=now,
                    heartbeat_at=now,
                    finished_at=None,
                    import_generation=generation,
                    owner_host=owner.host,
                    owner_pid=owner.pid,
                    owner_started=owner.started,
                    last_error=None,
                    source_path=source.path,
                    source_name=source.name,
                    stage="starting",
                    bytes_done=0,
                    bytes_total=source.size,
                    conversations_done=0,
                    conversations_total=None,
                    current_run_id=run_id,
                )
                .execution_options(synchronize_session=False)
            ),
        )
        if taken.rowcount != 1:  # pragma: no cover - impossible under BEGIN IMMEDIATE
            raise RuntimeError("the claim lost a race it cannot lose")
    if verdict.processing:
        guard.warn_stuck(user_id, verdict)
    return Claim(user_id, generation, run_id, verdict if verdict.processing else None)


def fence(
    session: Session, user_id: str, generation: int, now: datetime, progress: Progress | None
) -> None:
    """Beat and prove this worker still owns the profile, inside the caller's transaction.

    Raises ImportSuperseded (and so rolls the caller's transaction back) if a newer import
    claimed the profile or this one was already ended.
    """
    values: dict[str, object] = {"heartbeat_at": now}
    if progress is not None:
        values.update(
            stage=progress.stage,
            bytes_done=progress.bytes_done,
            bytes_total=progress.bytes_total,
            conversations_done=progress.conversations_done,
            conversations_total=progress.conversations_total,
        )
    result = cast(
        CursorResult[Any],
        session.execute(
            update(UserProfile)
            .where(
                UserProfile.user_id == user_id,
                UserProfile.import_generation == generation,
                UserProfile.import_status == guard.PROCESSING,
            )
            .values(**values)
            .execution_options(synchronize_session=False)
        ),
    )
    if result.rowcount != 1:
        raise ImportSuperseded()


def end(
    session: Session,
    claim_: Claim,
    *,
    status: str,
    now: datetime,
    error: str | None = None,
    report_json: str | None = None,
) -> None:
    """Give the profile its terminal status, fenced like every other write of the worker."""
    fence(session, claim_.user_id, claim_.generation, now, None)
    session.execute(
        update(UserProfile)
        .where(UserProfile.user_id == claim_.user_id)
        .values(
            import_status=status,
            finished_at=now,
            last_error=error,
            stage=status,
            owner_host=None,
            owner_pid=None,
            owner_started=None,
        )
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(ImportRun)
        .where(ImportRun.id == claim_.run_id)
        .values(status=status, finished_at=now, error=error, report_json=report_json)
    )


def still_current(session: Session, user_id: str, generation: int) -> bool:
    found = session.scalar(
        select(UserProfile.import_generation).where(UserProfile.user_id == user_id)
    )
    return found == generation


def last_report(session: Session, user_id: str) -> dict[str, object] | None:
    """The report of the profile's latest completed import, if any."""
    found = session.scalar(
        select(ImportRun.report_json)
        .where(ImportRun.user_id == user_id, ImportRun.status == "complete")
        .order_by(ImportRun.id.desc())
        .limit(1)
    )
    if found is None:
        return None
    report: dict[str, object] = json.loads(found)
    return report
