"""How responsive the window stays while it imports: a 100 MB export is imported through
the real window (offscreen) while a 5 ms timer records how late the event loop runs; then
a second import is cancelled at 30 % and the time until the window reports it is measured.

    .venv/bin/python -m bench.gui_stall [--mb 100]

Targets (issue #4): p99 stall under 50 ms, worst under 200 ms, cancel under one second.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, QSettings, QTimer
from PySide6.QtWidgets import QApplication

from bench.library import StallMeter
from bench.search import build_export
from desktop_importer.gui.main_window import ImportWindow
from desktop_importer.gui.smoke import wait_for_end
from desktop_importer.importing.service import open_app

TICK_MS = 5
MESSAGES_PER_MB = 2_275  # what build_export writes, measured


def fresh_window(folder: Path, name: str) -> ImportWindow:
    os.environ["DESKTOP_IMPORTER_DATA_DIR"] = str(folder / name)
    app = open_app(folder / name)
    settings = QSettings(str(folder / f"{name}.ini"), QSettings.Format.IniFormat)
    window = ImportWindow(app, "default", settings)
    window.show()
    return window


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mb", type=int, default=100, help="size of conversations.json")
    args = parser.parse_args()
    qt = QApplication([])
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        export = folder / "export.zip"
        build_export(export, args.mb * MESSAGES_PER_MB)
        window = fresh_window(folder, "full")
        meter = StallMeter(TICK_MS)
        meter.start()
        started = time.perf_counter()
        outcome = wait_for_end(window, 600_000, lambda: window.start_file(export))
        seconds = time.perf_counter() - started
        meter.stop()
        stalls = meter.take()
        p99 = statistics.quantiles(stalls, n=100)[98]

        cancelling = fresh_window(folder, "cancel")
        cancelling.start_file(export)
        loop = QEventLoop()
        probe = QTimer()
        probe.setInterval(10)

        def at_thirty_percent() -> None:
            if cancelling.progress.bar.value() >= 300:
                loop.quit()

        probe.timeout.connect(at_thirty_percent)
        probe.start()
        loop.exec()
        probe.stop()
        asked = time.perf_counter()
        cancel_outcome = wait_for_end(cancelling, 60_000, cancelling.progress.cancel.click)
        cancel_ms = (time.perf_counter() - asked) * 1000
        size_mb = export.stat().st_size / 1e6

        print(f"export: {args.mb} MB of conversations.json ({size_mb:.0f} MB zipped)")
        print(f"import through the window: {outcome} in {seconds:.1f} s, {len(stalls):,} ticks")
        print(
            f"event-loop stall: median {statistics.median(stalls):.1f} ms, "
            f"p99 {p99:.1f} ms (target < 50), worst {max(stalls):.1f} ms (target < 200)"
        )
        print(f"cancel at 30 %: {cancel_outcome} after {cancel_ms:.0f} ms (target < 1000)")
        for w in (window, cancelling):
            w.close()
            w.app.close()
    del qt


if __name__ == "__main__":
    main()
