"""The command line's grammar: each command with its help, its arguments and its handler,
as a table that `build_parser` turns into argparse's parsers."""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from desktop_importer import __version__
from desktop_importer.app import DEFAULT_PROFILE
from desktop_importer.cli.commands import (
    cmd_backup,
    cmd_conversations,
    cmd_export,
    cmd_import,
    cmd_search,
    cmd_show,
    cmd_status,
)
from desktop_importer.cli.kept import cmd_memory, cmd_projects
from desktop_importer.cli.mcp import cmd_mcp
from desktop_importer.cli.stats import cmd_stats
from desktop_importer.importing import worker_protocol
from desktop_importer.vendors.parsed import VENDOR_NAMES

if TYPE_CHECKING:
    from collections.abc import Callable


VENDOR_CHOICES = tuple(VENDOR_NAMES)


@dataclass(frozen=True)
class Argument:
    flags: tuple[str, ...]
    options: dict[str, Any]


def arg(*flags: str, **options: Any) -> Argument:
    return Argument(flags, options)


@dataclass(frozen=True)
class Command:
    name: str
    help: str
    description: str
    handler: Callable[[argparse.Namespace], int]
    arguments: tuple[Argument, ...] = ()


# Every command also takes --profile and --json (a backup holds every profile, but takes
# --profile as every command does).
COMMON = (
    arg("--profile", default=DEFAULT_PROFILE, help="the profile to use (default: %(default)s)"),
    arg("--json", action="store_true", help="print one JSON object on stdout"),
)

TABLE = (
    Command(
        "import",
        "import an export headlessly",
        "Import an export (.zip or conversations.json) through the same service and guard "
        "as the window. Several files, or a folder, given together are one export and one "
        "import, all or nothing: Claude's files downloaded beside its manifest, say, or the "
        "parts of a large export. Exit codes: 0 done, 65 not a usable export, 66 missing or "
        "unreadable path, 74 environment failure, 75 another import is processing, "
        "130 cancelled, 1 anything else.",
        cmd_import,
        (
            arg(
                "paths",
                nargs="+",
                metavar="PATH",
                help="the export's .zip file, a bare conversations.json, Claude's manifest, "
                "or a folder of the export's files; several are read as one export",
            ),
            arg(
                "--partial",
                action="store_true",
                help="where Claude's manifest lists files that are not beside it, import "
                "those that are",
            ),
            arg(
                "--allow-large",
                action="store_true",
                help="import even if the export is larger than the size limits for "
                "conversation data (max_member_bytes, 16 GiB for one file; "
                "max_total_bytes, 64 GiB in all); the free-disk check and the memory cap "
                "still apply",
            ),
            # The window's child process: JSON-lines progress on stdout, `cancel` on stdin.
            arg(worker_protocol.WORKER_FLAG, action="store_true", help=argparse.SUPPRESS),
        ),
    ),
    Command(
        "status",
        "show the profile's import state and archive totals",
        "Show whether an import is processing (and for how long), how the last one ended, "
        "and how much the archive holds.",
        cmd_status,
    ),
    Command(
        "conversations",
        "list the imported conversations",
        "List the profile's conversations, most recently updated first.",
        cmd_conversations,
    ),
    Command(
        "projects",
        "list the projects, or show one (and name it)",
        "List the projects the archive keeps: Claude's, with their instructions and "
        "documents, and ChatGPT's, which its export knows by id only. With an ID, print the "
        "project; --name gives it a name (ChatGPT's export has none), kept across imports. "
        "Exit code 1 if there is no such project.",
        cmd_projects,
        (
            arg("id", nargs="?", help="a project's id (see `projects`)"),
            arg("--name", help='the name to give the project ("" takes it back)'),
        ),
    ),
    Command(
        "memory",
        "print what Claude remembers of you",
        "Print the memory Claude's export holds (the newest export's): what it remembers of "
        "you, its memory files, and what it remembers of each project.",
        cmd_memory,
    ),
    Command(
        "show",
        "print one conversation",
        "Print a conversation's current branch, oldest message first, as the vendor's app "
        "shows it. Exit code 1 if there is no such conversation.",
        cmd_show,
        (
            arg("id", help="the conversation's id (see `conversations`)"),
            arg(
                "--all",
                dest="include_hidden",
                action="store_true",
                help="also print hidden messages (system, tool calls) and tool output",
            ),
        ),
    ),
    Command(
        "search",
        "full-text search over the archive",
        "Search titles and message text; best matches first, one line per conversation "
        "with a snippet. Every word must occur; the last may be a word's start.",
        cmd_search,
        (
            arg("query", help="the words to look for"),
            arg("--limit", type=int, default=20, help="at most this many results"),
        ),
    ),
    Command(
        "stats",
        "print the archive's figures (Insights)",
        "Print what the window's Insights view draws: totals (conversations, messages, the "
        "words you wrote and read, media), conversations and messages per assistant, per "
        "model and per month, when you talk (weekday and hour), the longest conversations "
        "and those you came back to most. Days, months and hours are your local time.",
        cmd_stats,
        (
            arg("--vendor", choices=VENDOR_CHOICES, help="one assistant's conversations only"),
            arg(
                "--words",
                action="store_true",
                help="also the words that stand out, by quarter (counted once; the first "
                "time after a large import takes a while)",
            ),
        ),
    ),
    Command(
        "mcp",
        "serve the archive to your AI assistant (MCP, read-only)",
        "Run a local, read-only Model Context Protocol server over stdin and stdout, for an "
        "AI assistant (Claude Desktop, an editor, a local model) to search and read the "
        "archive: tools search, read_conversation, list_conversations and read_image, and each "
        "conversation as a resource archive://conversation/ID. It opens no port, writes "
        "nothing, never blocks an import, and ends when its input closes. The assistant "
        "starts it: configure it with this command's absolute path and the arguments "
        "`mcp --profile NAME`.",
        cmd_mcp,
    ),
    Command(
        "export",
        "write conversations as Markdown notes or the vendor's JSON into a folder",
        "Write the profile's conversations (or those named with --conversation) into DIR: "
        "Markdown notes with YAML front matter and their media (for Obsidian or any "
        "editor), self-contained HTML pages with an index.html, or each conversation's "
        "JSON as its latest export wrote it. Exporting again into DIR rewrites changed "
        "files, leaves unchanged ones alone and never overwrites a file edited since (it is "
        "skipped and reported). Exit codes: 0 done, 66 an unknown conversation id, 73 DIR "
        "cannot be written, 1 anything else.",
        cmd_export,
        (
            arg("directory", metavar="DIR", help="the folder to write into"),
            arg("--format", choices=("markdown", "html", "json"), default="markdown"),
            arg("--conversation", action="append", metavar="ID", help="only this one (repeatable)"),
            arg(
                "--all-branches",
                action="store_true",
                help="add the other branches after the current",
            ),
        ),
    ),
    Command(
        "backup",
        "write a consistent copy of the archive into a new folder",
        "Write a consistent, private copy of the whole archive (every profile) into PATH, a "
        "new or empty folder: archive.sqlite3 (the last published state) and media/. It "
        "works while windows are open and while an import runs. To restore, quit the app "
        "and put both into the data folder. Exit codes: 0 done, 73 PATH cannot be written, "
        "74 environment failure.",
        cmd_backup,
        (arg("path", help="a new or empty folder"),),
    ),
)

COMMANDS = tuple(command.name for command in TABLE)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="desktop-importer",
        description="Import ChatGPT, Claude, DeepSeek, Grok, Gemini (Google Takeout) and Le Chat "
        "exports into a private archive on this machine. "
        "With no command, opens the window.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command in TABLE:
        sub = commands.add_parser(command.name, help=command.help, description=command.description)
        for argument in (*command.arguments, *COMMON):
            sub.add_argument(*argument.flags, **argument.options)
        sub.set_defaults(handler=command.handler)
    return parser
