"""What the command line prints: results as text or one JSON object, errors as one sentence
and an exit code, progress as a bar on a terminal or JSON lines for the window's child
process, and Ctrl+C or `cancel` on stdin as a cancellation."""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
import threading
from typing import TYPE_CHECKING, Any, TextIO

from desktop_importer.basics.errors import (
    DesktopImporterError,
    FilesMissing,
    ImportAlreadyRunning,
    LimitExceeded,
)
from desktop_importer.importing import worker_protocol
from desktop_importer.importing.report import plural
from desktop_importer.upkeep import recovery

if TYPE_CHECKING:
    from types import FrameType

    from desktop_importer.basics.progress import ProgressUpdate

log = logging.getLogger(__name__)


def emit(args: argparse.Namespace, body: dict[str, Any], human: str) -> None:
    if getattr(args, "worker", False):
        body = worker_protocol.result_body(body)
    if args.json:
        print(json.dumps(body, ensure_ascii=False))
    else:
        print(human)


def fail(args: argparse.Namespace, error: DesktopImporterError) -> int:
    if isinstance(error, ImportAlreadyRunning):
        body: dict[str, Any] = {
            "error": error.message,
            "status": error.status,
            "elapsedMinutes": error.elapsed_minutes,
        }
        human = f"{error.message} (It started {minutes(error.elapsed_minutes)} ago.)"
    elif isinstance(error, LimitExceeded):
        body = {"status": error.status, "error": error.message, "limit": error.limit}
        human = f"{error.message} If the export is genuine, import it with --allow-large."
    elif isinstance(error, FilesMissing):
        body = {
            "status": error.status,
            "error": error.message,
            "downloads": [{"file": name, "url": url} for name, url in error.links],
            "canImportWhatIsThere": error.rest,
        }
        human = error.message + (
            " To import the files that are there now, run the command again with --partial."
            if error.rest
            else ""
        )
    else:
        body = {"status": error.status, "error": error.message}
        human = error.message
    if getattr(args, "worker", False):
        body = worker_protocol.result_body(body)
    if args.json:
        print(json.dumps(body, ensure_ascii=False))
    else:
        print(human, file=sys.stderr)
    return error.exit_code


def minutes(count: int) -> str:
    return plural(count, "minute")


class TextBar:
    """A one-line progress bar on a terminal (stderr), redrawn at most ten times a second."""

    WIDTH = 30

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._drawn = False

    def update(self, progress: ProgressUpdate) -> None:
        fraction = progress.bytes_done / progress.bytes_total if progress.bytes_total else 0.0
        fraction = min(1.0, fraction)
        filled = int(fraction * self.WIDTH)
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        line = (
            f"\r[{bar}] {fraction:4.0%}  {progress.stage}: "
            f"{plural(progress.conversations_done, 'conversation')}"
        )
        self._stream.write(line)
        self._stream.flush()
        self._drawn = True

    def finish(self) -> None:
        if self._drawn:
            self._stream.write("\r\033[K")
            self._stream.flush()
            self._drawn = False


class CancelOnInterrupt:
    """The first Ctrl+C asks the import to stop at its next batch; a second one interrupts."""

    def __init__(self) -> None:
        self.requested = threading.Event()
        self._previous: Any = None

    def __enter__(self) -> CancelOnInterrupt:
        self._previous = signal.signal(signal.SIGINT, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        signal.signal(signal.SIGINT, self._previous)

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        if self.requested.is_set():
            raise KeyboardInterrupt
        self.requested.set()
        print("\nCancelling at the next batch (Ctrl+C again to stop at once)…", file=sys.stderr)


class JsonLinesProgress:
    """The worker protocol's progress: one JSON object a line on stdout, for the window."""

    def update(self, progress: ProgressUpdate) -> None:
        print(worker_protocol.progress_line(progress), flush=True)

    def finish(self) -> None:
        pass


def cancel_on_stdin(requested: threading.Event) -> None:
    """The worker protocol's cancel: a `cancel` line on stdin, or stdin closing (the window
    that started this worker has gone away)."""

    def watch() -> None:
        for line in sys.stdin:
            if line.strip() == worker_protocol.CANCEL:
                break
        requested.set()

    threading.Thread(target=watch, name="cancel-on-stdin", daemon=True).start()


def say_waiting() -> None:
    print("Waiting for another Desktop Importer to finish upgrading the archive…", file=sys.stderr)


class SayEachStage:
    """Opening may first tidy up after a crash or do an upgrade's data work (a minute for
    a 1 GB archive): say so once per kind of work, on stderr, rather than sit silent."""

    def __init__(self) -> None:
        self._said: set[str] = set()

    def __call__(self, stage: str, done: int) -> None:
        line = recovery.stage_sentence(stage, 0).split("…")[0] + "…"
        if line not in self._said:
            self._said.add(line)
            print(line, file=sys.stderr)
