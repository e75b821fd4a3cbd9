"""What bounds the import's speed (issue #23): the yardstick, the whole import, and two of
its parts alone, on the same export, each in a process of its own, alternating.

    .venv/bin/python -m bench.import_floor                 # the 100 MB CJK export
    .venv/bin/python -m bench.import_floor --size 400 --repeat 2

- `yardstick` and `import`: as in bench.import_speed (orjson over the whole file and one
  executemany, no index; the service's import into a fresh data folder).
- `reader alone`: the reading process's work (importing/reading_process.py) with nothing to
  write to, its frames going to /dev/null: what an import would take with a writer that
  cost nothing.
- `index alone`: the full-text index of a fresh archive (the app's own schema and tuning)
  fed the export's messages in batches of the import's average size, one transaction each,
  through the driver with no Python of ours between the rows; their index forms
  (cjk.indexed) are made beforehand and not timed: the least the writer can spend.
- `index forms`: making those forms, in Python (the writer's share of CJK).

Beside each wall time its ratio to the yardstick's, and for the import its CPU time (both
of its processes) over the yardstick's wall time: on two cores, an import within 0.8x the
yardstick can spend at most 1.6x its wall time in CPU.
"""

from __future__ import annotations

import argparse
import gc
import io
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.import_speed import (
    OUT,
    ROOT,
    cpu_seconds,
    export_of,
    service,
    service_module,
    yardstick,
)

ROWS_PER_BATCH = 800  # the import's average at 100 MB: 121,709 messages in 153 batches
KINDS = ("yardstick", "import", "reader alone", "index alone")


def reader_alone(export: Path) -> float:
    """The reading process's work on `export`, in this process, its frames thrown away."""
    from desktop_importer.basics.settings import Settings
    from desktop_importer.importing import reading_process
    from desktop_importer.importing.export_set import open_exports

    request = reading_process.request_of(open_exports([export]), Settings())
    gc.set_threshold(100_000)  # as the reading process sets it (reading_process.main)
    with open(os.devnull, "wb") as nowhere:
        started = time.perf_counter()
        reading_process.serve(io.BytesIO(request), nowhere)
        return time.perf_counter() - started


def messages_of(export: Path, folder: Path) -> list[tuple[int, str]]:
    """Every message's rowid and text, as the import wrote them."""
    service(export, folder)
    db = sqlite3.connect(folder / "data" / "archive.sqlite3")
    rows: list[tuple[int, str]] = db.execute(
        "SELECT rowid, text FROM messages ORDER BY rowid"
    ).fetchall()
    db.close()
    return rows


def index_alone(entries: list[tuple[int, str]], folder: Path) -> float:
    """Feed a fresh archive's message index `entries`, a batch a transaction."""
    from desktop_importer.importing.service import open_app

    open_app(folder / "fresh").close()  # the schema and its FTS tuning, as the app makes them
    db = sqlite3.connect(folder / "fresh" / "archive.sqlite3", isolation_level=None)
    db.execute("PRAGMA synchronous = NORMAL")
    started = time.perf_counter()
    for at in range(0, len(entries), ROWS_PER_BATCH):
        db.execute("BEGIN IMMEDIATE")
        db.executemany(
            "INSERT INTO message_fts (rowid, text) VALUES (?, ?)",
            entries[at : at + ROWS_PER_BATCH],
        )
        db.execute("COMMIT")
    seconds = time.perf_counter() - started
    db.close()
    return seconds


def child(kind: str, export: Path) -> None:
    with tempfile.TemporaryDirectory(dir=OUT) as scratch:
        folder = Path(scratch)
        result: dict[str, float] = {}
        if kind == "index alone":
            from desktop_importer.basics.cjk import indexed

            messages = messages_of(export, folder / "first")
            started = time.perf_counter()
            entries = [(rowid, indexed(text)) for rowid, text in messages]
            result["forms"] = time.perf_counter() - started
            result["seconds"] = index_alone(entries, folder)
        elif kind == "reader alone":
            result["seconds"] = reader_alone(export)
        else:
            if kind == "import":
                service_module()  # imported before the clock starts, as bench.import_speed does
            cpu, started = cpu_seconds(), time.perf_counter()
            (yardstick if kind == "yardstick" else service)(export, folder)
            result["seconds"] = time.perf_counter() - started
            result["cpu"] = cpu_seconds() - cpu
    print(json.dumps(result))


def measure(kind: str, export: Path) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-m", "bench.import_floor", "--child", kind, str(export)],
        capture_output=True, text=True, check=True, cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=100, help="MB of the CJK export")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each, alternating")
    parser.add_argument("--child", nargs=2, metavar=("KIND", "EXPORT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]))
        return
    export, facts = export_of(args.size, "cjk")
    subprocess.run(  # bytecode on disk, as bench.import_speed makes sure of
        [sys.executable, "-m", "compileall", "-q", str(ROOT / "desktop_importer")], check=True
    )
    runs: dict[str, list[dict[str, float]]] = {kind: [] for kind in KINDS}
    for _ in range(args.repeat):
        for kind in KINDS:
            runs[kind].append(measure(kind, export))

    def median(kind: str, key: str = "seconds") -> float:
        return statistics.median(run[key] for run in runs[kind])

    base = median("yardstick")
    print(f"{args.size} MB CJK export: {facts['messages']:,} messages; median of {args.repeat}")
    print(f"{'':<14}{'wall s':>8}{'ratio':>8}   runs")
    for kind in KINDS:
        each = "/".join(f"{run['seconds']:.2f}" for run in runs[kind])
        print(f"{kind:<14}{median(kind):>8.2f}{median(kind) / base:>7.2f}x   {each}")
    forms = median("index alone", "forms")
    print(f"{'index forms':<14}{forms:>8.2f}{forms / base:>7.2f}x   (Python, not in the above)")
    cpu = median("import", "cpu")
    print(
        f"the import's CPU: {cpu:.2f} s, {cpu / base:.2f}x the yardstick's wall time "
        f"(within 0.8x on two cores: at most 1.60x)"
    )


if __name__ == "__main__":
    main()
