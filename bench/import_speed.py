"""Import speed and memory against a yardstick measured in the same run.

    .venv/bin/python -m bench.import_speed                 # 100 MB and 400 MB
    .venv/bin/python -m bench.import_speed --sizes 100 400 1000

For each size it generates a realistic export (bench/generate.py, cached in bench/out/),
imports it through the service into a fresh data folder, and runs the yardstick: the
simplest possible importer (orjson over the whole file, executemany of every message
into SQLite in one transaction). Each runs in its own process, so peak RSS is its own.
Targets (issue #6): wall time at most the yardstick's at 100 and 400 MB; peak RSS under
100 MB at every size.
"""

from __future__ import annotations

import argparse
import json
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

import orjson

from bench.generate import generate

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
    from desktop_importer.service import open_app, start_import

    app = open_app(folder / "data")
    report = start_import(app, export)
    app.close()
    return report.messages


def child(kind: str, export: Path) -> None:
    with tempfile.TemporaryDirectory(dir=OUT) as folder:
        started = time.perf_counter()
        messages = (yardstick if kind == "yardstick" else service)(export, Path(folder))
        seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "messages": messages, "peak_mb": peak}))


def measure(kind: str, export: Path) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "bench.import_speed", "--child", kind, str(export)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 400])
    parser.add_argument("--child", nargs=2, metavar=("KIND", "EXPORT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]))
        return
    header = ("size", "importer", "wall s", "msgs/s", "peak RSS MB", "vs yardstick")
    print("{:>7} {:<10} {:>8} {:>9} {:>12} {:>13}".format(*header))
    for size in args.sizes:
        export = OUT / f"export-{size}mb.zip"
        if not export.exists():
            generate(size, export)
        base = measure("yardstick", export)
        ours = measure("service", export)
        for name, result in (("yardstick", base), ("service", ours)):
            rate = result["messages"] / result["seconds"]
            ratio = result["seconds"] / base["seconds"]
            print(
                f"{size:>5}MB {name:<10} {result['seconds']:>8.1f} {rate:>9,.0f} "
                f"{result['peak_mb']:>12.0f} {ratio:>12.2f}x"
            )


if __name__ == "__main__":
    main()
