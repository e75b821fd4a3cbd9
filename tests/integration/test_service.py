"""The import service end to end on real SQLite: all or nothing, terminal states, counts."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import func, select

from desktop_importer.app import App
from desktop_importer.basics.errors import (
    ImportAlreadyRunning,
    ImportCancelled,
    ImportSuperseded,
    InvalidExport,
    PathProblem,
)
from desktop_importer.basics.settings import Settings
from desktop_importer.importing.owner import Owner
from desktop_importer.importing.pipeline import UNEXPECTED
from desktop_importer.importing.records import SKIPPED_DETAILS_KEPT
from desktop_importer.importing.service import profile_status, start_import
from desktop_importer.store import profiles
from desktop_importer.store.models import Conversation, Setting
from tests.helpers.archive import visible
from tests.helpers.exports import chatgpt_zip, conversation, conversations, write_zip
from tests.helpers.stubs import ActingProgress, ExplodingProgress, FakeClock, RecordingProgress

if TYPE_CHECKING:
    from pathlib import Path

    from desktop_importer.basics.progress import ProgressUpdate


def versions(app: App) -> int:
    with app.store.read() as session:
        return int(session.scalar(select(func.count()).select_from(Conversation)) or 0)


def small_batches(app: App, conversations_per_batch: int = 2) -> None:
    app.settings = replace(app.settings, batch_conversations=conversations_per_batch)


@pytest.fixture
def export_a(tmp_path: Path) -> Path:
    return chatgpt_zip(tmp_path / "a.zip", conversations(6))


def test_an_import_fills_the_archive_and_says_what_it_did(app: App, export_a: Path) -> None:
    progress = RecordingProgress()
    report = start_import(app, export_a, progress=progress)
    assert (report.conversations, report.added, report.messages) == (6, 6, 12)
    state = profile_status(app)
    assert state.status == "complete"
    assert (state.conversations, state.messages) == (6, 12)
    assert state.last_report is not None
    assert state.last_report["added"] == 6
    assert state.source_name == "a.zip"
    assert progress.finished
    stages = [u.stage for u in progress.updates]
    assert stages[0] == "reading"
    assert stages[-2:] == ["publishing", "complete"]
    done = [u.bytes_done for u in progress.updates]
    assert done == sorted(done)
    assert done[-1] == progress.updates[-1].bytes_total > 0
    assert progress.updates[-1].conversations_total == 6


def test_the_same_file_twice_changes_nothing_and_says_so(app: App, export_a: Path) -> None:
    start_import(app, export_a)
    before = visible(app)
    again = start_import(app, export_a)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 6)
    assert "nothing new" in again.summary()
    assert visible(app) == before
    assert versions(app) == 6  # no second copy left behind


def test_newer_updates_older_never_downgrades(app: App, tmp_path: Path) -> None:
    old = conversation("c", [("user", "old text")], update_time=100.0)
    new = conversation("c", [("user", "new text")], update_time=200.0)
    start_import(app, chatgpt_zip(tmp_path / "old.zip", [old]))
    assert start_import(app, chatgpt_zip(tmp_path / "new.zip", [new])).updated == 1
    assert start_import(app, chatgpt_zip(tmp_path / "old2.zip", [old])).unchanged == 1
    texts = [row[5] for row in visible(app)]  # (user, conversation, title, updated, node, text, …)
    assert "new text" in texts
    assert "old text" not in texts
    assert versions(app) == 1  # the replaced version was cleaned up


def test_without_update_time_the_raw_json_decides(app: App, tmp_path: Path) -> None:
    first = conversation("c", [("user", "one")], update_time=None)
    second = conversation("c", [("user", "two")], update_time=None)
    start_import(app, chatgpt_zip(tmp_path / "1.zip", [first]))
    assert start_import(app, chatgpt_zip(tmp_path / "1b.zip", [first])).unchanged == 1
    assert start_import(app, chatgpt_zip(tmp_path / "2.zip", [second])).updated == 1


def test_conversations_the_new_export_lacks_are_kept(app: App, tmp_path: Path) -> None:
    start_import(app, chatgpt_zip(tmp_path / "1.zip", conversations(3)))
    start_import(app, chatgpt_zip(tmp_path / "2.zip", conversations(1)))
    assert profile_status(app).conversations == 3


def test_one_broken_conversation_is_skipped_with_its_reason(app: App, tmp_path: Path) -> None:
    broken = {"id": "bad", "title": "no tree"}
    dup = conversation("conv-0")
    report = start_import(app, chatgpt_zip(tmp_path / "x.zip", [*conversations(2), broken, dup]))
    assert (report.added, report.skipped, report.conversations) == (2, 2, 4)
    reasons = {s.conversation_id: s.reason for s in report.skipped_details}
    assert "holds no messages" in reasons["bad"]
    assert "appears twice" in reasons["conv-0"]
    assert report.to_json()["skippedDetails"][0] == {"id": "bad", "reason": reasons["bad"]}


def test_every_skipped_conversation_is_counted_and_the_first_thousand_named(
    app: App, tmp_path: Path
) -> None:
    """An export of endless unreadable objects must not fill the memory with their details
    (a million `{}` held 160 MB)."""
    broken = [{"id": f"bad-{i}"} for i in range(SKIPPED_DETAILS_KEPT + 5)]
    export = chatgpt_zip(tmp_path / "x.zip", [*conversations(2), *broken, conversation("conv-0")])
    report = start_import(app, export)
    assert (report.added, report.skipped) == (2, SKIPPED_DETAILS_KEPT + 6)
    named = [s.conversation_id for s in report.skipped_details]
    assert named == [f"bad-{i}" for i in range(SKIPPED_DETAILS_KEPT)]
    assert report.to_json()["skipped"] == SKIPPED_DETAILS_KEPT + 6
    assert "… and 1,001 more skipped (--json names the first 1,000)." in report.details()


def test_not_one_readable_conversation_is_not_a_usable_export(app: App, tmp_path: Path) -> None:
    with pytest.raises(InvalidExport, match="Not one of the 2 conversations"):
        start_import(app, chatgpt_zip(tmp_path / "x.zip", [{"id": 1}, {"nope": True}]))
    state = profile_status(app)
    assert state.status == "failed"
    assert state.last_error
    assert "Not one of the 2" in state.last_error


def test_an_empty_conversation_list_is_not_a_usable_export(app: App, tmp_path: Path) -> None:
    with pytest.raises(InvalidExport, match="contains no conversations"):
        start_import(app, chatgpt_zip(tmp_path / "x.zip", []))
    assert profile_status(app).status == "failed"


def test_a_path_problem_never_touches_the_profile(app: App, tmp_path: Path) -> None:
    with pytest.raises(PathProblem):
        start_import(app, tmp_path / "missing.zip")
    with pytest.raises(PathProblem):
        start_import(app, tmp_path)
    with app.store.read() as session:
        assert profiles.get(session, "default") is None


def test_cancel_half_way_leaves_the_archive_as_it_was(
    app: App, export_a: Path, tmp_path: Path
) -> None:
    start_import(app, export_a)
    before = visible(app)
    small_batches(app)
    asked = iter(range(100))
    bigger = chatgpt_zip(tmp_path / "b.zip", conversations(20, prefix="new"))
    with pytest.raises(ImportCancelled):
        start_import(app, bigger, cancel=lambda: next(asked) >= 8)
    assert visible(app) == before
    state = profile_status(app)
    assert state.status == "cancelled"
    assert state.last_error == "Import cancelled; the archive is unchanged."
    assert versions(app) == 6  # what the cancelled import staged was cleaned away


def test_a_failure_half_way_leaves_failed_and_the_archive_as_it_was(
    app: App, export_a: Path, tmp_path: Path
) -> None:
    start_import(app, export_a)
    before = visible(app)
    small_batches(app)
    with pytest.raises(RuntimeError, match="progress reporter broke"):
        start_import(
            app,
            chatgpt_zip(tmp_path / "b.zip", conversations(20, prefix="n")),
            progress=ExplodingProgress(3),
        )
    assert visible(app) == before
    state = profile_status(app)
    assert (state.status, state.last_error) == ("failed", UNEXPECTED)
    start_import(app, export_a)  # and the next import simply goes ahead


def test_malformed_json_half_way_fails_the_import_cleanly(
    app: App, export_a: Path, tmp_path: Path
) -> None:
    start_import(app, export_a)
    before = visible(app)
    small_batches(app)
    good = ",".join(__import__("json").dumps(c) for c in conversations(10, prefix="n"))
    broken = write_zip(tmp_path / "broken.zip", {"conversations.json": "[" + good + ', {"id": tru'})
    with pytest.raises(
        InvalidExport, match=r"conversations.json ends in the middle of its JSON \(after byte"
    ):
        start_import(app, broken)
    assert visible(app) == before
    assert profile_status(app).status == "failed"


def test_a_worker_superseded_mid_import_stops_and_leaves_no_trace(
    app: App, clock: FakeClock, export_a: Path, tmp_path: Path
) -> None:
    start_import(app, export_a)
    before = visible(app)
    small_batches(app)
    rival: list[profiles.Claim] = []

    def take_over() -> None:
        # The rival judges this worker's process dead, so it takes over at once, whatever
        # the writer thread's last beat was.
        rival.append(
            profiles.claim(
                app.store, "default", now=clock.now(),
                owner=Owner(app.owner.host, 4_000_000, "1"),
                source=profiles.Source("/x.zip", "x.zip", 1),
                stale_after=app.settings.stale_after, probe=lambda _: False,
            )
        )  # fmt: skip

    export = chatgpt_zip(tmp_path / "b.zip", conversations(20, prefix="n"))
    take_over_mid_import = ActingProgress(3, take_over)  # batches are being written by now
    with pytest.raises(ImportSuperseded):
        start_import(app, export, progress=take_over_mid_import)
    assert visible(app) == before
    state = profile_status(app)
    assert state.status == "processing"
    assert state.source_name == "x.zip"
    with app.store.read() as session:
        row = profiles.get(session, "default")
        assert row is not None
        assert row.import_generation == rival[0].generation


def test_heartbeats_keep_a_long_import_fresh(app: App, clock: FakeClock, tmp_path: Path) -> None:
    # Beats come from the writer thread, a few batches behind the reading (two queued, one
    # being written): the threshold must exceed that lag, here a few simulated minutes.
    app.settings = Settings(stale_minutes=10, batch_conversations=2)
    rejections: list[int] = []

    class SlowAndWatched(RecordingProgress):
        def update(self, progress: ProgressUpdate) -> None:
            super().update(progress)
            clock.advance(minutes=1)  # every step of the import takes a minute
            if progress.stage == "reading":
                try:
                    profiles.claim(
                        app.store, "default", now=clock.now(), owner=Owner("h", 1, "1"),
                        source=profiles.Source("/y", "y", 1), stale_after=app.settings.stale_after,
                        probe=lambda _: True,
                    )  # fmt: skip
                except ImportAlreadyRunning as e:
                    rejections.append(e.elapsed_minutes)

    report = start_import(
        app, chatgpt_zip(tmp_path / "b.zip", conversations(80)), progress=SlowAndWatched()
    )
    assert report.added == 80
    assert len(rejections) >= 40
    assert rejections[-1] >= 40  # four times the threshold, and still fresh


def test_transactions_roll_back_unless_they_complete(app: App) -> None:
    def write_then_fail() -> None:
        with app.store.write() as session:
            session.add(Setting(key="stale_minutes", value="1"))
            session.flush()
            raise ZeroDivisionError

    with pytest.raises(ZeroDivisionError):
        write_then_fail()
    assert app.store.stored_settings() == {}
    with app.store.write() as session:
        session.add(Setting(key="stale_minutes", value="1"))
    assert app.store.stored_settings() == {"stale_minutes": "1"}


def test_a_cleanup_failure_after_publishing_does_not_fail_the_import(
    app: App, export_a: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop_importer.basics.errors import EnvironmentProblem
    from desktop_importer.store import archive

    start_import(app, export_a)
    newer = chatgpt_zip(
        tmp_path / "newer.zip", [conversation("conv-0", [("user", "changed")], update_time=2e9)]
    )

    real = archive.delete_unreferenced

    def locked_after_publishing(
        session: Any, user_id: str, keep_run_id: int | None, limit: int
    ) -> int:
        if keep_run_id is None:  # the cleanup after the publish
            raise EnvironmentProblem("The archive database is locked by another program.")
        return real(session, user_id, keep_run_id, limit)

    monkeypatch.setattr(archive, "delete_unreferenced", locked_after_publishing)
    report = start_import(app, newer)
    assert report.updated == 1
    assert profile_status(app).status == "complete"
    monkeypatch.undo()
    start_import(app, newer)  # the next import cleans what was left
    assert versions(app) == 6
