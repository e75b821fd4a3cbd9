"""The processing guard on a real SQLite store, time from the injected clock."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from dataclasses import replace
from datetime import timedelta
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import func, select

from desktop_importer.basics.errors import (
    ALREADY_RUNNING_MESSAGE,
    ImportAlreadyRunning,
    ImportSuperseded,
)
from desktop_importer.importing.owner import Owner, current_owner, owner_alive
from desktop_importer.importing.records import ConversationRecord
from desktop_importer.store import archive, profiles
from desktop_importer.store.models import Conversation, UserProfile
from desktop_importer.vendors.registry import parse_conversation
from tests.helpers.exports import conversation

if TYPE_CHECKING:
    from desktop_importer.app import App
    from tests.helpers.stubs import FakeClock

SOURCE = profiles.Source("/exports/chat.zip", "chat.zip", 1234)


def take(app: App, owner: Owner | None = None, user: str = "default") -> profiles.Claim:
    return profiles.claim(
        app.store,
        user,
        now=app.clock.now(),
        owner=owner or app.owner,
        source=SOURCE,
        stale_after=app.settings.stale_after,
        probe=app.probe,
    )


def row(app: App, user: str = "default") -> UserProfile:
    with app.store.read() as session:
        found = profiles.get(session, user)
        assert found is not None
        return found


def beat(app: App, claim: profiles.Claim) -> None:
    with app.store.write() as session:
        profiles.fence(session, claim.user_id, claim.generation, app.clock.now(), None)


def test_the_claim_sets_every_guard_column_in_one_go(app: App, clock: FakeClock) -> None:
    claim = take(app)
    state = row(app)
    assert state.import_status == "processing"
    assert state.processing_started_at == state.heartbeat_at == clock.now()
    assert state.import_generation == claim.generation == 1
    assert (state.owner_host, state.owner_pid, state.owner_started) == (
        app.owner.host,
        app.owner.pid,
        app.owner.started,
    )
    assert (state.source_path, state.source_name, state.stage) == (
        SOURCE.path,
        "chat.zip",
        "starting",
    )


@pytest.mark.parametrize("minutes", [0, 7, 14])
def test_a_fresh_import_is_rejected_with_elapsed_minutes(
    app: App, clock: FakeClock, minutes: int
) -> None:
    take(app)
    clock.advance(minutes=minutes, seconds=59)
    with pytest.raises(ImportAlreadyRunning) as rejected:
        take(app)
    assert rejected.value.message == ALREADY_RUNNING_MESSAGE
    assert rejected.value.status == "processing"
    assert rejected.value.elapsed_minutes == minutes
    assert row(app).import_generation == 1  # the rejection changed nothing


@pytest.mark.parametrize("minutes", [15, 47])
def test_a_silent_import_is_superseded_with_a_warning(
    app: App, clock: FakeClock, caplog: pytest.LogCaptureFixture, minutes: int
) -> None:
    first = take(app)
    clock.advance(minutes=minutes)
    with caplog.at_level(logging.WARNING, logger="desktop_importer"):
        second = take(app)
    assert second.generation == first.generation + 1
    assert second.superseded is not None
    assert (
        f"Stuck import detected ({minutes} min), allowing retry for user default" in caplog.messages
    )


def test_a_beating_import_stays_fresh_for_forty_minutes(app: App, clock: FakeClock) -> None:
    claim = take(app)
    for _ in range(8):
        clock.advance(minutes=5)
        beat(app, claim)
    with pytest.raises(ImportAlreadyRunning) as rejected:
        take(app)
    assert rejected.value.elapsed_minutes == 40


def test_a_dead_owner_on_this_host_is_superseded_at_once(
    app: App, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    dead = Owner(app.owner.host, child.pid, app.owner.started)  # this pid never had that start
    child.wait()
    take(app, owner=dead)
    clock.advance(minutes=2)
    with caplog.at_level(logging.WARNING, logger="desktop_importer"):
        take(app)
    assert "Stuck import detected (2 min), allowing retry for user default" in caplog.messages


def test_a_live_owner_elsewhere_cannot_be_declared_dead(app: App, clock: FakeClock) -> None:
    take(app, owner=replace(app.owner, host="another-machine"))
    clock.advance(minutes=14)
    with pytest.raises(ImportAlreadyRunning):
        take(app)


def test_stamps_from_the_future_do_not_keep_an_import_fresh(app: App, clock: FakeClock) -> None:
    take(app)  # started at T0
    clock.advance(minutes=20)
    start = clock.now()
    clock.advance(hours=3)  # the clock jumped ahead, the worker beat, then the clock was fixed
    beat(app, profiles.Claim("default", 1, 1, None))
    clock.set(start)
    assert row(app).heartbeat_at == start + timedelta(hours=3)
    second = take(app)  # the only valid stamp is 20 minutes old
    assert second.superseded is not None
    assert second.superseded.stale_reason == "silent"


def test_a_claim_whose_every_stamp_is_in_the_future_is_stale(app: App, clock: FakeClock) -> None:
    clock.advance(hours=5)
    take(app)
    clock.advance(hours=-5)
    second = take(app)
    assert second.superseded is not None
    assert second.superseded.stale_reason == "no-valid-stamp"


def test_profiles_are_guarded_separately(app: App) -> None:
    take(app, user="alice")
    take(app, user="bob")
    with pytest.raises(ImportAlreadyRunning):
        take(app, user="alice")


def test_a_superseded_workers_beats_batches_and_finish_change_nothing(
    app: App, clock: FakeClock
) -> None:
    old = take(app)
    clock.advance(minutes=16)
    new = take(app, owner=Owner(app.owner.host, 999_999, "1"))
    before = row(app)

    def late_batch() -> None:
        """What a worker's batch transaction does, in the order most likely to leak."""
        with app.store.write() as session:
            archive.stage(
                session,
                "default",
                old.run_id,
                [ConversationRecord.of(parse_conversation(conversation("late")))],
            )
            profiles.fence(
                session, "default", old.generation, clock.now(), profiles.Progress("reading", 5)
            )

    def late_finish() -> None:
        with app.store.write() as session:
            profiles.end(session, old, status="complete", now=clock.now())

    with pytest.raises(ImportSuperseded):
        beat(app, old)
    with pytest.raises(ImportSuperseded):
        late_batch()
    with pytest.raises(ImportSuperseded):
        late_finish()

    after = row(app)
    assert after.import_status == "processing"
    assert after.import_generation == new.generation
    assert after.heartbeat_at == before.heartbeat_at
    assert after.owner_pid == 999_999
    with app.store.read() as session:
        assert session.scalar(select(func.count()).select_from(Conversation)) == 0


def test_the_probe_used_by_default_is_the_real_one(app: App) -> None:
    assert app.probe is owner_alive
    assert app.owner == current_owner()
    assert app.owner.pid == os.getpid()
