"""The reading process of an import: it runs beside the importing process, it never
outlives it, and its death is a sentence, not a hang or a half-written archive."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

from desktop_importer.app import App
from desktop_importer.basics.errors import EnvironmentProblem, ImportCancelled
from desktop_importer.importing.frames import read_frame
from desktop_importer.importing.service import profile_status, start_import
from tests.helpers.archive import visible
from tests.helpers.exports import chatgpt_zip, conversation, conversations
from tests.helpers.processes import exits_within, readers

if TYPE_CHECKING:
    from pathlib import Path

    from desktop_importer.basics.progress import ProgressUpdate

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="finds processes through /proc"
)


class Watch:
    """A progress reporter that looks at the reading process while the import runs, and
    can do something to it once."""

    def __init__(self, action: str | None = None) -> None:
        self.action = action
        self.seen: set[int] = set()
        self.done = False

    def update(self, progress: ProgressUpdate) -> None:
        mine = [pid for pid, parent in readers().items() if parent == os.getpid()]
        self.seen.update(mine)
        if mine and not self.done and self.action == "kill":
            os.kill(mine[0], signal.SIGKILL)
            self.done = True

    def finish(self) -> None:
        pass


def test_the_export_is_read_in_a_process_of_its_own_that_ends_with_the_import(
    app: App, tmp_path: Path
) -> None:
    # More than the pipe holds, so that the reader is still there at the first batch.
    export = chatgpt_zip(tmp_path / "a.zip", conversations(3000))
    watch = Watch()
    report = start_import(app, export, progress=watch)
    assert report.added == 3000
    assert len(watch.seen) == 1, "one reading process, a child of the importing one"
    assert not watch.seen & readers().keys(), "it is gone once the import returns"


def test_a_reading_process_that_dies_fails_the_import_with_a_sentence(
    app: App, tmp_path: Path
) -> None:
    first = chatgpt_zip(tmp_path / "first.zip", conversations(3))
    start_import(app, first)
    before = visible(app)
    # More than the pipe holds: the reader is still sending when it is killed.
    export = chatgpt_zip(tmp_path / "big.zip", conversations(3000, prefix="big"))
    with pytest.raises(EnvironmentProblem) as raised:
        start_import(app, export, progress=Watch("kill"))
    assert raised.value.message == (
        "Reading big.zip stopped unexpectedly (exit status -9); nothing was imported. "
        "The details are in the log."
    )
    assert visible(app) == before
    state = profile_status(app)
    assert state.status == "failed"
    assert state.last_error == raised.value.message


def test_cancelling_stops_the_reading_process_too(app: App, tmp_path: Path) -> None:
    export = chatgpt_zip(tmp_path / "big.zip", conversations(3000, prefix="big"))
    watch = Watch()
    calls = iter(range(1000))
    with pytest.raises(ImportCancelled):
        start_import(app, export, progress=watch, cancel=lambda: next(calls) >= 3)
    assert watch.seen
    assert not watch.seen & readers().keys()
    assert profile_status(app).status == "cancelled"


def test_a_killed_importer_takes_its_reading_process_with_it(
    data_dir: Path, tmp_path: Path
) -> None:
    # Larger than the reader's 1 MB pipe, so it is surely still reading at the first batch
    # (a small export could be read whole into the pipe and the reader gone already).
    wordy = [
        conversation(f"big-{i}", [("user", f"big {i} " + "words " * 2000), ("assistant", "ok")])
        for i in range(300)
    ]
    export = chatgpt_zip(tmp_path / "big.zip", wordy)
    env = {**os.environ, "DESKTOP_IMPORTER_BATCH_CONVERSATIONS": "2"}
    importer = subprocess.run(
        [sys.executable, "-m", "tests.helpers.workers", str(data_dir), str(export),
         "sql:INSERT INTO messages:1"],
        env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert importer.returncode == -9, importer.stderr
    orphans = json.loads(importer.stderr.split("readers: ")[1].splitlines()[0])
    assert len(orphans) == 1, "the importer had its reader when it died"
    assert exits_within(orphans[0], 30)


# A reading process whose writes to the pipe a signal keeps interrupting (as a signal
# handler or a profiler attached to it does): each frame must still arrive whole.
_INTERRUPTED_WRITER = """
import signal, sys
from desktop_importer.importing.frames import FrameWriter
signal.signal(signal.SIGALRM, lambda *_: None)
signal.setitimer(signal.ITIMER_REAL, 0.0005, 0.0005)
writer = FrameWriter(sys.stdout.fileno())
for i in range(200):
    writer.send({"i": i, "records": bytes([i]) * 300_000})
signal.setitimer(signal.ITIMER_REAL, 0)
"""


def test_frames_arrive_whole_when_signals_interrupt_the_writer() -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", _INTERRUPTED_WRITER], stdout=subprocess.PIPE, env=os.environ
    )
    assert child.stdout is not None
    received = []
    with child:
        while (frame := read_frame(child.stdout)) is not None:
            received.append(frame["i"])
            assert frame["records"] == bytes([frame["i"]]) * 300_000
    assert child.returncode == 0
    assert received == list(range(200))
