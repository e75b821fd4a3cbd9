"""The command line: `desktop-importer` opens the window; subcommands work headless.

Each command reads its arguments, calls one service function and turns the known errors
into a sentence and an exit code (../shared/DESIGN.md, "The command line").
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import signal
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from desktop_importer import __version__, library
from desktop_importer.app import App
from desktop_importer.basics import logs
from desktop_importer.basics.clock import iso_z_from_unix
from desktop_importer.basics.errors import (
    EXIT_CANCELLED,
    EXIT_OK,
    EXIT_OTHER,
    EXIT_SIGPIPE,
    DesktopImporterError,
    ImportAlreadyRunning,
    ImportCancelled,
    LimitExceeded,
)
from desktop_importer.basics.settings import human_bytes
from desktop_importer.importing import worker_protocol
from desktop_importer.importing.report import plural
from desktop_importer.importing.service import (
    DEFAULT_PROFILE,
    open_app,
    profile_status,
    start_import,
)
from desktop_importer.upkeep import recovery

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence
    from types import FrameType

    from desktop_importer.basics.progress import ProgressReporter, ProgressUpdate

log = logging.getLogger(__name__)


def _emit(args: argparse.Namespace, body: dict[str, Any], human: str) -> None:
    if getattr(args, "worker", False):
        body = worker_protocol.result_body(body)
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
    elif isinstance(error, LimitExceeded):
        body = {"status": error.status, "error": error.message, "limit": error.limit}
        human = f"{error.message} If the export is genuine, import it with --allow-large."
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


def _minutes(count: int) -> str:
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


class JsonLinesProgress:
    """The worker protocol's progress: one JSON object a line on stdout, for the window."""

    def update(self, progress: ProgressUpdate) -> None:
        print(worker_protocol.progress_line(progress), flush=True)

    def finish(self) -> None:
        pass


def _cancel_on_stdin(requested: threading.Event) -> None:
    """The worker protocol's cancel: a `cancel` line on stdin, or stdin closing (the window
    that started this worker has gone away)."""

    def watch() -> None:
        for line in sys.stdin:
            if line.strip() == worker_protocol.CANCEL:
                break
        requested.set()

    threading.Thread(target=watch, name="cancel-on-stdin", daemon=True).start()


def cmd_import(args: argparse.Namespace) -> int:
    progress: ProgressReporter | None = None
    if args.worker:
        args.json = True
        progress = JsonLinesProgress()
    elif not args.json and sys.stderr.isatty():
        progress = TextBar(sys.stderr)
    with _app() as app, _CancelOnInterrupt() as interrupt:
        if args.worker:
            _cancel_on_stdin(interrupt.requested)
        report = start_import(
            app,
            Path(args.path),
            profile=args.profile,
            progress=progress,
            cancel=interrupt.requested.is_set,
            allow_large=args.allow_large,
        )
    lines = [report.summary(), *report.details()]
    _emit(args, report.to_json(), "\n".join(lines))
    return EXIT_OK


def cmd_status(args: argparse.Namespace) -> int:
    with _app() as app:
        state = profile_status(app, args.profile)
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
        f"Archive: {plural(state.conversations, 'conversation')}, "
        f"{plural(state.messages, 'message')} in {state.database}"
    )
    media = f"Media: {plural(state.media_files, 'file')}, {human_bytes(state.media_bytes)}"
    if state.media_missing:
        media += f"; {plural(state.media_missing, 'file')} the last export pointed at are missing"
    lines.append(media + ".")
    _emit(args, state.to_json(), "\n".join(lines))
    return EXIT_OK


def cmd_conversations(args: argparse.Namespace) -> int:
    with _app() as app:
        found = library.list_conversations(app, args.profile)
    body = {
        "conversations": [
            {
                "id": c.conversation_id,
                "title": c.title,
                "vendor": c.vendor,
                "createTime": iso_z_from_unix(c.create_time),
                "updateTime": iso_z_from_unix(c.update_time),
                "messageCount": c.message_count,
            }
            for c in found
        ]
    }
    lines = [
        f"{(iso_z_from_unix(c.update_time or c.create_time) or '-')[:10]}  {c.vendor:<7}  "
        f"{c.title or '(untitled)'}  ({c.message_count:,} messages)  {c.conversation_id}"
        for c in found
    ] or [f"The archive of profile {args.profile} is empty."]
    _emit(args, body, "\n".join(lines))
    return EXIT_OK


def cmd_show(args: argparse.Namespace) -> int:
    with _app() as app:
        shown = library.show_conversation(
            app, args.id, args.profile, include_hidden=args.include_hidden
        )
    structured = shown.view
    structure = {m.node_id: [b.to_json() for b in m.blocks] for m in structured.messages}
    files = {
        m.node_id: [ref.to_json() for ref in structured.media_of(m)] for m in structured.messages
    }
    body = {
        "id": shown.conversation_id,
        "title": shown.title,
        "messages": [
            {
                "id": m.node_id,
                "role": m.role,
                "contentType": m.content_type,
                "text": m.text,
                "createTime": iso_z_from_unix(m.create_time),
                "hidden": m.hidden,
                "blocks": structure.get(m.node_id, []),
                "media": files.get(m.node_id, []),
            }
            for m in shown.messages
        ],
    }
    blocks = [shown.title or "(untitled)"]
    for m in shown.messages:
        blocks.append(f"{m.role}{' (hidden)' if m.hidden else ''}:\n{m.text}")
    _emit(args, body, "\n\n".join(blocks))
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from desktop_importer.exporting import export

    with _app() as app:
        result = export(
            app,
            args.profile,
            Path(args.directory),
            fmt=args.format,
            conversation_ids=args.conversation,
            all_branches=args.all_branches,
        )
    words = (
        f"Exported {plural(result.conversations, 'conversation')} to {result.directory}: "
        f"{result.files:,} written, {result.media:,} media copied."
    )
    if result.skipped_edited:
        skipped = result.skipped_edited
        named = ", ".join(skipped[:3]) + (", …" if len(skipped) > 3 else "")
        words += f" Left alone, as edited since the last export: {len(skipped):,} ({named})."
    _emit(args, result.to_json(), words)
    return EXIT_OK


def cmd_backup(args: argparse.Namespace) -> int:
    from desktop_importer.upkeep.backup import backup

    with _app() as app:
        result = backup(app, Path(args.path))
    _emit(
        args,
        result.to_json(),
        f"Backed up the archive to {result.path} ({human_bytes(result.bytes)}, "
        f"{result.media_files:,} media files).",
    )
    return EXIT_OK


def cmd_search(args: argparse.Namespace) -> int:
    with _app() as app:
        hits = library.search_archive(app, args.query, args.profile, limit=args.limit)
    body = {
        "query": args.query,
        "results": [
            {
                "id": h.conversation_id,
                "title": h.title,
                "snippet": h.snippet,
                "messageId": h.node_id,
            }
            for h in hits
        ],
    }
    lines = [f"{h.title or '(untitled)'}  {h.conversation_id}\n    {h.snippet}" for h in hits] or [
        f"Nothing in the archive matches {args.query!r}."
    ]
    _emit(args, body, "\n".join(lines))
    return EXIT_OK


def _say_waiting() -> None:
    print("Waiting for another Desktop Importer to finish upgrading the archive…", file=sys.stderr)


class _SayEachStage:
    """Opening may first tidy up after a crash or do an upgrade's data work (a minute for
    a 1 GB archive): say so once per kind of work, on stderr, rather than sit silent."""

    def __init__(self) -> None:
        self._said: set[str] = set()

    def __call__(self, stage: str, done: int) -> None:
        line = recovery.stage_sentence(stage, 0).split("…")[0] + "…"
        if line not in self._said:
            self._said.add(line)
            print(line, file=sys.stderr)


@contextlib.contextmanager
def _app() -> Iterator[App]:
    app = open_app(waiting=_say_waiting, progress=_SayEachStage())
    try:
        yield app
    finally:
        app.close()


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
    importer.add_argument(
        "--allow-large",
        action="store_true",
        help="import even if the export is larger than the size limits for conversation "
        "data (max_member_bytes, 16 GiB for one file; max_total_bytes, 64 GiB in all); the "
        "free-disk check and the memory cap still apply",
    )
    importer.add_argument(
        worker_protocol.WORKER_FLAG, action="store_true", help=argparse.SUPPRESS
    )  # the window's child process: JSON-lines progress on stdout, `cancel` on stdin
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

    listing = commands.add_parser(
        "conversations",
        help="list the imported conversations",
        description="List the profile's conversations, most recently updated first.",
    )
    _add_common(listing)
    listing.set_defaults(handler=cmd_conversations)

    show = commands.add_parser(
        "show",
        help="print one conversation",
        description="Print a conversation's current branch, oldest message first, as the "
        "vendor's app shows it. Exit code 1 if there is no such conversation.",
    )
    show.add_argument("id", help="the conversation's id (see `conversations`)")
    show.add_argument(
        "--all",
        dest="include_hidden",
        action="store_true",
        help="also print hidden messages (system, tool calls) and tool output",
    )
    _add_common(show)
    show.set_defaults(handler=cmd_show)

    search = commands.add_parser(
        "search",
        help="full-text search over the archive",
        description="Search titles and message text; best matches first, one line per "
        "conversation with a snippet. Every word must occur; the last may be a word's start.",
    )
    search.add_argument("query", help="the words to look for")
    search.add_argument("--limit", type=int, default=20, help="at most this many results")
    _add_common(search)
    search.set_defaults(handler=cmd_search)

    exporter = commands.add_parser(
        "export",
        help="write conversations as Markdown notes or the vendor's JSON into a folder",
        description="Write the profile's conversations (or those named with --conversation) "
        "into DIR: Markdown notes with YAML front matter and their media (for Obsidian or "
        "any editor), self-contained HTML pages with an index.html, or each conversation's "
        "JSON as its latest export wrote it. Exporting "
        "again into DIR rewrites changed files, leaves unchanged ones alone and never "
        "overwrites a file edited since (it is skipped and reported). Exit codes: 0 done, "
        "66 an unknown conversation id, 73 DIR cannot be written, 1 anything else.",
    )
    exporter.add_argument("directory", metavar="DIR", help="the folder to write into")
    exporter.add_argument("--format", choices=("markdown", "html", "json"), default="markdown")
    exporter.add_argument(
        "--conversation", action="append", metavar="ID", help="only this one (repeatable)"
    )
    exporter.add_argument(
        "--all-branches", action="store_true", help="add the other branches after the current"
    )
    _add_common(exporter)
    exporter.set_defaults(handler=cmd_export)

    saver = commands.add_parser(
        "backup",
        help="write a consistent copy of the archive into a new folder",
        description="Write a consistent, private copy of the whole archive (every profile) "
        "into PATH, a new or empty folder: archive.sqlite3 (the last published state) and "
        "media/. It works while windows are open and while an import runs. To restore, "
        "quit the app and put both into the data folder. Exit codes: 0 done, 73 PATH "
        "cannot be written, 74 environment failure.",
    )
    saver.add_argument("path", help="a new or empty folder")
    _add_common(saver)  # every command takes --profile; a backup holds every profile
    saver.set_defaults(handler=cmd_backup)
    return parser


COMMANDS = ("import", "status", "conversations", "show", "search", "export", "backup")


def _wants_window(argv: Sequence[str]) -> bool:
    """No command: the window, perhaps with a file (as a file manager's "Open with" passes
    it) and a profile."""
    if not argv:
        return True
    first = argv[0]
    if first in COMMANDS or first in ("-h", "--help", "--version"):
        return False
    return first == "--profile" or not first.startswith("-")


def _run_window(argv: Sequence[str]) -> int:
    from desktop_importer.gui.app import run  # the only path that imports Qt

    return run(list(argv))


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv == ["--smoke-test"]:
        from desktop_importer.gui.smoke import run as smoke_test

        return smoke_test()
    if _wants_window(argv):
        return _run_window(argv)
    args = build_parser().parse_args(argv)
    logs.configure()
    try:
        code = _dispatch(args)
        sys.stdout.flush()  # here, where a closed pipe can still be told apart
    except BrokenPipeError:
        return _reader_gone()
    return code


def _dispatch(args: argparse.Namespace) -> int:
    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        return handler(args)
    except BrokenPipeError:
        raise
    except DesktopImporterError as e:
        return _fail(args, e)
    except KeyboardInterrupt:
        return _fail(args, ImportCancelled()) if args.command == "import" else EXIT_CANCELLED
    except Exception:
        log.exception("Unexpected error in %s", args.command)
        print("An unexpected error occurred; the details are in the log folder.", file=sys.stderr)
        return EXIT_OTHER


def _reader_gone() -> int:
    """Whoever read our output stopped (`| head`): end quietly, as a tool that SIGPIPE ended
    does. What is still buffered for stdout goes nowhere, so that the interpreter's last
    flush at exit cannot fail and print a traceback."""
    with contextlib.suppress(OSError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    return EXIT_SIGPIPE
