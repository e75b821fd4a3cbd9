"""The guard's judgement over an injected clock: no disk, no waiting."""

from __future__ import annotations

from datetime import timedelta

import pytest

from desktop_importer.importing.guard import GuardState, assess
from desktop_importer.importing.owner import Owner
from tests.helpers.stubs import T0

STALE = timedelta(minutes=15)
OWNER = Owner("this-host", 4242, "123")


def alive(_: Owner) -> bool:
    return True


def dead(_: Owner) -> bool:
    return False


def running(started_min_ago: float, beat_min_ago: float | None = None) -> GuardState:
    beat = None if beat_min_ago is None else T0 - timedelta(minutes=beat_min_ago)
    return GuardState("processing", T0 - timedelta(minutes=started_min_ago), beat, OWNER)


@pytest.mark.parametrize("minutes", [0, 7, 14])
def test_a_fresh_import_blocks_with_its_elapsed_minutes(minutes: int) -> None:
    verdict = assess(running(minutes, minutes), T0, STALE, alive)
    assert verdict.blocks_new_import
    assert verdict.elapsed_minutes == minutes


def test_elapsed_minutes_round_down() -> None:
    verdict = assess(running(14.99, 14.99), T0, STALE, alive)
    assert verdict.elapsed_minutes == 14
    assert verdict.blocks_new_import


@pytest.mark.parametrize("minutes", [15, 16, 90])
def test_fifteen_silent_minutes_make_it_stale(minutes: int) -> None:
    verdict = assess(running(minutes, minutes), T0, STALE, alive)
    assert verdict.stale
    assert verdict.stale_reason == "silent"
    assert not verdict.blocks_new_import


def test_a_recent_heartbeat_keeps_an_old_import_fresh() -> None:
    verdict = assess(running(40, 1), T0, STALE, alive)
    assert verdict.blocks_new_import
    assert verdict.elapsed_minutes == 40
    assert verdict.stale_at == T0 - timedelta(minutes=1) + STALE


def test_a_dead_owner_is_stale_at_once() -> None:
    verdict = assess(running(0, 0), T0, STALE, dead)
    assert verdict.stale
    assert verdict.stale_reason == "owner-dead"


def test_an_owner_that_cannot_be_judged_counts_as_alive() -> None:
    assert assess(running(3, 3), T0, STALE, lambda _: None).blocks_new_import


def test_a_heartbeat_in_the_future_is_ignored() -> None:
    state = GuardState("processing", T0 - timedelta(minutes=20), T0 + timedelta(hours=2), OWNER)
    verdict = assess(state, T0, STALE, alive)
    assert verdict.stale
    assert verdict.stale_reason == "silent"


def test_no_valid_stamp_means_stale() -> None:
    state = GuardState("processing", T0 + timedelta(hours=1), T0 + timedelta(hours=1), OWNER)
    verdict = assess(state, T0, STALE, alive)
    assert verdict.stale
    assert verdict.stale_reason == "no-valid-stamp"
    assert verdict.elapsed_minutes == 0  # never negative


def test_less_than_a_minute_ahead_still_counts_as_a_sign_of_life() -> None:
    state = GuardState("processing", T0 - timedelta(minutes=30), T0 + timedelta(seconds=50), OWNER)
    assert assess(state, T0, STALE, alive).blocks_new_import


@pytest.mark.parametrize("status", ["idle", "complete", "failed", "cancelled"])
def test_terminal_states_never_block(status: str) -> None:
    state = GuardState(status, T0, T0, OWNER)
    assert not assess(state, T0, STALE, alive).blocks_new_import
