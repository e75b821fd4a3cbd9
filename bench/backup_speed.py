"""`backup` of the 1 GB library archive while an import runs into it (issue #15).

    .venv/bin/python -m bench.backup_speed [--mb 1000]

It copies bench.library's archive (so that the benchmark archive is left as it was),
starts importing the CJK-free 100 MB export into the copy in another process, waits until
that import is writing, runs `desktop-importer backup` and times it, then lets the import
finish. Prints the backup's time and size, and the import's.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

OUT = Path(__file__).parent / "out"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=int, default=1000)
    args = parser.parse_args()
    from bench.generate import generate
    from bench.library import archive

    source = archive(args.mb)
    export = OUT / "export-100mb-without-cjk.zip"
    if not export.exists():
        generate(100, export, without_cjk=True)
    cli = [sys.executable, "-m", "desktop_importer"]
    with tempfile.TemporaryDirectory(dir=OUT) as scratch:
        data = Path(scratch) / "data"
        shutil.copytree(source, data)
        env = {**os.environ, "DESKTOP_IMPORTER_DATA_DIR": str(data)}
        importing = subprocess.Popen(
            [*cli, "import", str(export), "--json"], env=env, stdout=subprocess.PIPE, text=True
        )
        started = time.perf_counter()
        while True:  # until the import is writing batches
            state = json.loads(
                subprocess.run(
                    [*cli, "status", "--json"], env=env, capture_output=True, text=True
                ).stdout
            )
            progress = state.get("progress") or {}
            if state["status"] == "processing" and progress.get("conversationsDone"):
                break
            time.sleep(0.2)
        began = time.perf_counter()
        done = subprocess.run(
            [*cli, "backup", str(Path(scratch) / "backup"), "--json"],
            env=env,
            capture_output=True,
            text=True,
        )
        took = time.perf_counter() - began
        still = importing.poll() is None
        importing.wait()
        imported = time.perf_counter() - started
        if done.returncode != 0:
            raise SystemExit(done.stderr)
        size = json.loads(done.stdout)["bytes"]
        print(
            f"backup of the {args.mb} MB library archive during an import: {took:.1f} s, "
            f"{size / 2**20:,.0f} MB; the import was {'still running' if still else 'done'} "
            f"when it ended, and took {imported:.1f} s in all"
        )


if __name__ == "__main__":
    main()
