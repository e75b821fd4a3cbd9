"""What a killed import leaves in the archive, and how long recovery's steps take.

    .venv/bin/python -m bench.kill_recovery [--mb 150] [--small 2]

1. Import a small export into a fresh data folder; count the pages in use
   (`page_count - freelist_count`).
2. Start an import of a large export with the command line, and SIGKILL it (and its
   reading process) once it has written about a third of its conversations.
3. Run two small imports of the same small export; count the pages in use again.

It prints the growth in MB (issue #16: within 1 MB once recovery reclaims everything the
dead import wrote, its full-text index included) and the recovery's summary from the log,
with its longest step. Linux (process groups).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.generate import generate

OUT = Path(__file__).parent / "out"


def export_of(megabytes: int) -> Path:
    path = OUT / f"export-{megabytes}mb.zip"
    if not path.exists():
        generate(megabytes, path)
    return path


def pages_in_use_mb(database: Path) -> float:
    db = sqlite3.connect(database)
    try:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        (page_size,) = db.execute("PRAGMA page_size").fetchone()
        (count,) = db.execute("PRAGMA page_count").fetchone()
        (free,) = db.execute("PRAGMA freelist_count").fetchone()
    finally:
        db.close()
    return float((count - free) * page_size / 2**20)


def cli(env: dict[str, str], *arguments: str) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-m", "desktop_importer", *arguments, "--json"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    result: dict[str, object] = json.loads(done.stdout)
    return result


def kill_part_way(env: dict[str, str], export: Path, fraction: float) -> int:
    """Start an import, SIGKILL its process group part-way; the conversations it had done."""
    process = subprocess.Popen(
        [sys.executable, "-m", "desktop_importer", "import", str(export), "--json"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    done = 0
    while process.poll() is None:
        status = cli(env, "status")
        progress = status.get("progress") or {}
        assert isinstance(progress, dict)
        total = progress.get("bytesTotal") or 0
        if total and progress.get("bytesDone", 0) >= fraction * total:
            done = int(progress.get("conversationsDone") or 0)
            os.killpg(process.pid, signal.SIGKILL)
            break
        time.sleep(0.05)
    process.wait()
    if process.returncode != -signal.SIGKILL:
        raise SystemExit("the import ended before it could be killed; use a larger --mb")
    return done


def recoveries(log_folder: Path) -> list[str]:
    """The recovery's summary lines (desktop_importer/upkeep/recovery.py) from the log."""
    pattern = re.compile(r"Recovery: .*")
    return [
        match.group(0)
        for log in sorted(log_folder.glob("*.log*"))
        for match in pattern.finditer(log.read_text(errors="replace"))
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=int, default=150, help="the export that is killed")
    parser.add_argument("--small", type=int, default=2, help="the small export")
    parser.add_argument("--at", type=float, default=0.35, help="kill after this much is read")
    args = parser.parse_args()
    small, big = export_of(args.small), export_of(args.mb)
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        env = {**os.environ, "DESKTOP_IMPORTER_DATA_DIR": str(data)}
        cli(env, "import", str(small))
        database = data / "archive.sqlite3"
        before = pages_in_use_mb(database)
        done = kill_part_way(env, big, args.at)
        killed = pages_in_use_mb(database)
        for _ in range(2):
            result = cli(env, "import", str(small))
            assert result.get("status") == "complete", result
        after = pages_in_use_mb(database)
        summaries = recoveries(data / "logs")
    print(f"killed {big.name} after {done:,} conversations")
    print(f"pages in use: before {before:.1f} MB, after the kill {killed:.1f} MB, ", end="")
    print(f"after two small imports {after:.1f} MB: {after - before:+.2f} MB")
    for line in summaries or ["no recovery ran"]:
        print(line)


if __name__ == "__main__":
    main()
