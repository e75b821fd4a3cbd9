"""Search speed on a realistic archive: imports N messages through the service into a fresh
data folder, then times searches of common, rare, prefix and multi-word queries.

    .venv/bin/python -m bench.search [--messages 100000]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

from desktop_importer.importing.service import open_app, start_import
from desktop_importer.library import search_archive

WORDS = [
    "the",
    "of",
    "and",
    "to",
    "in",
    "is",
    "that",
    "for",
    "it",
    "with",
    "as",
    "was",
    "on",
    "be",
    "at",
    "by",
    "this",
    "had",
    "not",
    "are",
    "but",
    "from",
    "or",
    "have",
    "an",
    "they",
    "which",
    "one",
    "you",
    "were",
    "her",
    "all",
    "she",
    "there",
    "would",
    "their",
    "we",
    "him",
    "been",
    "has",
    "when",
    "who",
    "will",
    "more",
    "no",
    "if",
    "out",
    "so",
    "said",
    "what",
    "up",
    "its",
    "about",
    "into",
    "than",
    "them",
    "can",
    "only",
    "other",
    "new",
    "some",
    "could",
    "time",
    "these",
    "two",
    "may",
    "then",
    "do",
    "first",
    "any",
    "my",
    "now",
    "such",
    "like",
    "our",
    "over",
    "man",
    "me",
    "even",
    "most",
    "made",
    "after",
    "also",
    "did",
    "many",
    "before",
    "must",
    "through",
    "back",
    "years",
    "where",
    "much",
    "your",
    "way",
    "well",
    "down",
    "python",
    "rust",
    "kubernetes",
    "sourdough",
    "bicycle",
    "thermodynamics",
    "violin",
    "gardening",
    "mortgage",
    "sonnet",
    "mitochondria",
    "cryptography",
    "espresso",
    "marathon",
    "origami",
    "telescope",
    "glacier",
    "saxophone",
    "quantum",
]


def sentence(rng: random.Random, length: int) -> str:
    # Zipf-like: early words of WORDS are far more common than late ones.
    return " ".join(
        WORDS[min(int(rng.paretovariate(1.1)) - 1, len(WORDS) - 1)] for _ in range(length)
    )


def build_export(path: Path, messages: int, per_conversation: int = 50) -> None:
    rng = random.Random(42)
    conversations: list[dict[str, Any]] = []
    for c in range(messages // per_conversation):
        mapping: dict[str, Any] = {
            "root": {"id": "root", "message": None, "parent": None, "children": []}
        }
        parent = "root"
        for m in range(per_conversation):
            node_id = f"c{c}-m{m}"
            text = sentence(rng, int(rng.lognormvariate(3.5, 1.0)) + 1)
            role = "user" if m % 2 == 0 else "assistant"
            mapping[node_id] = {
                "id": node_id,
                "parent": parent,
                "children": [],
                "message": {
                    "id": node_id,
                    "author": {"role": role},
                    "create_time": 1.7e9 + m,
                    "content": {"content_type": "text", "parts": [text]},
                    "recipient": "all",
                },
            }
            parent = node_id
        conversations.append(
            {
                "id": f"c{c}",
                "title": sentence(rng, 4),
                "create_time": 1.7e9,
                "update_time": 1.7e9 + c,
                "current_node": parent,
                "mapping": mapping,
            }
        )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("conversations.json", json.dumps(conversations))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        export = Path(folder) / "export.zip"
        build_export(export, args.messages)
        app = open_app(Path(folder) / "data")
        started = time.perf_counter()
        report = start_import(app, export)
        print(f"archive: {report.messages:,} messages in {report.conversations:,} conversations, "
              f"imported in {time.perf_counter() - started:.1f} s")  # fmt: skip
        print(f"{'query':<28}{'hits':>6}{'median ms':>12}{'worst ms':>10}")
        for query in ("the", "python", "quantum", "mito", "the python", "glacier saxophone", "zzz"):
            timings = []
            for _ in range(7):
                t0 = time.perf_counter()
                hits = search_archive(app, query)
                timings.append((time.perf_counter() - t0) * 1000)
            print(
                f"{query!r:<28}{len(hits):>6}{statistics.median(timings):>12.1f}{max(timings):>10.1f}"
            )
        app.close()


if __name__ == "__main__":
    main()
