"""Find in this conversation, on the 2,000-message conversation of the library benchmark:
the time from asking to the match painted on screen, for the find itself (the archive asked
which messages hold the words, the reader at the first match), for a jump back round to
the last match (deep down, not built yet) and for jumps to matches anywhere.

    .venv/bin/python -m bench.find_jump [--mb 100] [--jumps 40]

Budget (issue #22): a jump paints in 100 ms or less.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from collections import Counter

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench.library import long_conversation_window, percentile


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=int, default=100, help="the library export's size")
    parser.add_argument("--jumps", type=int, default=40, help="jumps to random matches")
    args = parser.parse_args()

    from desktop_importer import library
    from desktop_importer.basics.startup import freeze_startup_objects

    qt, app, window, long_id, messages = long_conversation_window(args.mb, "find_jump")
    view = window.library

    def painted() -> float:
        """Let the jump's posted work and the scroll run, then paint; ms since `started`."""
        for _ in range(3):
            qt.processEvents()
        window.repaint()
        return (time.perf_counter() - started) * 1000

    # Words of the last messages that are rare in the conversation: their matches lie far
    # below what is built when it opens.
    counts = Counter(
        w.lower() for m in messages for b in m.blocks for w in library.words_of(b.text)
    )
    late = [w.lower() for m in messages[-5:] for b in m.blocks for w in library.words_of(b.text)]
    rare = sorted({w for w in late if len(w) > 3 and counts[w] <= 8}, key=counts.__getitem__)
    common = max((w for w in counts if len(w) > 3 and w.isalpha()), key=counts.__getitem__)
    print(f"{len(messages):,} messages; rare words {rare[:3]}, a common one {common!r}")
    del counts, late, messages
    # The benchmark's own word counts are garbage the app would not have: collected now, a
    # full collection of them stalled a find by 100-350 ms (gc callbacks showed it).
    freeze_startup_objects()

    finds, wraps = [], []
    for word in rare[:10]:
        view.open(long_id)
        for _ in range(20):
            qt.processEvents()
        view.open_find()
        view.find_bar.field.setText(word)
        view.find_bar.debounce.stop()
        started = time.perf_counter()
        view._find(word)
        finds.append(painted())
        started = time.perf_counter()
        view.find_step(-1)  # round to the last match
        wraps.append(painted())

    view.open(long_id)
    view.open_find()
    view.find_bar.field.setText(common)
    view.find_bar.debounce.stop()
    view._find(common)
    painted()
    total = len(view._found)
    rng = random.Random(22)
    jumps = []
    for _ in range(args.jumps):
        view._found_at = rng.randrange(total)
        started = time.perf_counter()
        view.find_step(1)
        jumps.append(painted())

    def line(name: str, times: list[float]) -> str:
        return (
            f"{name}: median {statistics.median(times):.0f}, p95 {percentile(times, 0.95):.0f}, "
            f"max {max(times):.0f} ms over {len(times)}"
        )

    print("finds, in order (ms):", " ".join(f"{t:.0f}" for t in finds))
    print(line("find, to the first match painted", finds))
    print(line("back round to the last match (not built)", wraps))
    print(line(f"jumps to random matches of {common!r} ({total:,} matches)", jumps))
    window.close()
    app.close()


if __name__ == "__main__":
    main()
