"""A generator of realistic ChatGPT exports for the benchmarks: branches (regenerations and
edits), every content type, heavy-tailed text lengths up to hundreds of KB, many scripts
and emoji. Deterministic for a given size; written as a ZIP like the real thing.

    .venv/bin/python -m bench.generate 100 bench/out/export-100mb.zip
"""

from __future__ import annotations

import json
import random
import sys
import zipfile
from pathlib import Path
from typing import Any

WORDS = (
    "the of and to in is that for it with as on be at by this not are from or have an "
    "which you were all there would their when who will more if out so what about into "
    "python rust kubernetes sourdough bicycle thermodynamics violin gardening mortgage "
    "Grüße naïve café Straße привет мир γεια σου 你好 世界 こんにちは 안녕하세요 مرحبا שלום "
    "नमस्ते 🙂 🚀 ✓ — …"
).split()
CODE = "def f(x):\n    return {k: v for k, v in x.items() if v}\n"


def text(rng: random.Random) -> str:
    # Heavy tail: most messages are a few sentences, a few are pasted logs of 100+ KB.
    words = min(int(rng.paretovariate(1.2) * 12), 60_000)
    return " ".join(rng.choice(WORDS) for _ in range(words))


def content(rng: random.Random, role: str) -> tuple[dict[str, Any], str]:
    """A message content of a realistic type for `role`, and the recipient."""
    roll = rng.random()
    if role == "user":
        if roll < 0.05:
            part = {
                "content_type": "image_asset_pointer",
                "asset_pointer": f"sediment://file_{rng.getrandbits(64):x}",
                "size_bytes": 123456,
                "width": 800,
                "height": 600,
            }
            return {"content_type": "multimodal_text", "parts": [part, text(rng)]}, "all"
        return {"content_type": "text", "parts": [text(rng)]}, "all"
    if role == "tool":
        kinds = [
            {"content_type": "execution_output", "text": text(rng)},
            {
                "content_type": "tether_quote",
                "url": "https://example.org/a",
                "domain": "example.org",
                "text": text(rng),
                "title": "A page",
            },
            {
                "content_type": "sonic_webpage",
                "url": "https://example.org/b",
                "title": "B",
                "text": text(rng),
                "snippet": "…",
            },
            {
                "content_type": "tether_browsing_display",
                "result": text(rng),
                "summary": "Searching",
            },
            {"content_type": "system_error", "name": "tool_error", "text": "timed out"},
        ]
        return rng.choice(kinds), "all"
    if roll < 0.06:
        return {
            "content_type": "code",
            "language": "python",
            "text": CODE * rng.randint(1, 20),
        }, "python"
    if roll < 0.10:
        return {
            "content_type": "thoughts",
            "thoughts": [{"summary": "Thinking", "content": text(rng)}],
        }, "all"
    if roll < 0.12:
        return {"content_type": "reasoning_recap", "content": "Thought for 7 seconds"}, "all"
    return {"content_type": "text", "parts": [text(rng)]}, "all"


def conversation(rng: random.Random, index: int) -> dict[str, Any]:
    mapping: dict[str, Any] = {
        "root": {"id": "root", "message": None, "parent": None, "children": []}
    }
    parent, turns, t = "root", max(2, int(rng.paretovariate(1.3) * 6)), 1.7e9 + index * 600
    leaf = "root"
    for n in range(min(turns, 400)):
        role = ("user", "assistant")[n % 2] if rng.random() > 0.08 else "tool"
        node = f"{index}-{n}"
        body, recipient = content(rng, role)
        mapping[node] = {
            "id": node,
            "parent": parent,
            "children": [],
            "message": {
                "id": node,
                "author": {
                    "role": role,
                    "name": "python" if role == "tool" else None,
                    "metadata": {},
                },
                "create_time": t + n,
                "update_time": None,
                "content": body,
                "status": "finished_successfully",
                "end_turn": True,
                "weight": 1.0,
                "metadata": {"model_slug": "gpt-4o", "finish_details": {"type": "stop"}},
                "recipient": recipient,
            },
        }
        mapping[parent]["children"].append(node)
        if role == "assistant" and rng.random() < 0.1:  # a regeneration: a sibling branch
            sibling = f"{node}-regen"
            mapping[sibling] = {**mapping[node], "id": sibling, "children": []}
            mapping[sibling]["message"] = {**mapping[node]["message"], "id": sibling}
            mapping[parent]["children"].append(sibling)
        parent = leaf = node
    return {
        "title": text(rng)[:60] or "Untitled",
        "create_time": t,
        "update_time": t + turns,
        "mapping": mapping,
        "moderation_results": [],
        "current_node": leaf,
        "plugin_ids": None,
        "conversation_id": f"conv-{index:08d}",
        "default_model_slug": "gpt-4o",
        "is_archived": False,
        "id": f"conv-{index:08d}",
    }


def generate(megabytes: int, path: Path) -> int:
    """Write an export whose conversations.json is about `megabytes` MB; returns messages."""
    rng = random.Random(megabytes)
    target, written, messages, index = megabytes * 10**6, 0, 0, 0
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("user.json", json.dumps({"id": "user-bench"}))
        with archive.open("conversations.json", "w", force_zip64=True) as out:
            out.write(b"[")
            while written < target:
                conv = conversation(rng, index)
                data = json.dumps(conv, ensure_ascii=False).encode()
                out.write((b"," if index else b"") + data)
                written += len(data) + 1
                messages += len(conv["mapping"]) - 1
                index += 1
            out.write(b"]")
    return messages


if __name__ == "__main__":
    print(generate(int(sys.argv[1]), Path(sys.argv[2])), "messages")
