"""Insights on a large archive (issue #28): each aggregate's time, the page's first paint
after it is opened, and the event loop's stalls while it computes.

    .venv/bin/python -m bench.insights [--mb 1000] [--repeat 9]

It uses the library benchmark's archive (bench/out/library-<mb>/, built by bench.library
on first use) and measures, warm (each figure read once before timing):

- each read the service makes (activity rows, counts, media, titles) and the whole
  `library.insights` call, p50 and worst of `--repeat` runs;
- `desktop-importer stats --json` in a new process, wall time;
- in the window (offscreen, 1200 x 800): the Insights button's click to the page painted
  with its figures, then to the words that stand out shown (they come after, on their
  own thread), and the 1 ms timer's lateness meanwhile (p99 and worst).

Budgets: every aggregate <= 200 ms; first paint <= 300 ms; no stall over 16 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench.library import StallMeter, archive, every, percentile


def timed(repeat: int, work: Callable[[], object]) -> tuple[float, float]:
    work()  # warm: the pages in SQLite's cache and the OS's
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), max(times)


def measure_service(folder: Path, repeat: int) -> None:
    from sqlalchemy.orm import Session

    from desktop_importer.importing.service import open_app
    from desktop_importer.library.insights import count_words, insights, shifts, topics
    from desktop_importer.store import insights as sql

    app = open_app(folder)
    profile = "default"
    with app.store.read() as session:
        uncounted = sql.uncounted_count(session, profile)
    if uncounted:  # the first Insights after an import or the upgrade counts the words
        started = time.perf_counter()
        steps: list[float] = []

        def step(_stage: str, _done: int) -> None:
            steps.append(time.perf_counter())

        count_words(app, profile, progress=step)
        took = time.perf_counter() - started
        longest = max(b - a for a, b in zip([started, *steps], steps, strict=False))
        print(f"words of {uncounted:,} conversations counted in {took:.1f} s, "
              f"{len(steps)} steps, the longest {longest * 1000:.0f} ms")  # fmt: skip

    def read(call: Callable[..., object]) -> Callable[[], object]:
        def run() -> object:
            with app.store.read() as session:
                return call(session)

        return run

    with app.store.read() as session:
        bounds = sql.quarter_bounds(session)
    assert bounds is not None, "the archive holds no activity"
    zone_shifts = shifts(*bounds, None)

    def loaded(vendor: str | None, then: Callable[[Session], object]) -> Callable[[], object]:
        def run() -> object:
            with app.store.read() as session:
                sql.load_visible(session, profile, vendor, zone_shifts)
                return then(session)

        return run

    print(f"archive: {folder}, {len(zone_shifts)} UTC offsets over its span")
    print(f"\n{'aggregate (service), warm':<34}{'p50 ms':>9}{'max ms':>9}")
    cases: list[tuple[str, Callable[[], object]]] = [
        ("the zone's offsets", lambda: shifts(*bounds, None)),
        ("visible activity loaded", loaded(None, lambda s: None)),
        ("loaded + every figure", loaded(None, lambda s: sql.figures(s, 10))),
        (
            "words sampled",
            read(lambda s: sql.sampled_terms(s, profile, None, zone_shifts, 100, 2000)),
        ),
        ("media totals", read(lambda s: sql.media(s, profile))),
        ("library.insights, every vendor", lambda: insights(app, profile)),
        ("library.insights, one vendor", lambda: insights(app, profile, vendor="chatgpt")),
        ("library.topics, every vendor", lambda: topics(app, profile, uncounted=False)),
    ]
    for name, work in cases:
        p50, worst = timed(repeat, work)
        print(f"{name:<34}{p50:>9.1f}{worst:>9.1f}")
    app.close()
    cli = str(Path(sys.executable).with_name("desktop-importer"))
    environ = {**os.environ, "DESKTOP_IMPORTER_DATA_DIR": str(folder)}
    walls = []
    for _ in range(3):
        started = time.perf_counter()
        subprocess.run([cli, "stats", "--json"], env=environ, capture_output=True, check=True)
        walls.append((time.perf_counter() - started) * 1000)
    print(f"{'stats --json (new process)':<34}{statistics.median(walls):>9.0f}{max(walls):>9.0f}")


def measure_window(folder: Path, repeat: int) -> None:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from desktop_importer.basics.startup import freeze_startup_objects
    from desktop_importer.gui.main_window import ImportWindow
    from desktop_importer.importing.service import open_app

    qt = QApplication.instance() or QApplication([])
    app = open_app(folder)
    settings = QSettings(str(folder.parent / "insights.ini"), QSettings.Format.IniFormat)
    window = ImportWindow(app, "default", settings)
    window.resize(1200, 800)
    window.show()
    qt.processEvents()
    freeze_startup_objects()  # as the app does once its window is up
    library = window.library
    page = library.insights_page
    meter = StallMeter()
    paints: list[float] = []
    words: list[float] = []
    stalls: list[float] = []
    for run in range(repeat + 1):
        library.open(library.list_model.rows[0].conversation_id)  # away from Insights
        qt.processEvents()
        done: list[float] = []
        page.loaded.connect(lambda done=done: done.append(time.perf_counter()))
        meter.start()
        started = time.perf_counter()
        library.kept_nav.insights.click()

        def waiting(done: list[float] = done) -> bool:
            return not done

        every(1, waiting)
        window.repaint()  # the page's first paint with its figures
        painted = time.perf_counter()
        page.loaded.disconnect()

        def counting() -> bool:  # the words that stand out come after, on their own
            return page.words_job is not None or page.job is not None

        every(1, counting)
        window.repaint()
        worded = time.perf_counter()
        meter.stop()
        if run:  # the first is the warm-up
            paints.append((painted - started) * 1000)
            words.append((worded - started) * 1000)
            stalls += meter.take()
        else:
            meter.take()
    print(f"\n{'window':<34}{'p50 ms':>9}{'max ms':>9}")
    middle = statistics.median(paints)
    print(f"{'Insights clicked to painted':<34}{middle:>9.1f}{max(paints):>9.1f}")
    print(f"{'... to the words shown':<34}{statistics.median(words):>9.1f}{max(words):>9.1f}")
    print(f"{'event-loop stall, click to words':<34}{percentile(stalls, 0.99):>9.1f}"
          f"{max(stalls):>9.1f}  (p99, worst; {len(stalls):,} ticks)")  # fmt: skip
    window.close()
    app.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args()
    folder = archive(args.mb)
    measure_service(folder, args.repeat)
    measure_window(folder, args.repeat)


if __name__ == "__main__":
    main()
