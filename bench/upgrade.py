"""An archive's upgrade, timed: its schema step, then the data work the upgrade owes, in the
resumable steps the window and every command run (recovery.recover).

    .venv/bin/python -m bench.upgrade bench/out/v13-400      # a folder an older app wrote

It works on a copy of the folder (in bench/out/, removed afterwards), so the older archive
can be upgraded again; prints the step count, the longest step (the rules: under a second),
the total time, what the archive's messages still hold as second copies, its free pages,
and that FTS5's integrity check passes.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import tempfile
import time
from pathlib import Path

OUT = Path(__file__).parent / "out"


def facts(database: Path) -> str:
    db = sqlite3.connect(database)
    try:
        (version,) = db.execute("PRAGMA user_version").fetchone()
        copies, chars = db.execute(
            "SELECT count(index_text), coalesce(sum(length(index_text)), 0) FROM messages"
        ).fetchone()
        (free,) = db.execute("PRAGMA freelist_count").fetchone()
        (pages,) = db.execute("PRAGMA page_count").fetchone()
    finally:
        db.close()
    return (
        f"schema {version}, {copies:,} stored index copies ({chars:,} characters), "
        f"{free:,} free of {pages:,} pages"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, help="a data folder an older version wrote")
    args = parser.parse_args()
    from desktop_importer.importing.service import open_app
    from desktop_importer.upkeep import recovery

    OUT.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(dir=OUT) as scratch:
        folder = Path(scratch) / "data"
        shutil.copytree(args.folder, folder)
        database = folder / "archive.sqlite3"
        print("before:", facts(database))
        started = time.perf_counter()
        app = open_app(folder, recover=False)
        print(f"schema step: {time.perf_counter() - started:.2f} s")
        started = time.perf_counter()
        report = recovery.recover(app)
        took = time.perf_counter() - started
        app.close()
        print(
            f"data work: {report.upgrade_steps} steps, the longest {report.longest_upgrade_ms:.0f} "
            f"ms, {took:.1f} s in all"
        )
        print("after: ", facts(database))
        db = sqlite3.connect(database)
        db.execute("INSERT INTO message_fts (message_fts) VALUES ('integrity-check')")
        db.close()
        print("the message index's integrity check passes")


if __name__ == "__main__":
    main()
