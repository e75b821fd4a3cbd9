"""Markdown export of the archive of a generated export, side by side with convoviz writing
Markdown from the same export, in the same run (issues #15, #23).

    .venv/bin/python -m bench.export_speed [--mb 100] [--runs 3]

It uses bench.library's archive of its library export (generated and imported once, kept
in bench/out/), and convoviz 0.7.6, the current release, unpatched, from its own virtual
environment, bench/out/convoviz-0.7.6-venv (made the first time with the first Python 3.12
or later found: it needs one). Each side runs in its own process, alternately: wall time
and peak RSS (VmHWM). convoviz reads the export's ZIP with its own command line
(`--outputs markdown`); ours reads the archive the same export was imported into (the
import's own time is bench.import_speed's), and renders everything.
"""

from __future__ import annotations

import argparse
import contextlib
import glob
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

OUT = Path(__file__).parent / "out"
CONVOVIZ_VERSION = "0.7.6"
CONVOVIZ_VENV = OUT / f"convoviz-{CONVOVIZ_VERSION}-venv"


def ours(folder: Path, target: Path) -> dict[str, float]:
    from desktop_importer.exporting import export
    from desktop_importer.importing.service import open_app

    app = open_app(folder, recover=False)
    started = time.perf_counter()
    result = export(app, "default", target)
    seconds = time.perf_counter() - started
    started = time.perf_counter()
    export(app, "default", target)  # again, nothing changed
    again = time.perf_counter() - started
    app.close()
    return {"seconds": seconds, "again": again, "conversations": result.conversations}


def python_312() -> str:
    """A Python 3.12 or later on this machine (PATH, then pyenv's versions)."""
    candidates = [shutil.which(name) for name in ("python3.13", "python3.12")]
    candidates += sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/3.1[2-9]*/bin/python3")))
    for candidate in filter(None, candidates):
        probe = subprocess.run(
            [candidate, "-c", "import sys; print(sys.version_info >= (3, 12))"],
            capture_output=True,
            text=True,
        )
        if probe.stdout.strip() == "True":
            return candidate
    raise SystemExit(f"convoviz {CONVOVIZ_VERSION} needs Python 3.12 or later; none was found.")


def convoviz_command() -> Path:
    command = CONVOVIZ_VENV / "bin" / "convoviz"
    if not command.exists():
        subprocess.run([python_312(), "-m", "venv", str(CONVOVIZ_VENV)], check=True)
        pip = [str(CONVOVIZ_VENV / "bin" / "python"), "-m", "pip", "install", "-q"]
        subprocess.run([*pip, f"convoviz=={CONVOVIZ_VERSION}"], check=True)
    return command


def high_water_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def run(command: list[str], env: dict[str, str] | None = None) -> tuple[list[str], float, float]:
    """Run a child; its output's lines, its wall time and its peak RSS (polled until it
    ends)."""
    started = time.perf_counter()
    child = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env
    )
    peak = 0.0
    while child.poll() is None:
        with contextlib.suppress(OSError, ValueError):  # it ended between the two checks
            peak = max(peak, high_water_mb(child.pid))
        time.sleep(0.05)
    seconds = time.perf_counter() - started
    assert child.stdout is not None
    lines = child.stdout.read().strip().splitlines()
    if child.returncode != 0:
        raise SystemExit(f"{command[0]} failed with status {child.returncode}")
    return lines, seconds, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=int, default=100, help="the library export's size")
    parser.add_argument("--runs", type=int, default=3, help="runs of each, alternating")
    parser.add_argument("--ours", nargs=2, metavar=("ARCHIVE", "DIR"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.ours:
        print(json.dumps(ours(Path(args.ours[0]), Path(args.ours[1]))))
        return
    from bench.library import archive

    folder = archive(args.mb)
    export_zip = OUT / f"export-{args.mb}mb-library.zip"
    convoviz = convoviz_command()
    times: dict[str, list[float]] = {"desktop-importer": [], "convoviz": []}
    peaks: dict[str, float] = {"desktop-importer": 0.0, "convoviz": 0.0}
    again: list[float] = []
    for _ in range(args.runs):  # alternating
        with tempfile.TemporaryDirectory(dir=OUT) as scratch:
            lines, _, peak = run(
                [sys.executable, "-m", "bench.export_speed", "--ours", str(folder), scratch]
            )
            result = json.loads(lines[-1])
            times["desktop-importer"].append(result["seconds"])
            again.append(result["again"])
            peaks["desktop-importer"] = max(peaks["desktop-importer"], peak)
            written = len(list(Path(scratch).glob("*.md")))
        with tempfile.TemporaryDirectory(dir=OUT) as scratch:
            home = Path(scratch) / "home"
            home.mkdir()
            env = {"HOME": str(home), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}
            out = Path(scratch) / "out"
            command = [str(convoviz), "--input", str(export_zip), "--output", str(out)]
            _, seconds, peak = run([*command, "--outputs", "markdown", "--no-interactive"], env)
            times["convoviz"].append(seconds)  # the whole process: it reads the ZIP itself
            peaks["convoviz"] = max(peaks["convoviz"], peak)
            theirs = len(list(out.rglob("*.md")))
    base = statistics.median(times["convoviz"])
    print(
        f"Markdown of the {args.mb} MB library export, median of {args.runs}; "
        f"convoviz {CONVOVIZ_VERSION} from the ZIP, ours from the archive"
    )
    print(f"{'':<18}{'wall s':>8}{'vs convoviz':>13}{'peak RSS MB':>13}{'notes':>8}")
    for name, count in (("desktop-importer", written), ("convoviz", theirs)):
        seconds = statistics.median(times[name])
        print(f"{name:<18}{seconds:>8.1f}{seconds / base:>12.2f}x{peaks[name]:>13.0f}{count:>8,}")
    for name in ("desktop-importer", "convoviz"):
        print(f"{name} by run (alternating): " + ", ".join(f"{t:.1f}" for t in times[name]))
    first = statistics.median(times["desktop-importer"])
    print(
        f"a second export into the same folder, nothing changed: "
        f"{statistics.median(again):.1f} s, {statistics.median(again) / first:.0%} of the first"
    )


if __name__ == "__main__":
    main()
