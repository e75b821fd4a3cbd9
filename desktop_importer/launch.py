"""How the program starts: every entry point (the installed command, `python -m`, the frozen
app) comes through `main`, which picks the part to run before importing anything heavy."""

from __future__ import annotations

import sys

READ_EXPORT = "--read-export"  # the hidden reading process of an import (reading.py)


def self_command() -> list[str]:
    """How this program starts itself: the frozen app runs its executable, a checkout -m."""
    if getattr(sys, "frozen", False):
        return [sys.executable]
    return [sys.executable, "-m", "desktop_importer"]


def main() -> int:
    if sys.argv[1:2] == [READ_EXPORT]:
        from desktop_importer.reading import main as read_export

        return read_export()
    from desktop_importer.cli import main as cli_main

    return cli_main()
