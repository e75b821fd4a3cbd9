"""The commands: each reads its arguments, calls the service or the library (the window's
own read path) and prints what they return."""

from __future__ import annotations

import argparse
import contextlib
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from desktop_importer import library
from desktop_importer.app import App
from desktop_importer.basics.clock import iso_z_from_unix
from desktop_importer.basics.errors import (
    EXIT_OK,
)
from desktop_importer.basics.settings import human_bytes
from desktop_importer.cli.terminal import (
    CancelOnInterrupt,
    JsonLinesProgress,
    SayEachStage,
    TextBar,
    cancel_on_stdin,
    emit,
    minutes,
    say_waiting,
)
from desktop_importer.importing.report import plural
from desktop_importer.importing.service import (
    profile_status,
    start_import,
)
from desktop_importer.wiring import open_app

if TYPE_CHECKING:
    from collections.abc import Iterator

    from desktop_importer.basics.progress import ProgressReporter

log = logging.getLogger(__name__)


def cmd_import(args: argparse.Namespace) -> int:
    progress: ProgressReporter | None = None
    if args.worker:
        args.json = True
        progress = JsonLinesProgress()
    elif not args.json and sys.stderr.isatty():
        progress = TextBar(sys.stderr)
    with opened_app() as app, CancelOnInterrupt() as interrupt:
        if args.worker:
            cancel_on_stdin(interrupt.requested)
        report = start_import(
            app,
            [Path(p) for p in args.paths],
            profile=args.profile,
            progress=progress,
            cancel=interrupt.requested.is_set,
            allow_large=args.allow_large,
            partial=args.partial,
        )
    lines = [report.summary(), *report.details()]
    emit(args, report.to_json(), "\n".join(lines))
    return EXIT_OK


def cmd_status(args: argparse.Namespace) -> int:
    with opened_app() as app:
        state = profile_status(app, args.profile)
    lines = [f"Profile {state.user_id}: {state.status}"]
    if state.processing:
        progress = state.progress
        done = ""
        if progress and progress.bytes_total:
            done = f", {progress.bytes_done / progress.bytes_total:.0%} read"
        lines[0] += (
            f" {state.source_name}, started {minutes(state.elapsed_minutes)} ago"
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
    emit(args, state.to_json(), "\n".join(lines))
    return EXIT_OK


def cmd_conversations(args: argparse.Namespace) -> int:
    with opened_app() as app:
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
        f"{c.title or '(untitled)'}  ({plural(c.message_count, 'message')})  {c.conversation_id}"
        for c in found
    ] or [f"The archive of profile {args.profile} is empty."]
    emit(args, body, "\n".join(lines))
    return EXIT_OK


def cmd_show(args: argparse.Namespace) -> int:
    with opened_app() as app:
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
    emit(args, body, "\n\n".join(blocks))
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from desktop_importer.exporting import export

    with opened_app() as app:
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
    emit(args, result.to_json(), words)
    return EXIT_OK


def cmd_backup(args: argparse.Namespace) -> int:
    from desktop_importer.upkeep.backup import backup

    with opened_app() as app:
        result = backup(app, Path(args.path))
    emit(
        args,
        result.to_json(),
        f"Backed up the archive to {result.path} ({human_bytes(result.bytes)}, "
        f"{result.media_files:,} media files).",
    )
    return EXIT_OK


def cmd_search(args: argparse.Namespace) -> int:
    with opened_app() as app:
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
    emit(args, body, "\n".join(lines))
    return EXIT_OK


@contextlib.contextmanager
def opened_app() -> Iterator[App]:
    """The app, as every command opens it (cli/kept.py's too)."""
    app = open_app(waiting=say_waiting, progress=SayEachStage())
    try:
        yield app
    finally:
        app.close()
