"""The library's speed on a large archive (issue #13): search, the window's response to a
keystroke, event-loop stalls, opening long conversations, cold start and memory.

    .venv/bin/python -m bench.library [--mb 1000]

It generates a library export (bench/generate.py --library: Zipf-distributed words, CJK
text without spaces, a 2,000-message conversation, a 5 MB paste), imports it once into
bench/out/library-<mb>/ (kept for the next run), then measures:

- the service's search call for five classes of query (a common word, two common words,
  a prefix, a rare word, a CJK word), 40 queries each: p50, p95, worst;
- a keystroke to results painted in the window (the debounce not counted);
- the event loop's stalls (a 1 ms timer's lateness) while typing, scrolling the whole
  list and switching conversations;
- opening the 2,000-message conversation and the 5 MB paste, to first paint;
- a cold start (a new process) to the list painted;
- the window's RSS after opening 200 conversations.

Budgets: search p95 <= 30 ms each class; keystroke p95 <= 100 ms; p99 stall <= 16 ms; open
<= 150 ms; cold start <= 1.0 s; RSS <= 300 MB. Linux (RSS from /proc).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench.generate import BIG_PASTE, LONG_CONVERSATION, WORDS, LibraryText, generate, zipf_word

OUT = Path(__file__).parent / "out"
TICK_MS = 1


def archive(megabytes: int) -> Path:
    """The data folder of an imported library export (built once, then reused)."""
    from desktop_importer.importing.service import open_app, start_import

    folder = OUT / f"library-{megabytes}"
    done = folder / "imported"
    if done.exists():
        return folder
    export = OUT / f"export-{megabytes}mb-library.zip"
    if not export.exists():
        started = time.perf_counter()
        generate(megabytes, export, library=True)
        print(f"generated {export.name} in {time.perf_counter() - started:.0f} s", flush=True)
    started = time.perf_counter()
    app = open_app(folder)
    report = start_import(app, export)
    app.close()
    print(
        f"imported {report.conversations:,} conversations, {report.messages:,} messages in "
        f"{time.perf_counter() - started:.0f} s",
        flush=True,
    )
    done.touch()
    return folder


def long_conversation_window(megabytes: int, name: str) -> tuple[Any, Any, Any, str, list[Any]]:
    """The window over the library archive of `megabytes`, shown at 1200 x 800 with the
    start-up objects frozen as the app does: (Qt application, App, window, the 2,000-message
    conversation's id, its messages as the reader reads them)."""
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from desktop_importer import library
    from desktop_importer.basics.startup import freeze_startup_objects
    from desktop_importer.gui.main_window import ImportWindow
    from desktop_importer.importing.service import open_app

    folder = archive(megabytes)
    qt = QApplication.instance() or QApplication([])
    app = open_app(folder)
    long_id = f"conv-{LONG_CONVERSATION:08d}"
    messages = library.read_conversation(app, "default", long_id).messages
    settings = QSettings(str(folder.parent / f"{name}.ini"), QSettings.Format.IniFormat)
    window = ImportWindow(app, "default", settings)
    window.resize(1200, 800)
    window.show()
    qt.processEvents()
    freeze_startup_objects()
    return qt, app, window, long_id, messages


def queries(rng: random.Random) -> dict[str, list[str]]:
    common = [w for w in WORDS[:12] if w.isalpha()]
    longer = [w for w in WORDS[:60] if len(w) >= 4 and w.isascii() and w.isalpha()]
    return {
        "common word": [rng.choice(common) for _ in range(40)],
        "two common words": [f"{rng.choice(common)} {rng.choice(common)}" for _ in range(40)],
        "prefix": [rng.choice(longer)[:3] for _ in range(40)],
        "rare word": [zipf_word(rng.randrange(40_000, 60_000)) for _ in range(40)],
        "CJK word": [
            "".join(rng.sample(LibraryText.CJK, 2)) if i % 2 else "学习" for i in range(40)
        ],
    }


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


class StallMeter:
    """How late a `tick_ms` timer fires while the event loop runs: each lateness a stall.
    `take()` hands over what was measured since the last take."""

    def __init__(self, tick_ms: int = TICK_MS) -> None:
        from PySide6.QtCore import QTimer

        self.tick_ms = tick_ms
        self.late: list[float] = []
        self._last = time.perf_counter()
        self.timer = QTimer()
        self.timer.setInterval(tick_ms)
        self.timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        now = time.perf_counter()
        self.late.append(max(0.0, (now - self._last) * 1000 - self.tick_ms))
        self._last = now

    def start(self) -> None:
        self._last = time.perf_counter()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def take(self) -> list[float]:
        taken, self.late = self.late, []
        return taken


def every(ms: int, step: Callable[[], bool]) -> None:
    """Run the event loop (exec, as the app does: Qt's glib loop orders timers and posted
    events differently under processEvents), calling `step` every `ms` until it returns
    False."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()

    def tick() -> None:
        if not step():
            loop.quit()

    driver = QTimer()
    driver.setInterval(ms)
    driver.timeout.connect(tick)
    driver.start()
    loop.exec()
    driver.stop()


def measure_search(folder: Path) -> None:
    from desktop_importer import library
    from desktop_importer.basics.startup import freeze_startup_objects
    from desktop_importer.importing.service import open_app

    app = open_app(folder)
    freeze_startup_objects()  # as the processes that search do: the window, the MCP server
    print(f"\n{'search (service)':<22}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'found':>8}")
    for kind, typed in queries(random.Random(13)).items():
        times, found = [], 0
        for words in typed:
            started = time.perf_counter()
            results = library.search(app, "default", words)
            times.append((time.perf_counter() - started) * 1000)
            found += bool(results)
        print(
            f"{kind:<22}{statistics.median(times):>9.1f}{percentile(times, 0.95):>9.1f}"
            f"{max(times):>9.1f}{found:>5}/{len(typed)}"
        )
    app.close()


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def measure_window(folder: Path) -> None:
    from PySide6.QtCore import QCoreApplication, QEvent, QSettings, Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from desktop_importer.basics.startup import freeze_startup_objects
    from desktop_importer.gui.main_window import ImportWindow
    from desktop_importer.importing.service import open_app

    qt = QApplication.instance() or QApplication([])
    app = open_app(folder, recover=False)
    window = ImportWindow(
        app, "default", QSettings(str(folder / "bench.ini"), QSettings.Format.IniFormat)
    )
    window.resize(1200, 800)
    window.show()
    qt.processEvents()
    freeze_startup_objects()  # as gui/app.py does once the window is up
    view = window.library
    meter = StallMeter()

    def settle() -> None:
        """Run the event loop for 20 ms, deferred deletions included (as exec() would)."""
        deadline = time.perf_counter() + 0.02
        while time.perf_counter() < deadline:
            qt.processEvents()
            QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)

    # A keystroke to results painted (the debounce not counted), while the meter runs.
    meter.start()
    keystrokes = []
    for words in ("the", "python", "sourdough star", "kal", "学习", "bicycle mortgage", "violin"):
        for end in range(1, len(words) + 1):
            view.search.setText(words[:end])
            started = time.perf_counter()
            view.run_search()  # off the GUI thread: wait for its results, then paint
            while view._shown_query != words[:end].strip():
                qt.processEvents()
            view.list.viewport().repaint()
            keystrokes.append((time.perf_counter() - started) * 1000)
            settle()
    typing = meter.take()
    # Scrolling the whole list, a page fetched whenever the end comes near.
    view.search.clear()
    view.run_search()
    qt.processEvents()
    bar = view.list.verticalScrollBar()
    started = time.perf_counter()
    while True:
        bar.setValue(bar.maximum())
        settle()
        if not view.list_model.canFetchMore(view.list.rootIndex()) and bar.value() == bar.maximum():
            break
    scrolled = time.perf_counter() - started
    scrolling = meter.take()
    # Switching conversations as a user does, with the arrow key in the list, the event loop
    # painting what changed (a forced repaint of the whole window would add 6 ms that the
    # window never spends); then memory after opening 200.
    rows = view.list_model.rows
    view.list.setFocus()
    view.list.setCurrentIndex(view.list.model().index(0, 0))
    settle()
    meter.take()
    for _ in range(200):
        QTest.keyClick(view.list, Qt.Key.Key_Down)
        settle()
    switching = meter.take()
    meter.stop()
    rss = rss_mb()
    # Opening a conversation to its first paint, forced (not metered).
    opens = []
    for row in rows[:200]:
        if row.message_count > 400:
            continue
        started = time.perf_counter()
        view.open(row.conversation_id)
        qt.processEvents()
        window.repaint()
        opens.append((time.perf_counter() - started) * 1000)
        settle()
    # Opening the long ones to first paint.
    firsts = {}
    for name, index in (("2,000 messages", LONG_CONVERSATION), ("5 MB paste", BIG_PASTE)):
        started = time.perf_counter()
        view.open(f"conv-{index:08d}")
        qt.processEvents()
        window.repaint()
        firsts[name] = (time.perf_counter() - started) * 1000
    print(f"\n{'window':<40}{'p50':>8}{'p95':>8}{'p99':>8}{'max':>8}")
    for label, values in (
        ("keystroke to results painted, ms", keystrokes),
        ("stall while typing, ms", typing),
        (f"stall while scrolling {len(rows):,} rows, ms", scrolling),
        ("stall while switching conversations, ms", switching),
        ("opening a conversation, ms", opens),
    ):
        print(
            f"{label:<40}{statistics.median(values):>8.1f}{percentile(values, 0.95):>8.1f}"
            f"{percentile(values, 0.99):>8.1f}{max(values):>8.1f}"
        )
    print(f"scrolled the whole list in {scrolled:.1f} s")
    for name, ms in firsts.items():
        print(f"open the {name} to first paint: {ms:.0f} ms")
    print(f"RSS after opening 200 conversations: {rss:.0f} MB")
    window.close()
    app.close()


def cold_start(folder: Path) -> None:
    # As an installed app starts: with its modules' bytecode cached (this machine's shell
    # sets PYTHONDONTWRITEBYTECODE, which had every start compile 54 modules: 85 ms).
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    command = [sys.executable, "-m", "bench.library", "--cold-child", str(folder)]
    subprocess.run(command, capture_output=True, check=True, env=env)  # caches it
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=True, env=env)
    total = time.perf_counter() - started
    print(f"\ncold start to the list painted: {total * 1000:.0f} ms ({done.stdout.strip()})")


def cold_child(folder: Path) -> None:
    """A new process, as `desktop-importer` starts: Qt, the archive, the window, painted.
    The window's modules first, as the app imports them (desktop_importer.gui before
    PySide6: see its docstring)."""
    # isort: off
    from desktop_importer.gui.main_window import ImportWindow
    from desktop_importer.importing.service import open_app
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    # isort: on

    qt = QApplication([])
    app = open_app(folder, recover=False)
    window = ImportWindow(
        app, "default", QSettings(str(folder / "cold.ini"), QSettings.Format.IniFormat)
    )
    window.show()
    qt.processEvents()
    window.library.list.viewport().repaint()
    print(f"{window.library.list_model.rowCount()} rows painted")
    app.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=int, default=1000)
    parser.add_argument(
        "--only",
        choices=("search", "cold", "window"),
        action="append",
        help="measure only this part (repeatable); all three by default",
    )
    parser.add_argument("--cold-child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.cold_child:
        cold_child(args.cold_child)
        return
    folder = archive(args.mb)
    parts = args.only or ["search", "cold", "window"]
    if "search" in parts:
        measure_search(folder)
    if "cold" in parts:
        cold_start(folder)
    if "window" in parts:
        measure_window(folder)


if __name__ == "__main__":
    main()
