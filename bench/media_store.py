"""Where media should live (issue #14): hash-named files in a folder beside the database, or
chunked blob rows inside it. Both are written the way an import would write them: streamed
in chunks, hashed, made durable (fsync of the file, or a committed WAL transaction), and
both are compared with plain extraction (`zipfile` + `fsync`) of the same members.

    .venv/bin/python -m bench.media_store [--mb 300] [--runs 3]

Prints, per way, the throughput (MB/s, best of the runs) and what it added on disk. The
members are random bytes (incompressible, like photos) of 0.1-5 MB, stored in a ZIP.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import shutil
import sqlite3
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

CHUNK = 1 << 20


def make_zip(path: Path, megabytes: int, rng: random.Random) -> list[str]:
    names: list[str] = []
    left = megabytes << 20
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        while left > 0:
            size = min(left, rng.randrange(100_000, 5_000_000))
            name = f"file-{len(names):06d}-photo.jpg"
            archive.writestr(name, rng.randbytes(size))
            names.append(name)
            left -= size
    return names


def extract(source: zipfile.ZipFile, names: list[str], folder: Path) -> None:
    for name in names:
        target = folder / name
        with source.open(name) as member, open(target, "wb") as out:
            shutil.copyfileobj(member, out, CHUNK)
            out.flush()
            os.fsync(out.fileno())


def as_files(source: zipfile.ZipFile, names: list[str], folder: Path) -> None:
    staging = folder / ".staging"
    staging.mkdir(parents=True, exist_ok=True)
    for index, name in enumerate(names):
        digest = hashlib.sha256()
        temp = staging / f"run-1-{index}"
        with source.open(name) as member, open(temp, "wb") as out:
            while chunk := member.read(CHUNK):
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        sha = digest.hexdigest()
        final = folder / sha[:2] / sha
        final.parent.mkdir(exist_ok=True)
        os.replace(temp, final)


def as_blobs(source: zipfile.ZipFile, names: list[str], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(folder / "blobs.sqlite3", isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute(
        "CREATE TABLE IF NOT EXISTS chunks (sha TEXT, n INTEGER, data BLOB, PRIMARY KEY (sha, n))"
    )
    for name in names:
        digest = hashlib.sha256()
        db.execute("BEGIN IMMEDIATE")
        with source.open(name) as member:
            n = 0
            while chunk := member.read(CHUNK):
                digest.update(chunk)
                db.execute("INSERT INTO chunks VALUES (?, ?, ?)", (f"tmp-{name}", n, chunk))
                n += 1
        db.execute("UPDATE chunks SET sha = ? WHERE sha = ?", (digest.hexdigest(), f"tmp-{name}"))
        db.execute("COMMIT")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()


def used(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=int, default=300)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    out = Path(__file__).parent / "out"
    out.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out) as scratch:
        root = Path(scratch)
        names = make_zip(root / "media.zip", args.mb, random.Random(14))
        ways: dict[str, Callable[[zipfile.ZipFile, list[str], Path], None]] = {
            "zipfile + fsync (baseline)": extract,
            "hash-named files": as_files,
            "chunked blob rows (WAL)": as_blobs,
        }
        best: dict[str, float] = {}
        size: dict[str, int] = {}
        for run in range(args.runs):
            for label, way in ways.items():  # alternating, so drift hits each way alike
                target = root / f"out-{run}-{len(best)}-{label[:5]}"
                target.mkdir()
                with zipfile.ZipFile(root / "media.zip") as source:
                    started = time.perf_counter()
                    way(source, names, target)
                    seconds = time.perf_counter() - started
                best[label] = min(best.get(label, seconds), seconds)
                size[label] = used(target)
                shutil.rmtree(target)
        total = args.mb
        base = total / best["zipfile + fsync (baseline)"]
        print(f"{len(names)} files, {total} MB, best of {args.runs} alternating runs")
        print(f"{'way':<30}{'MB/s':>8}{'vs baseline':>13}{'on disk MB':>12}")
        for label in ways:
            speed = total / best[label]
            print(f"{label:<30}{speed:>8.0f}{speed / base:>12.0%}{size[label] / 2**20:>12.0f}")


if __name__ == "__main__":
    main()
