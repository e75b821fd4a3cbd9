"""Import speed, memory and archive size against a yardstick measured in the same run.

    .venv/bin/python -m bench.import_speed                 # 100 MB and 400 MB, both kinds
    .venv/bin/python -m bench.import_speed --sizes 100 --against aba3579
    .venv/bin/python -m bench.import_speed --sizes 100 400 1000 --repeat 1 --kinds cjk
    .venv/bin/python -m bench.import_speed --unreadable 100   # memory on a hostile file

For each size it generates two realistic exports (bench/generate.py, cached in bench/out/):
`cjk`, the generator's default vocabulary, in which about half of the messages hold a
Chinese, Japanese or Korean word among Latin, Cyrillic, Greek, Arabic, Hebrew and Hindi
ones (the share is printed), and `plain`, the same without any CJK. Each is imported
through the service into a fresh data folder, and the yardstick runs on it: the simplest
possible importer (orjson over the whole file, executemany of every message into SQLite in
one transaction, no index). Each runs in its own process, so peak RSS is its own; the
service's includes the peak of its reading process, added as if both peaked at once. Each
importer runs --repeat times (3), alternating; the table shows the median wall time, the
highest peak memory, the service's highest peak PSS (its two processes' proportional set
size, read together: shared library pages counted once, see ReaderMemory), the archive's
size on disk (and as a multiple of the export's JSON) and the longest write transaction of
the import. Linux (memory is read from /proc).

--against REV [REV ...] also imports with the app as it was at each REV (any git
revision): its `desktop_importer` is extracted into bench/out/rev-<commit>/ and run with
this checkout's virtual environment, alternating with today's, so that a change's cost is
measured against its parent on the same machine in the same minutes (and a regression can
be found commit by commit: `--against A B C --sizes 100 --kinds cjk`).

Targets (issue #23): wall time at most 0.8x the yardstick's at 100 MB and 0.6x at 400 MB;
peak RSS at most 100 MB at every size; the archive at most 1.15x the export's JSON.

--media MB imports an export with MB of media beside a small set of conversations (photos
of 0.1-5 MB, some audio, one 300 MB video, one image used twice, every file pointed at),
the same export without its media, and extracts the same members with `zipfile` + `fsync`
(the yardstick): media throughput is the media's bytes over the difference between the two
imports, against the yardstick's; archive growth is the difference of the two data
folders, against the distinct media bytes; peak RSS includes the reading process.

--batches N imports the same conversations as one ZIP and split into N ZIPs (Claude's
2026 `conversations-000.zip`, `-001`, …, in a folder imported as one export), alternating,
with this checkout only: the cost of reading several files as one (issue #25: within 5 %).

--vendors deepseek grok lechat gemini imports the same conversations as each of those vendors
exports them (bench/vendor_exports.py: DeepSeek's fragment tree, Grok's wrapped backend
file, one Le Chat file per conversation, Gemini's HTML activity log) and as ChatGPT's,
alternating: wall time, messages a second and peak RSS as ratios to ChatGPT's (issue #26:
within 20 %), and the median CPU time of both processes: steadier than wall time between
runs in the same minutes, though a slow spell moves it too (ChatGPT's 100 MB import took
7.8-8.8 s of CPU in one spell, 10.2-11.6 s in another), so it compares only runs made
together; a diagnostic beside the budget, not the budget.

--unreadable N imports, through the service only, a bare JSON file of N MB that holds one
readable conversation and then nothing but unreadable `{}` (every one skipped and counted):
what the report keeps of them must not grow with the file either.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import itertools
import json
import os
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from collections.abc import Iterator
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


LONGEST_WRITE_MS = [0.0]  # the service's longest write transaction, in its process


def service(export: Path, folder: Path) -> int:
    from sqlalchemy import event

    api = service_module()  # imported before timing
    app = api.open_app(folder / "data")
    started: dict[int, float] = {}

    def begin(connection: Any) -> None:
        if not connection.get_execution_options().get("read_only", False):
            started[id(connection)] = time.perf_counter()

    def end(connection: Any) -> None:
        if (began := started.pop(id(connection), None)) is not None:
            took = (time.perf_counter() - began) * 1000
            LONGEST_WRITE_MS[0] = max(LONGEST_WRITE_MS[0], took)

    event.listen(app.store.engine, "begin", begin)
    event.listen(app.store.engine, "commit", end)
    event.listen(app.store.engine, "rollback", end)
    report = api.start_import(app, export)  # a folder: its batches, as one export
    app.close()
    return int(report.messages)


class ReaderMemory:
    """The peak RSS of the service's reading process
    (desktop_importer/importing/reading_process.py), which counts too: its kernel
    high-water mark, VmHWM, read every 20 ms until it ends.

    (getrusage(RUSAGE_CHILDREN) would be simpler, but Linux counts in it the RSS the child
    had before exec, when it was a copy of this process: 48 MB instead of 35.)

    Beside it, the tree's peak PSS: both processes' proportional set size read at the same
    moment, every 0.25 s (PSS_EVERY), summed. RSS counts a page of a shared library in each
    process that maps it; the two processes share libpython, libcrypto and libc (11.7 MB of
    the reader's RSS is such pages before it reads a byte), so the sum of their RSS counts
    those twice, and adds two peaks that need not come at once. PSS counts a shared page
    once between them.
    """

    def __init__(self) -> None:
        self._peak_mb = 0.0
        self._tree_pss_mb = 0.0
        threading.Thread(target=self._watch, daemon=True).start()

    def _watch(self) -> None:
        me = str(os.getpid())
        for tick in itertools.count():
            readers = []
            for task in Path(f"/proc/{me}/task").iterdir():
                try:  # a thread may end between the listing and this
                    children = (task / "children").read_text().split()
                except OSError:
                    continue
                for pid in children:
                    with contextlib.suppress(OSError):
                        # Only once it runs the reader: just after fork, before exec, it is
                        # still a copy of this process, with this process's high-water mark.
                        if b"--read-export" not in Path(f"/proc/{pid}/cmdline").read_bytes():
                            continue
                        peak = high_water_mb(Path(f"/proc/{pid}/status"))
                        self._peak_mb = max(self._peak_mb, peak)
                        readers.append(pid)
            if tick % PSS_EVERY == 0:
                with contextlib.suppress(OSError):  # the reader may have ended meanwhile
                    pss = sum(pss_mb(pid) for pid in (me, *readers))
                    self._tree_pss_mb = max(self._tree_pss_mb, pss)
            time.sleep(0.02)

    def peak_mb(self) -> float:
        return self._peak_mb

    def tree_pss_mb(self) -> float:
        return self._tree_pss_mb


# Reading PSS walks the process's page tables under its memory map's lock: every 20 ms, it
# slowed the import it measured (100 MB: slower in 4 of 4 alternating pairs, by 0.15-1.9 s).
# The tree's memory is a plateau from the first batches on, so every 0.25 s finds it, though
# not a spike shorter than that (100 MB: 88.8-91.1 MB every 0.25 s, 91.0-91.4 every 20 ms).
PSS_EVERY = 12


def pss_mb(pid: str) -> float:
    """A process's proportional set size now (Linux 4.14 and later)."""
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1]) / 1024
    return 0.0


def high_water_mb(status: Path) -> float:
    """A process's peak RSS: VmHWM, which exec resets. (getrusage's ru_maxrss survives exec,
    so a child started by a large parent reports the parent's size: 247 MB instead of 50
    after this script had generated a file.)"""
    for line in status.read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0  # a process that has ended and not yet been waited for


def service_module() -> Any:
    """The service of the app in the working folder, all of it from there.

    A revision's folder (bench/out/rev-*) holds its own `desktop_importer`; this checkout's
    editable install (a finder on `sys.meta_path`) would otherwise supply every module the
    revision does not have, and a revision older than the packages (4680f62) would run
    today's import with its own store: neither then nor now. So the finder goes, and the
    service is found where the revision kept it."""
    sys.meta_path[:] = [f for f in sys.meta_path if "__editable__" not in _module_of(f)]
    for name in ("desktop_importer.importing.service", "desktop_importer.service"):
        try:
            return importlib.import_module(name)
        except ModuleNotFoundError as e:
            if e.name is None or not name.startswith(e.name):
                raise
    raise SystemExit(f"no import service under {Path.cwd()}")


def _module_of(finder: object) -> str:
    return str(getattr(finder, "__module__", "") or type(finder).__module__)


def child(kind: str, export: Path) -> None:
    watcher = None
    if kind == "service":
        service_module()  # as the yardstick's orjson: not timed
        watcher = ReaderMemory()
    with tempfile.TemporaryDirectory(dir=OUT) as folder:
        cpu_before = cpu_seconds()
        started = time.perf_counter()
        work = {"yardstick": yardstick, "service": service, "extract": extract}[kind]
        messages = work(export, Path(folder))
        seconds = time.perf_counter() - started
        cpu = cpu_seconds() - cpu_before
        stored = folder_bytes(Path(folder))
    peak = high_water_mb(Path("/proc/self/status"))
    reader = watcher.peak_mb() if watcher else 0.0
    print(
        json.dumps(
            {
                "seconds": seconds,
                "cpu_seconds": cpu,
                "messages": messages,
                "peak_mb": peak + reader,
                "reader_mb": reader,
                "tree_pss_mb": watcher.tree_pss_mb() if watcher else 0.0,
                "stored_bytes": stored,
                "longest_write_ms": LONGEST_WRITE_MS[0],
            }
        )
    )


def cpu_seconds() -> float:
    """User and system CPU time of this process and of its children that have ended (the
    service's reading process, which it waits for)."""
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def unreadable_export(megabytes: int) -> Path:
    path = OUT / f"unreadable-{megabytes}mb.json"
    if not path.exists():
        OUT.mkdir(exist_ok=True)
        first = orjson.dumps(conversation(random.Random(1), 0))
        empties = (megabytes * 2**20 - len(first)) // 3
        path.write_bytes(b"[" + first + b",{}" * empties + b"]")
    return path


def _media_bytes(head: bytes, size: int, seed: int) -> Iterator[bytes]:
    """A file's bytes, in chunks: its type's first bytes, then noise (incompressible, as
    photos are)."""
    rng = random.Random(seed)
    yield head
    left = size - len(head)
    while left > 0:
        chunk = rng.randbytes(min(left, 2**20))
        left -= len(chunk)
        yield chunk


def media_export(megabytes: int) -> tuple[Path, Path, int, int]:
    """(with media, without media, media bytes, distinct media bytes), cached in OUT."""
    with_media, without = OUT / f"media-{megabytes}mb.zip", OUT / f"media-{megabytes}mb-none.zip"
    meta = OUT / f"media-{megabytes}mb.json"
    if with_media.exists() and without.exists() and meta.exists():
        sizes = json.loads(meta.read_text())
        return with_media, without, sizes["bytes"], sizes["distinct"]
    OUT.mkdir(exist_ok=True)
    rng = random.Random(14)
    heads = {
        "jpg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00",
        "wav": b"RIFF\x00\x00\x00\x00WAVEfmt ",
        "mp4": b"\x00\x00\x00\x18ftypmp42",
    }
    files: list[tuple[str, str, bytes, int, int]] = []  # (id, member, head, size, seed)
    left = megabytes * 2**20
    video = min(300 * 2**20, left // 3)
    files.append(("file-VIDEO0", "file-VIDEO0-holiday.mp4", heads["mp4"], video, 0))
    left -= video
    while left > 0:
        n = len(files)
        if n % 10 == 0:
            size, ext, where = rng.randrange(200_000, 2_000_000), "wav", f"conv-{n}/audio/"
        else:
            size, ext, where = rng.randrange(100_000, 5_000_000), "jpg", ""
        size = min(max(size, 64), left)
        files.append(
            (f"file-M{n:05d}", f"{where}file-M{n:05d}-photo {n}.{ext}", heads[ext], size, n)
        )
        left -= size
    _, _, head, size, seed = files[1]
    files.append(("file-TWICE", "file-TWICE-again.jpg", head, size, seed))  # used twice
    convs = []
    for start in range(0, len(files), 5):
        conv = conversation(rng, start)
        node = next(n for n in conv["mapping"].values() if n.get("message"))
        node["message"]["content"] = {
            "content_type": "multimodal_text",
            "parts": [
                {"content_type": "image_asset_pointer", "asset_pointer": f"file-service://{f[0]}"}
                for f in files[start : start + 5]
            ]
            + ["my files"],
        }
        convs.append(conv)
    body = orjson.dumps(convs)
    for path, with_files in ((with_media, True), (without, False)):
        with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
            archive.writestr("conversations.json", body)
            for _, member, head, size, seed in files if with_files else []:
                with archive.open(member, "w", force_zip64=True) as out:
                    for chunk in _media_bytes(head, size, seed):
                        out.write(chunk)
    total = sum(f[3] for f in files)
    distinct = total - size
    meta.write_text(json.dumps({"bytes": total, "distinct": distinct}))
    return with_media, without, total, distinct


def extract(export: Path, folder: Path) -> int:
    """The yardstick for media: every non-JSON member written out and fsynced."""
    count = 0
    with zipfile.ZipFile(export) as archive:
        for info in archive.infolist():
            if info.filename.endswith(".json"):
                continue
            target = folder / f"{count}.bin"
            with archive.open(info) as member, open(target, "wb") as out:
                while chunk := member.read(2**20):
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            count += 1
    return count


def split_export(export: Path, batches: int) -> Path:
    """A folder of `batches` ZIPs holding the export's conversations in order (cached)."""
    folder = OUT / f"{export.stem}-in-{batches}"
    if not folder.is_dir():
        conversations = orjson.loads(zipfile.ZipFile(export).read("conversations.json"))
        part = -(-len(conversations) // batches)
        temporary = Path(tempfile.mkdtemp(dir=OUT))
        for number in range(batches):
            chunk = conversations[number * part : (number + 1) * part]
            with zipfile.ZipFile(temporary / f"conversations-{number:03d}.zip", "w",
                                 zipfile.ZIP_DEFLATED) as archive:  # fmt: skip
                archive.writestr("conversations.json", orjson.dumps(chunk))
        temporary.rename(folder)
    return folder


def measure_batches(sizes: list[int], kinds: list[str], batches: int, repeat: int) -> None:
    print(f"{'size':>7} {'kind':<6} {'one ZIP s':>10} {f'{batches} batches s':>12} {'ratio':>6}")
    for size in sizes:
        for kind in kinds:
            export, _ = export_of(size, kind)
            folder = split_export(export, batches)
            one: list[dict[str, Any]] = []
            split: list[dict[str, Any]] = []
            for _ in range(repeat):  # alternating, so that a slow spell hits each alike
                one.append(measure("service", export))
                split.append(measure("service", folder))
            a, b = median_run(one), median_run(split)
            assert a["messages"] == b["messages"], (a["messages"], b["messages"])
            print(
                f"{size:>5}MB {kind:<6} {a['seconds']:>10.2f} {b['seconds']:>12.2f} "
                f"{b['seconds'] / a['seconds']:>5.3f}x  (one ZIP "
                + "/".join(f"{r['seconds']:.2f}" for r in one)
                + "; batches "
                + "/".join(f"{r['seconds']:.2f}" for r in split)
                + f"; peak {a['peak_mb']:.0f} vs {b['peak_mb']:.0f} MB)"
            )


def measure_vendors(sizes: list[int], vendors: list[str], repeat: int) -> None:
    """Each vendor's export of the same conversations (bench/vendor_exports.py) against
    ChatGPT's, alternating: wall time, messages a second and peak RSS, as ratios to
    ChatGPT's (issue #26: within 20 %); each pair's time ratio (a vendor run over the
    ChatGPT run before it); and the CPU time of both processes (median), which runs made
    together vary less than wall time: a diagnostic, not the budget."""
    from bench.vendor_exports import export_for

    print(f"{'size':>7} {'vendor':<9} {'JSON MB':>8} {'messages':>9} {'s':>6} {'msg/s':>8} "
          f"{'peak MB':>8} {'CPU s':>6} {'time':>6} {'msg/s':>6} {'peak':>6} "
          f"{'CPU':>6}")  # fmt: skip
    for size in sizes:
        source, _ = export_of(size, "cjk")
        for vendor in vendors:
            export = export_for(vendor, source)
            chatgpt: list[dict[str, Any]] = []
            theirs: list[dict[str, Any]] = []
            for _ in range(repeat):  # alternating, so that a slow spell hits each alike
                chatgpt.append(measure("service", source))
                theirs.append(measure("service", export))
            a, b = median_run(chatgpt), median_run(theirs)
            a["cpu_seconds"] = statistics.median(run["cpu_seconds"] for run in chatgpt)
            b["cpu_seconds"] = statistics.median(run["cpu_seconds"] for run in theirs)
            rate_a, rate_b = a["messages"] / a["seconds"], b["messages"] / b["seconds"]
            for name, run, rate, path in (
                ("chatgpt", a, rate_a, source),
                (vendor, b, rate_b, export),
            ):
                megabytes = sum(i.file_size for i in zipfile.ZipFile(path).infolist()) / 1e6
                ratios = (
                    f"{run['seconds'] / a['seconds']:>5.2f}x {rate / rate_a:>5.2f}x "
                    f"{run['peak_mb'] / a['peak_mb']:>5.2f}x "
                    f"{run['cpu_seconds'] / a['cpu_seconds']:>5.2f}x"
                    if name != "chatgpt" else ""
                )  # fmt: skip
                print(
                    f"{size:>5}MB {name:<9} {megabytes:>8.0f} {run['messages']:>9,} "
                    f"{run['seconds']:>6.2f} {rate:>8,.0f} {run['peak_mb']:>8.0f} "
                    f"{run['cpu_seconds']:>6.2f} {ratios}"
                )
            # Each vendor run over the ChatGPT run just before it: a slow spell that spans
            # a pair moves both, which the ratio of the two medians can miss.
            pairs = sorted(
                t["seconds"] / c["seconds"] for c, t in zip(chatgpt, theirs, strict=True)
            )
            print(
                f"{'':>7} {'':<9} time of each pair: {statistics.median(pairs):.2f}x median, "
                + ", ".join(f"{r:.2f}" for r in pairs)
            )


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


ROOT = Path(__file__).resolve().parents[1]


def measure(kind: str, export: Path, app_root: Path = ROOT) -> dict[str, Any]:
    """One run of `kind` in a process of its own, with the app found in `app_root` (its
    working folder, which the reading process inherits; this checkout's `bench` follows
    on the path, since a revision's folder holds its `desktop_importer` only)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "bench.import_speed", "--child", kind, str(export.resolve())],
        capture_output=True, text=True, check=True, cwd=app_root, env=env,
    )  # fmt: skip
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def revision_folder(revision: str) -> tuple[str, Path]:
    """(short commit, folder holding that commit's `desktop_importer`), extracted once."""
    commit = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--verify", f"{revision}^{{commit}}"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    folder = OUT / f"rev-{commit[:10]}"
    if not (folder / "desktop_importer").is_dir():
        folder.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", commit, "desktop_importer"],
            capture_output=True, check=True,
        ).stdout  # fmt: skip
        subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return commit[:10], folder


KINDS = ("cjk", "plain")


def export_of(size: int, kind: str) -> tuple[Path, dict[str, Any]]:
    """The export of `size` MB of that kind, and its facts (cached beside it): messages,
    the share of them holding CJK, the JSON's size."""
    export = OUT / (f"export-{size}mb.zip" if kind == "cjk" else f"export-{size}mb-{kind}.zip")
    facts_file = export.with_suffix(".facts.json")
    if not export.exists():
        generate(size, export, without_cjk=kind == "plain")
        facts_file.unlink(missing_ok=True)
    if not facts_file.exists():
        facts_file.write_text(json.dumps(export_facts(export)))
    facts: dict[str, Any] = json.loads(facts_file.read_text())
    return export, facts


def export_facts(export: Path) -> dict[str, Any]:
    from desktop_importer.basics.cjk import RUN

    with zipfile.ZipFile(export) as archive:
        body = archive.read("conversations.json")
    messages = with_cjk = 0
    for conv in orjson.loads(body):
        for node in conv["mapping"].values():
            if node.get("message"):
                messages += 1
                content = orjson.dumps(node["message"]["content"]).decode()
                with_cjk += RUN.search(content) is not None
    return {"messages": messages, "with_cjk": with_cjk, "json_bytes": len(body)}


def median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The run of median wall time, with the highest peak memory of all runs."""
    middle = dict(sorted(runs, key=lambda run: run["seconds"])[len(runs) // 2])
    middle["peak_mb"] = max(run["peak_mb"] for run in runs)
    middle["reader_mb"] = max(run.get("reader_mb", 0.0) for run in runs)
    middle["tree_pss_mb"] = max(run.get("tree_pss_mb", 0.0) for run in runs)
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
    parser.add_argument("--media", type=int, metavar="MB", help="media throughput (see above)")
    parser.add_argument("--kinds", nargs="+", choices=KINDS, default=list(KINDS))
    parser.add_argument(
        "--against", nargs="+", metavar="REV", help="also import with the app at each REV"
    )
    parser.add_argument("--batches", type=int, metavar="N", help="one ZIP against N batches")
    parser.add_argument(
        "--vendors",
        nargs="+",
        metavar="VENDOR",
        help="each vendor's export of the same conversations against ChatGPT's "
        "(deepseek grok lechat gemini)",
    )
    parser.add_argument("--child", nargs=2, metavar=("KIND", "EXPORT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]))
        return
    if args.media:
        measure_media(args.media, args.repeat)
        return
    if args.vendors:
        measure_vendors(args.sizes, args.vendors, args.repeat)
        return
    if args.batches:
        measure_batches(args.sizes, args.kinds, args.batches, args.repeat)
        return
    if args.unreadable:
        result = measure("service", unreadable_export(args.unreadable))
        print(
            f"{args.unreadable} MB of unreadable conversations: {result['seconds']:.1f} s, "
            f"peak RSS {result['peak_mb']:.0f} MB (of it reader {result['reader_mb']:.0f})"
        )
        return
    importers: dict[str, Path | None] = {"yardstick": None}
    for revision in args.against or []:
        commit, folder = revision_folder(revision)
        importers[f"at {commit}"] = folder
    importers["service"] = ROOT
    for root in importers.values():
        if root is not None:  # each side's bytecode on disk alike (PYTHONDONTWRITEBYTECODE)
            subprocess.run(
                [sys.executable, "-m", "compileall", "-q", str(root / "desktop_importer")],
                check=True,
            )
    header = ("size", "kind", "importer", "wall s", "ratio", "peak MB", "PSS MB", "archive MB")
    print("{:>7} {:<6} {:<16} {:>7} {:>6} {:>8} {:>7} {:>11}  /JSON  longest write".format(*header))
    for size in args.sizes:
        for kind in args.kinds:
            export, facts = export_of(size, kind)
            runs: dict[str, list[dict[str, Any]]] = {name: [] for name in importers}
            for _ in range(args.repeat):  # alternating, so that a slow spell hits each alike
                for name, root in importers.items():
                    runs[name].append(
                        measure("yardstick", export)
                        if root is None
                        else measure("service", export, root)
                    )
            base = median_run(runs["yardstick"])
            for name in importers:
                result = median_run(runs[name])
                archive = result["stored_bytes"] / 2**20
                per_json = result["stored_bytes"] / facts["json_bytes"]
                longest = f"{result['longest_write_ms']:,.0f} ms" if name != "yardstick" else "-"
                pss = f"{result['tree_pss_mb']:.0f}" if name != "yardstick" else "-"
                print(
                    f"{size:>5}MB {kind:<6} {name:<16} {result['seconds']:>7.2f} "
                    f"{result['seconds'] / base['seconds']:>5.2f}x {result['peak_mb']:>8.0f} "
                    f"{pss:>7} {archive:>11.1f} {per_json:>5.2f}x  {longest}"
                )
            share = facts["with_cjk"] / facts["messages"]
            print(
                f"{'':>7} {kind:<6} {facts['messages']:,} messages, {share:.0%} of them with CJK, "
                f"{facts['json_bytes'] / 2**20:,.1f} MB of JSON; "
                + ", ".join(f"{name} {median_run(r)['seconds']:.2f} s" for name, r in runs.items())
                + f" (median of {args.repeat}: "
                + "; ".join(
                    f"{name} " + "/".join(f"{r['seconds']:.2f}" for r in rs)
                    for name, rs in runs.items()
                )
                + ")"
            )


def measure_media(megabytes: int, repeat: int) -> None:
    with_media, without, total, distinct = media_export(megabytes)
    runs: dict[str, list[dict[str, Any]]] = {"extract": [], "media": [], "none": []}
    for _ in range(repeat):  # alternating, so that a slow spell hits each alike
        runs["extract"].append(measure("extract", with_media))
        runs["media"].append(measure("service", with_media))
        runs["none"].append(measure("service", without))
    extract_run, media_run, none_run = (median_run(runs[k]) for k in ("extract", "media", "none"))
    media_seconds = media_run["seconds"] - none_run["seconds"]
    ours, base = total / media_seconds / 2**20, total / extract_run["seconds"] / 2**20
    growth = media_run["stored_bytes"] - none_run["stored_bytes"]
    print(
        f"{total / 2**20:,.0f} MB of media ({distinct / 2**20:,.0f} MB distinct), "
        f"median of {repeat}"
    )
    print(f"zipfile + fsync: {extract_run['seconds']:.1f} s, {base:,.0f} MB/s")
    print(
        f"import with media {media_run['seconds']:.1f} s, without {none_run['seconds']:.1f} s: "
        f"media at {ours:,.0f} MB/s, {ours / base:.0%} of zipfile + fsync"
    )
    print(
        f"peak RSS with media {media_run['peak_mb']:.0f} MB (reader {media_run['reader_mb']:.0f}), "
        f"without {none_run['peak_mb']:.0f} MB"
    )
    print(
        f"archive growth {growth / 2**20:,.1f} MB for {distinct / 2**20:,.1f} MB distinct: "
        f"{growth / distinct - 1:+.2%}"
    )


if __name__ == "__main__":
    main()
