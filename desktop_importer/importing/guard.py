"""The processing guard's judgement, as pure functions over a profile's stamps and a clock.

The store runs these inside the claim transaction; the CLI's `status` and the window use the
same functions, so every part of the app judges "fresh" and "stale" alike.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from desktop_importer.basics.clock import whole_minutes
from desktop_importer.importing.owner import Owner

log = logging.getLogger(__name__)

PROCESSING = "processing"
FUTURE_TOLERANCE = timedelta(minutes=1)

OwnerProbe = Callable[[Owner], bool | None]


@dataclass(frozen=True)
class GuardState:
    status: str
    processing_started_at: datetime | None
    heartbeat_at: datetime | None
    owner: Owner | None


@dataclass(frozen=True)
class Assessment:
    processing: bool
    stale: bool
    stale_reason: str | None  # "silent", "owner-dead" or "no-valid-stamp"
    elapsed_minutes: int  # whole minutes since processing_started_at
    last_sign_of_life: datetime | None
    stale_at: datetime | None  # when a silent import would count as stale

    @property
    def blocks_new_import(self) -> bool:
        return self.processing and not self.stale


def last_sign_of_life(state: GuardState, now: datetime) -> datetime | None:
    """The latest stamp that is not more than a minute ahead of `now` (clocks jump)."""
    stamps = [
        stamp
        for stamp in (state.processing_started_at, state.heartbeat_at)
        if stamp is not None and stamp <= now + FUTURE_TOLERANCE
    ]
    return max(stamps, default=None)


def elapsed_minutes(state: GuardState, now: datetime) -> int:
    if state.processing_started_at is None:
        return 0
    return whole_minutes(now - state.processing_started_at)


def assess(
    state: GuardState, now: datetime, stale_after: timedelta, probe: OwnerProbe
) -> Assessment:
    elapsed = elapsed_minutes(state, now)
    if state.status != PROCESSING:
        return Assessment(False, False, None, elapsed, None, None)
    last = last_sign_of_life(state, now)
    stale_at = last + stale_after if last is not None else None
    reason: str | None = None
    if last is None:
        reason = "no-valid-stamp"
    elif now - last >= stale_after:
        reason = "silent"
    elif state.owner is not None and probe(state.owner) is False:
        reason = "owner-dead"
    return Assessment(True, reason is not None, reason, elapsed, last, stale_at)


def warn_stuck(user_id: str, assessment: Assessment) -> None:
    log.warning(
        "Stuck import detected (%d min), allowing retry for user %s",
        assessment.elapsed_minutes,
        user_id,
    )
