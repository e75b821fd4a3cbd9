"""The command line: `desktop-importer` opens the window; subcommands work headless.

Each command reads its arguments, calls one service function and turns the known errors
into a sentence and an exit code (../shared/DESIGN.md, "The command line").
"""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from desktop_importer import __version__, logs
from desktop_importer.errors import (
    EXIT_CANCELLED,
    EXIT_OK,
    EXIT_OTHER,
    DesktopImporterError,
    ImportAlreadyRunning,
    ImportCancelled,
)
from desktop_importer.service import DEFAULT_PROFILE, open_app, profile_status, start_import

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from types import FrameType

    from desktop_importer.progress import ProgressUpdate

log = logging.getLogger(__name__)


def _emit(args: argparse.Namespace, body: dict[str, Any], human: str) -> None:
    if args.json:
        print(json.dumps(body, ensure_ascii=False))
    else:
        print(human)


def _fail(args: argparse.Namespace, error: DesktopImporterError) -> int:
    if isinstance(error, ImportAlreadyRunning):
        body: dict[str, Any] = {
            "error": error.message,
            "status": error.status,
            "elapsedMinutes": error.elapsed_minutes,
        }
        human = f"{error.message} (It started {_minutes(error.elapsed_minutes)} ago.)"
    else:
        body = {"status": error.status, "error": error.message}
        human = error.message
    if args.json:
        print(json.dumps(body, ensure_ascii=False))
    else:
        print(human, file=sys.stderr)
    return error.exit_code


def _minutes(count: int) -> str:
    return f"{count} minute" + ("" if count == 1 else "s")


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
            f"{progress.conversations_done:,} conversations"
        )
        self._stream.write(line)
        self._stream.flush()
        self._drawn = True

    def finish(self) -> None:
        if self._drawn:
            self._stream.write("\r\033[K")
            self._stream.flush()
            self._drawn = False


class _CancelOnInterrupt:
    """The first Ctrl+C asks the import to stop at its next batch; a second one interrupts."""

    def __init__(self) -> None:
        self.requested = threading.Event()
        self._previous: Any = None

    def __enter__(self) -> _CancelOnInterrupt:
        self._previous = signal.signal(signal.SIGINT, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        signal.signal(signal.SIGINT, self._previous)

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        if self.requested.is_set():
            raise KeyboardInterrupt
        self.requested.set()
        print("\nCancelling at the next batch (Ctrl+C again to stop at once)…", file=sys.stderr)


def cmd_import(args: argparse.Namespace) -> int:
    app = open_app()
    try:
        progress = TextBar(sys.stderr) if not args.json and sys.stderr.isatty() else None
        with _CancelOnInterrupt() as interrupt:
            report = start_import(
                app,
                Path(args.path),
                profile=args.profile,
                progress=progress,
                cancel=interrupt.requested.is_set,
            )
    finally:
        app.close()
    lines = [report.summary()]
    if report.skipped_details:
        first = report.skipped_details[0]
        lines.append(f"Skipped {first.conversation_id or 'a conversation'}: {first.reason}.")
    if report.unread_content:
        kinds = ", ".join(f"{k} ({n})" for k, n in sorted(report.unread_content.items()))
        lines.append(f"Kept without reading: {kinds}.")
    _emit(args, report.to_json(), "\n".join(lines))
    return EXIT_OK


def cmd_status(args: argparse.Namespace) -> int:
    app = open_app()
    try:
        state = profile_status(app, args.profile)
    finally:
        app.close()
    lines = [f"Profile {state.user_id}: {state.status}"]
    if state.processing:
        progress = state.progress
        done = ""
        if progress and progress.bytes_total:
            done = f", {progress.bytes_done / progress.bytes_total:.0%} read"
        lines[0] += (
            f" {state.source_name}, started {_minutes(state.elapsed_minutes)} ago"
            f" ({state.stage}{done})"
        )
        if state.stale:
            lines.append("It has gone silent and counts as stale: a new import may take over.")
    elif state.last_error:
        lines[0] += f": {state.last_error}"
    lines.append(
        f"Archive: {state.conversations:,} conversations, {state.messages:,} messages "
        f"in {state.database}"
    )
    _emit(args, state.to_json(), "\n".join(lines))
    return EXIT_OK


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--profile", default=DEFAULT_PROFILE, help="the profile to use (default: %(default)s)"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object on stdout")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="desktop-importer",
        description="Import ChatGPT and Claude exports into a private archive on this machine. "
        "With no command, opens the window.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    importer = commands.add_parser(
        "import",
        help="import an export headlessly",
        description="Import an export (.zip or conversations.json) through the same service "
        "and guard as the window. Exit codes: 0 done, 65 not a usable export, 66 missing or "
        "unreadable path, 74 environment failure, 75 another import is processing, "
        "130 cancelled, 1 anything else.",
    )
    importer.add_argument("path", help="the export's .zip file, or a bare conversations.json")
    _add_common(importer)
    importer.set_defaults(handler=cmd_import)

    status = commands.add_parser(
        "status",
        help="show the profile's import state and archive totals",
        description="Show whether an import is processing (and for how long), how the last "
        "one ended, and how much the archive holds.",
    )
    _add_common(status)
    status.set_defaults(handler=cmd_status)
    return parser


def _run_window(argv: Sequence[str]) -> int:
    from desktop_importer.gui.app import run  # the only path that imports Qt

    return run(list(argv))


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv:
        return _run_window(argv)
    args = build_parser().parse_args(argv)
    logs.configure()
    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        return handler(args)
    except DesktopImporterError as e:
        return _fail(args, e)
    except KeyboardInterrupt:
        return _fail(args, ImportCancelled()) if args.command == "import" else EXIT_CANCELLED
    except Exception:
        log.exception("Unexpected error in %s", args.command)
        print("An unexpected error occurred; the details are in the log folder.", file=sys.stderr)
        return EXIT_OTHER
