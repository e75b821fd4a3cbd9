"""The command line: `desktop-importer` opens the window; subcommands work headless.

Each command reads its arguments, calls one service function and turns the known errors
into a sentence and an exit code (../shared/DESIGN.md, "The command line").
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
from typing import TYPE_CHECKING

from desktop_importer.basics import logs
from desktop_importer.basics.errors import (
    EXIT_CANCELLED,
    EXIT_OTHER,
    EXIT_SIGPIPE,
    DesktopImporterError,
    ImportCancelled,
)
from desktop_importer.cli.parser import COMMANDS
from desktop_importer.cli.parser import build_parser as build_parser
from desktop_importer.cli.terminal import fail

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

log = logging.getLogger(__name__)


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
        return fail(args, e)
    except KeyboardInterrupt:
        return fail(args, ImportCancelled()) if args.command == "import" else EXIT_CANCELLED
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
