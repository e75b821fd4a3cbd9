"""How this program starts itself again: the window's import worker and an import's reading
process are this same program, run with other arguments. Kept apart from `launch`, the
entry point, so that nothing the entry point starts imports it back."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

READ_EXPORT = (
    "--read-export"  # the hidden reading process of an import (importing/reading_process.py)
)
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
