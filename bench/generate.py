"""A generator of realistic ChatGPT exports for the benchmarks: branches (regenerations and
edits), every content type, heavy-tailed text lengths up to hundreds of KB, many scripts
and emoji. Deterministic for a given size; written as a ZIP like the real thing.

    .venv/bin/python -m bench.generate 100 bench/out/export-100mb.zip
"""

from __future__ import annotations

import argparse
import json
import random
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


class LibraryText:
    """Text for the library benchmark (issue #13): words drawn from a Zipf distribution over
    a vocabulary of 60,000 (so there are truly common and truly rare words), with one
    message in twenty written in Chinese or Japanese without spaces."""

    VOCABULARY = 60_000
    CJK = (
        "学习机器模型数据我们讨论了问题方法系统时间工作世界国家社会发展经济文化生活"
        "研究技术教育历史语言音乐电影旅行天气朋友家庭健康运动城市自然科学艺术今日"
        "東京日本語勉強会議資料説明確認予定変更開始終了成功失敗理由結果報告連絡相談"
    )

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.words = [zipf_word(rank) for rank in range(self.VOCABULARY)]
        weights = [1.0 / (rank + 1) for rank in range(self.VOCABULARY)]
        total, running = sum(weights), 0.0
        self.cumulative = []
        for weight in weights:
            running += weight / total
            self.cumulative.append(running)

    def __call__(self, rng: random.Random) -> str:
        count = min(int(rng.paretovariate(1.2) * 12), 60_000)
        if rng.random() < 0.05:
            return "".join(rng.choice(self.CJK) for _ in range(max(4, count * 2)))
        return " ".join(rng.choices(self.words, cum_weights=self.cumulative, k=max(1, count)))


def zipf_word(rank: int) -> str:
    """The word of a Zipf rank: the most common ones are real words, the rest made up but
    pronounceable (stable across runs, so the benchmark can name them)."""
    if rank < len(WORDS) - 20:
        return WORDS[rank]
    syllables = ("ka", "lo", "mi", "ren", "sta", "vo", "qui", "tem", "bar", "nes", "dor", "pli")
    word, n = "", rank
    while True:
        word += syllables[n % len(syllables)]
        n //= len(syllables)
        if n == 0:
            return word


def long_conversation(
    rng: random.Random, index: int, make_text: Any, messages: int
) -> dict[str, Any]:
    """A linear conversation of `messages` turns (the reader must open it quickly)."""
    mapping: dict[str, Any] = {
        "root": {"id": "root", "message": None, "parent": None, "children": []}
    }
    parent, t = "root", 1.7e9 + index * 600
    for n in range(messages):
        role = ("user", "assistant")[n % 2]
        node = f"{index}-{n}"
        mapping[node] = {
            "id": node,
            "parent": parent,
            "children": [],
            "message": {
                "id": node,
                "author": {"role": role, "name": None, "metadata": {}},
                "create_time": t + n,
                "content": {"content_type": "text", "parts": [make_text(rng)]},
                "status": "finished_successfully",
                "recipient": "all",
                "metadata": {},
            },
        }
        mapping[parent]["children"].append(node)
        parent = node
    return {
        "title": f"Long conversation {index}",
        "create_time": t,
        "update_time": t + messages,
        "mapping": mapping,
        "current_node": parent,
        "conversation_id": f"conv-{index:08d}",
        "id": f"conv-{index:08d}",
    }


LONG_CONVERSATION = 7  # the index of the 2,000-message conversation in a library export
BIG_PASTE = 11  # the index of the conversation with a 5 MB paste


def latin(rng: random.Random) -> str:
    """text() without its CJK words: an export without CJK (issue #13 compares import time
    and archive size on one)."""
    words = min(int(rng.paretovariate(1.2) * 12), 60_000)
    return " ".join(rng.choice(LATIN_WORDS) for _ in range(words))


LATIN_WORDS = [w for w in WORDS if not any("\u3040" <= c <= "\ud7af" for c in w)]


def generate(
    megabytes: int, path: Path, *, library: bool = False, without_cjk: bool = False
) -> int:
    """Write an export whose conversations.json is about `megabytes` MB; returns messages.
    `library` adds what the library benchmark needs: Zipf-distributed words, CJK text
    without spaces, a 2,000-message conversation and a 5 MB paste."""
    rng = random.Random(megabytes)
    global text
    plain_text = text
    if library:
        text = LibraryText(random.Random(megabytes))  # content() and conversation() use it
    elif without_cjk:
        text = latin
    target, written, messages, index = megabytes * 10**6, 0, 0, 0
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("user.json", json.dumps({"id": "user-bench"}))
        with archive.open("conversations.json", "w", force_zip64=True) as out:
            out.write(b"[")
            while written < target:
                if library and index == LONG_CONVERSATION:
                    conv = long_conversation(rng, index, text, 2000)
                elif library and index == BIG_PASTE:
                    conv = long_conversation(rng, index, text, 2)
                    first = conv["mapping"][f"{index}-0"]["message"]["content"]
                    first["parts"] = [
                        ("2026-11-30 12:00:00 INFO request served in 12 ms\n" * 110_000)
                    ]
                else:
                    conv = conversation(rng, index)
                data = json.dumps(conv, ensure_ascii=False).encode()
                out.write((b"," if index else b"") + data)
                written += len(data) + 1
                messages += len(conv["mapping"]) - 1
                index += 1
            out.write(b"]")
    text = plain_text
    return messages


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.generate",
        description="Write a synthetic ChatGPT export of about MEGABYTES MB of conversations.",
    )
    parser.add_argument("megabytes", type=int, help="size of conversations.json, in MB")
    parser.add_argument("path", type=Path, help="the ZIP to write")
    parser.add_argument(
        "--library", action="store_true", help="add what the library benchmark needs"
    )
    parser.add_argument("--without-cjk", action="store_true", help="Latin-script text only")
    args = parser.parse_args(argv)
    written = generate(
        args.megabytes, args.path, library=args.library, without_cjk=args.without_cjk
    )
    print(written, "messages")


if __name__ == "__main__":
    main()
