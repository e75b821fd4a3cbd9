"""Markdown export of the archive of a generated export, side by side with convoviz writing
Markdown from the same export, in the same run (issue #15).

    .venv/bin/python -m bench.export_speed [--mb 1000] [--runs 1]

It uses bench.library's archive of its library export (generated and imported once, kept
in bench/out/), and convoviz from its own virtual environment, bench/out/convoviz-venv
(created with `pip install convoviz` the first time). Each side runs in its own process:
wall time and peak RSS (VmHWM). convoviz reads the export's ZIP (with every part that is not
a string taken out: convoviz 0.1.7 cannot read image pointers); ours reads the archive the
same export was imported into, and renders everything.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import statistics
import subprocess
import sys
import tempfile
import time
import venv
import zipfile
from pathlib import Path

import orjson

OUT = Path(__file__).parent / "out"
CONVOVIZ_VENV = OUT / "convoviz-venv"


def ours(folder: Path, target: Path) -> dict[str, float]:
    from desktop_importer.exporting import export
    from desktop_importer.service import open_app

    app = open_app(folder, recover=False)
    started = time.perf_counter()
    result = export(app, "default", target)
    seconds = time.perf_counter() - started
    started = time.perf_counter()
    export(app, "default", target)  # again, nothing changed
    again = time.perf_counter() - started
    app.close()
    return {"seconds": seconds, "again": again, "conversations": result.conversations}


CONVOVIZ = """
import datetime, json, sys, time
import convoviz.models._conversation as conversation
import convoviz.models._conversation_set as conversation_set
import convoviz.models._message as message
import convoviz.models._node as node
# convoviz 0.1.7 (the newest in this machine's index) leaves `datetime` undefined for
# pydantic 2.14's deferred annotations: define it, then rebuild its models.
for model in (message.Message, node.Node, conversation.Conversation,
              conversation_set.ConversationSet):
    model.model_rebuild(_types_namespace={"datetime": datetime.datetime})
from convoviz.models import ConversationSet
started = time.perf_counter()
ConversationSet.from_zip(sys.argv[1]).save(sys.argv[2])
print(json.dumps({"seconds": time.perf_counter() - started}))
"""


def readable_by_convoviz(export: Path) -> Path:
    """The same export with every part that is not a string taken out of its messages, and
    an empty string for a message with no parts, text or result (thoughts, recaps):
    convoviz 0.1.7 refuses the whole file at the first image pointer (a validation error)
    and stops at the first such message, so it is given less to do than we are."""
    target = export.with_name(export.stem + "-convoviz.zip")
    if target.exists():
        return target
    with zipfile.ZipFile(export) as source:
        conversations = orjson.loads(source.read("conversations.json"))
    for conv in conversations:
        # Fields convoviz requires that some exports (and the generator's long ones) lack.
        conv.setdefault("moderation_results", [])
        conv["title"] = conv.get("title") or ""
        conv["update_time"] = conv.get("update_time") or conv.get("create_time")
        for node in (conv.get("mapping") or {}).values():
            if node.get("message"):
                node["message"].setdefault("weight", 1.0)
                node["message"].setdefault("status", "finished_successfully")
                node["message"].setdefault("recipient", "all")
                node["message"].setdefault("metadata", {})
                node["message"].setdefault("author", {}).setdefault("metadata", {})
            content = (node.get("message") or {}).get("content") or {}
            if isinstance(content.get("parts"), list):
                content["parts"] = [p for p in content["parts"] if isinstance(p, str)]
            if not (content.get("parts") or content.get("text") or content.get("result")):
                content["parts"] = [""]  # it stops at a message with none of the three
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out:
        out.writestr("conversations.json", orjson.dumps(conversations))
    return target


def convoviz_python() -> Path:
    python = CONVOVIZ_VENV / "bin" / "python"
    if not python.exists():
        venv.create(CONVOVIZ_VENV, with_pip=True)
        subprocess.run([python, "-m", "pip", "install", "-q", "convoviz"], check=True)
    return python


def high_water_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def run(command: list[str], env: dict[str, str] | None = None) -> tuple[dict[str, float], float]:
    """Run a child; its last line of JSON, and its peak RSS (polled until it ends)."""
    child = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env)
    peak = 0.0
    while child.poll() is None:
        with contextlib.suppress(OSError, ValueError):  # it ended between the two checks
            peak = max(peak, high_water_mb(child.pid))
        time.sleep(0.05)
    assert child.stdout is not None
    lines = child.stdout.read().strip().splitlines()
    if child.returncode != 0 or not lines:
        raise SystemExit(f"{command[0]} failed with status {child.returncode}")
    return json.loads(lines[-1]), peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--ours", nargs=2, metavar=("ARCHIVE", "DIR"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.ours:
        print(json.dumps(ours(Path(args.ours[0]), Path(args.ours[1]))))
        return
    from bench.library import archive

    folder = archive(args.mb)
    export_zip = readable_by_convoviz(OUT / f"export-{args.mb}mb-library.zip")
    python = convoviz_python()
    times: dict[str, list[float]] = {"desktop-importer": [], "convoviz": []}
    peaks: dict[str, float] = {"desktop-importer": 0.0, "convoviz": 0.0}
    again: list[float] = []
    for _ in range(args.runs):  # alternating
        with tempfile.TemporaryDirectory(dir=OUT) as scratch:
            result, peak = run(
                [sys.executable, "-m", "bench.export_speed", "--ours", str(folder), scratch]
            )
            times["desktop-importer"].append(result["seconds"])
            again.append(result["again"])
            peaks["desktop-importer"] = max(peaks["desktop-importer"], peak)
            written = len(list(Path(scratch).glob("*.md")))
        with tempfile.TemporaryDirectory(dir=OUT) as scratch:
            home = Path(scratch) / "home"
            (home / "Downloads").mkdir(parents=True)
            # convoviz looks for a ZIP in ~/Downloads when it is imported.
            with zipfile.ZipFile(home / "Downloads" / "any.zip", "w"):
                pass
            env = {"HOME": str(home), "PATH": "/usr/bin:/bin"}
            result, peak = run(
                [str(python), "-c", CONVOVIZ, str(export_zip), str(Path(scratch) / "md")], env
            )
            times["convoviz"].append(result["seconds"])
            peaks["convoviz"] = max(peaks["convoviz"], peak)
            theirs = len(list((Path(scratch) / "md").glob("*.md")))
    base = statistics.median(times["convoviz"])
    print(f"Markdown of the {args.mb} MB library export, median of {args.runs}")
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
