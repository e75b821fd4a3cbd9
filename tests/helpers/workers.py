"""Code that runs in real child processes started by the tests (spawned, never forked)."""

from __future__ import annotations

import os
import sys
import traceback
from datetime import timedelta
from pathlib import Path
from typing import Any

from desktop_importer.basics.clock import OffsetClock
from desktop_importer.basics.errors import ImportAlreadyRunning
from desktop_importer.basics.progress import ProgressUpdate
from desktop_importer.importing.service import open_app, profile_status, start_import
from desktop_importer.store import profiles
from tests.helpers.processes import readers

SOURCE = profiles.Source("/race.zip", "race.zip", 1)


def claim_rounds(data_dir: str, rounds: int, barrier: Any, results: Any) -> None:
    """Each round: all processes claim the same profile at once; the winner then releases."""
    try:
        app = open_app(Path(data_dir))
    except Exception:
        results.put((-1, "error: " + traceback.format_exc()))
        barrier.abort()
        return
    for round_ in range(rounds):
        barrier.wait()
        claim = None
        try:
            claim = profiles.claim(
                app.store,
                "default",
                now=app.clock.now(),
                owner=app.owner,
                source=SOURCE,
                stale_after=app.settings.stale_after,
                probe=app.probe,
            )
            outcome = "won"
        except ImportAlreadyRunning:
            outcome = "rejected"
        except Exception as e:
            outcome = f"error: {e!r}"
        results.put((round_, outcome))
        barrier.wait()
        if claim is not None:
            with app.store.write() as session:
                profiles.end(session, claim, status="complete", now=app.clock.now())
        barrier.wait()
    app.close()


def open_fresh(data_dir: str, barrier: Any, results: Any) -> None:
    """Open a brand-new data folder at the same moment as the other processes."""
    barrier.wait()
    try:
        app = open_app(Path(data_dir))
        state = profile_status(app)
        app.close()
        results.put(f"ok {state.status}")
    except Exception:
        results.put("error: " + traceback.format_exc())


class _Hold:
    """A progress reporter that parks the import, alive and claimed, until released: at
    its first report, or at the first of `stage` ("publishing": all staged, none visible)."""

    def __init__(self, ready: Any, release: Any, stage: str | None = None) -> None:
        self.ready, self.release, self.stage = ready, release, stage

    def update(self, progress: ProgressUpdate) -> None:
        if self.stage is not None and progress.stage != self.stage:
            return
        if not self.ready.is_set():
            self.ready.set()
            self.release.wait(120)

    def finish(self) -> None:
        pass


def hold_import(
    data_dir: str,
    export: str,
    minutes_ago: int,
    ready: Any,
    release: Any,
    results: Any,
    stage: str | None = None,
) -> None:
    """A real import that started `minutes_ago` minutes ago and is still working."""
    try:
        app = open_app(Path(data_dir), clock=OffsetClock(-timedelta(minutes=minutes_ago)))
        report = start_import(app, export, progress=_Hold(ready, release, stage))
        results.put(f"added {report.added}")
        app.close()
    except Exception:
        results.put("error: " + traceback.format_exc())
        ready.set()


def crash_import(data_dir: str, export: str, kill_at: str, profile: str = "default") -> None:
    """Import, and SIGKILL this process at `kill_at`: `update:N` (the Nth progress report)
    or `sql:PREFIX:N` (as SQLite starts the Nth statement starting with PREFIX, inside its
    transaction, before its commit). SQLite's own trace hook sees every statement, those the
    store sends through the driver's cursor too."""
    import signal

    from sqlalchemy import event

    app = open_app(Path(data_dir))
    kind, _, rest = kill_at.partition(":")
    prefix, _, count = rest.rpartition(":") if kind == "sql" else ("", "", rest)
    remaining = [int(count)]

    def tick() -> None:
        remaining[0] -= 1
        if remaining[0] == 0:
            if sys.platform.startswith("linux"):  # for the test to check they stop too
                mine = [pid for pid, parent in readers().items() if parent == os.getpid()]
                print(f"readers: {mine}", file=sys.stderr, flush=True)
            os.kill(os.getpid(), signal.SIGKILL)

    if kind == "sql":

        def trace(statement: str) -> None:
            if statement.lstrip().upper().startswith(prefix.upper()):
                tick()

        @event.listens_for(app.store.engine, "checkout")
        def _traced(dbapi_connection: Any, *args: Any) -> None:
            dbapi_connection.set_trace_callback(trace)

    class KillOnUpdate:
        def update(self, progress: ProgressUpdate) -> None:
            if kind == "update":
                tick()

        def finish(self) -> None:
            pass

    start_import(app, export, progress=KillOnUpdate(), profile=profile)
    raise SystemExit("the import finished before the kill point was reached")


if __name__ == "__main__":
    import sys

    crash_import(*sys.argv[1:5])
