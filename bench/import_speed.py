"""Import speed and memory against a yardstick measured in the same run.

    .venv/bin/python -m bench.import_speed                 # 100 MB and 400 MB
    .venv/bin/python -m bench.import_speed --sizes 100 400 1000 --repeat 1
    .venv/bin/python -m bench.import_speed --unreadable 100   # memory on a hostile file

For each size it generates a realistic export (bench/generate.py, cached in bench/out/),
imports it through the service into a fresh data folder, and runs the yardstick: the
simplest possible importer (orjson over the whole file, executemany of every message
into SQLite in one transaction). Each runs in its own process, so peak RSS is its own;
the service's includes the peak of its reading process, added as if both peaked at once.
Each importer runs --repeat times (3), alternating; the table shows the median wall time
and the highest peak memory. Linux (the reader's memory is read from /proc).
Targets (issue #6): wall time at most the yardstick's at 100 and 400 MB; peak RSS under
100 MB at every size.

--unreadable N imports, through the service only, a bare JSON file of N MB that holds one
readable conversation and then nothing but unreadable `{}` (every one skipped and counted):
what the report keeps of them must not grow with the file either.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path
from typing import Any

import orjson

from bench.generate import conversation, generate

OUT = Path(__file__).parent / "out"


def yardstick(export: Path, folder: Path) -> int:
    convs = orjson.loads(zipfile.ZipFile(export).read("conversations.json"))
    rows = []
    for conv in convs:
        for node_id, node in conv["mapping"].items():
            message = node.get("message")
            if message:
                parts = message["content"].get("parts") or [message["content"].get("text", "")]
                body = "\n".join(p for p in parts if isinstance(p, str))
                rows.append(
                    (conv["id"], node_id, node.get("parent"), message["author"]["role"], body)
                )
    db = sqlite3.connect(folder / "yardstick.sqlite3")
    db.execute("CREATE TABLE messages (conv TEXT, node TEXT, parent TEXT, role TEXT, text TEXT)")
    with db:
        db.executemany("INSERT INTO messages VALUES (?, ?, ?, ?, ?)", rows)
    db.close()
    return len(rows)


def service(export: Path, folder: Path) -> int:
    from desktop_importer.service import open_app, start_import  # imported before timing

    app = open_app(folder / "data")
    report = start_import(app, export)
    app.close()
    return report.messages


class ReaderMemory:
    """The peak RSS of the service's reading process (desktop_importer/reading.py), which
    counts too: its kernel high-water mark, VmHWM, read every 20 ms until it ends.

    (getrusage(RUSAGE_CHILDREN) would be simpler, but Linux counts in it the RSS the child
    had before exec, when it was a copy of this process: 48 MB instead of 35.)
    """

    def __init__(self) -> None:
        self._peak_mb = 0.0
        threading.Thread(target=self._watch, daemon=True).start()

    def _watch(self) -> None:
        me = str(os.getpid())
        while True:
            for task in Path(f"/proc/{me}/task").iterdir():
                for pid in (task / "children").read_text().split():
                    with contextlib.suppress(OSError):
                        # Only once it runs the reader: just after fork, before exec, it is
                        # still a copy of this process, with this process's high-water mark.
                        if b"--read-export" not in Path(f"/proc/{pid}/cmdline").read_bytes():
                            continue
                        peak = high_water_mb(Path(f"/proc/{pid}/status"))
                        self._peak_mb = max(self._peak_mb, peak)
            time.sleep(0.02)

    def peak_mb(self) -> float:
        return self._peak_mb


def high_water_mb(status: Path) -> float:
    """A process's peak RSS: VmHWM, which exec resets. (getrusage's ru_maxrss survives exec,
    so a child started by a large parent reports the parent's size: 247 MB instead of 50
    after this script had generated a file.)"""
    for line in status.read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0  # a process that has ended and not yet been waited for


def child(kind: str, export: Path) -> None:
    watcher = None
    if kind == "service":
        import desktop_importer.service  # noqa: F401 - as the yardstick's orjson: not timed

        watcher = ReaderMemory()
    with tempfile.TemporaryDirectory(dir=OUT) as folder:
        started = time.perf_counter()
        messages = (yardstick if kind == "yardstick" else service)(export, Path(folder))
        seconds = time.perf_counter() - started
    peak = high_water_mb(Path("/proc/self/status"))
    reader = watcher.peak_mb() if watcher else 0.0
    print(
        json.dumps(
            {
                "seconds": seconds,
                "messages": messages,
                "peak_mb": peak + reader,
                "reader_mb": reader,
            }
        )
    )


def unreadable_export(megabytes: int) -> Path:
    path = OUT / f"unreadable-{megabytes}mb.json"
    if not path.exists():
        OUT.mkdir(exist_ok=True)
        first = orjson.dumps(conversation(random.Random(1), 0))
        empties = (megabytes * 2**20 - len(first)) // 3
        path.write_bytes(b"[" + first + b",{}" * empties + b"]")
    return path


def measure(kind: str, export: Path) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "bench.import_speed", "--child", kind, str(export)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The run of median wall time, with the highest peak memory of all runs."""
    middle = dict(sorted(runs, key=lambda run: run["seconds"])[len(runs) // 2])
    middle["peak_mb"] = max(run["peak_mb"] for run in runs)
    middle["reader_mb"] = max(run.get("reader_mb", 0.0) for run in runs)
    return middle


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 400])
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs of each importer, alternating (median)"
    )
    parser.add_argument(
        "--unreadable", type=int, metavar="MB", help="only a hostile file of MB (see above)"
    )
    parser.add_argument("--child", nargs=2, metavar=("KIND", "EXPORT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]))
        return
    if args.unreadable:
        result = measure("service", unreadable_export(args.unreadable))
        print(
            f"{args.unreadable} MB of unreadable conversations: {result['seconds']:.1f} s, "
            f"peak RSS {result['peak_mb']:.0f} MB (of it reader {result['reader_mb']:.0f})"
        )
        return
    header = ("size", "importer", "wall s", "msgs/s", "peak RSS MB", "of it reader", "ratio")
    print("{:>7} {:<10} {:>8} {:>9} {:>12} {:>13} {:>7}".format(*header))
    for size in args.sizes:
        export = OUT / f"export-{size}mb.zip"
        if not export.exists():
            generate(size, export)
        runs: dict[str, list[dict[str, Any]]] = {"yardstick": [], "service": []}
        for _ in range(args.repeat):  # alternating, so that a slow spell hits both
            for kind, done in runs.items():
                done.append(measure(kind, export))
        base, ours = median_run(runs["yardstick"]), median_run(runs["service"])
        for name, result in (("yardstick", base), ("service", ours)):
            rate = result["messages"] / result["seconds"]
            ratio = result["seconds"] / base["seconds"]
            reader = f"{result['reader_mb']:.0f}" if result.get("reader_mb") else "-"
            print(
                f"{size:>5}MB {name:<10} {result['seconds']:>8.1f} {rate:>9,.0f} "
                f"{result['peak_mb']:>12.0f} {reader:>13} {ratio:>6.2f}x"
            )


if __name__ == "__main__":
    main()
