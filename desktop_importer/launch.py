"""How the program starts: every entry point (the installed command, `python -m`, the frozen
app) comes through `main`, which picks the part to run before importing anything heavy."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

READ_EXPORT = "--read-export"  # the hidden reading process of an import (reading.py)
# On Windows the frozen app is two executables from one bundle: DesktopImporter.exe, the
# window (no console, and so no stdout), and this one, the command line. Child processes
# (an import's worker and its reader) always run the command line, without a console window.
WINDOWS_CONSOLE_EXE = "desktop-importer.exe"
NO_CONSOLE_WINDOW = getattr(subprocess, "CREATE_NO_WINDOW", 0)  # 0 off Windows


def self_command() -> list[str]:
    """How this program starts itself: the frozen app runs its executable (on Windows its
    console twin), a checkout runs -m."""
    if getattr(sys, "frozen", False):
        if sys.platform == "win32":
            return [str(Path(sys.executable).with_name(WINDOWS_CONSOLE_EXE))]
        return [sys.executable]
    return [sys.executable, "-m", "desktop_importer"]


def main() -> int:
    if sys.argv[1:2] == [READ_EXPORT]:
        from desktop_importer.reading import main as read_export

        return read_export()
    from desktop_importer.cli import main as cli_main

    return cli_main()
