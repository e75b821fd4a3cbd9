"""The reader on the 2,000-message conversation of the library benchmark: a search hit
opened at several depths (time to first paint), then scrolling up from a deep hit (which
builds the messages above it) against scrolling down from the top (which builds those
below), half a screen every 30 ms, the window's own event loop running.

    .venv/bin/python -m bench.reader_scroll [--mb 1000] [--steps 150]

Budgets (issue #13): first paint within 150 ms; no stall over 16 ms at p99.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Iterator

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench.library import StallMeter, every, long_conversation_window, percentile

DEPTHS = (10, 1000, 1995)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=int, default=1000)
    parser.add_argument("--steps", type=int, default=150)
    args = parser.parse_args()

    qt, app, window, long_id, messages = long_conversation_window(args.mb, "reader_scroll")
    reader = window.library.reader
    bar = reader.verticalScrollBar()

    def settle() -> None:
        for _ in range(20):
            qt.processEvents()

    print(f"{len(messages):,} messages")
    for depth in DEPTHS:
        window.library.open("conv-00000001")
        settle()
        started = time.perf_counter()
        window.library.open(long_id, focus=messages[depth].node_id)
        qt.processEvents()
        window.repaint()
        took = (time.perf_counter() - started) * 1000
        print(f"open at the hit on message {depth:,}: {took:.0f} ms")

    meter = StallMeter()
    for direction, focus in (("up from message 1,995", messages[1995].node_id), ("down", None)):
        window.library.open("conv-00000001")
        settle()
        meter.start()
        window.library.open(long_id, focus=focus)
        settle()
        meter.take()  # the open itself is measured above
        steps = iter(range(args.steps))
        sign = -1 if focus else 1

        def step(sign: int = sign, steps: Iterator[int] = steps) -> bool:
            if next(steps, None) is None:
                return False
            bar.setValue(bar.value() + sign * (reader.viewport().height() // 2))
            return True

        every(30, step)
        late = meter.take()
        meter.stop()
        print(
            f"scrolling {direction}, {args.steps} half screens ({len(reader.widgets)} built): "
            f"stall p50 {statistics.median(late):.1f}, p99 {percentile(late, 0.99):.1f}, "
            f"max {max(late):.1f} ms over {len(late):,} ticks"
        )
    window.close()
    app.close()


if __name__ == "__main__":
    main()
