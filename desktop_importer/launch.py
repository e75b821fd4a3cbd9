"""How the program starts: every entry point (the installed command, `python -m`, the frozen
app) comes through `main`, which picks the part to run before importing anything heavy.
Nothing in the package imports this module: it stays on top (tests/unit/test_launch.py)."""

from __future__ import annotations

import sys

from desktop_importer.basics.relaunch import READ_EXPORT


def main() -> int:
    if sys.argv[1:2] == [READ_EXPORT]:
        from desktop_importer.importing.reading_process import main as read_export

        return read_export()
    from desktop_importer.cli import main as cli_main

    return cli_main()
