"""The benchmark's ChatGPT export (bench/generate.py) written again as each other vendor
exports it: the same conversations, the same words (CJK included), the same branches where
the vendor has them, in that vendor's files (../shared/EXPORT_FORMATS.md). Cached beside the
source in bench/out/.

    .venv/bin/python -m bench.vendor_exports 100      # writes bench/out/export-100mb-<vendor>.zip
"""

from __future__ import annotations

import argparse
import html
import json
import random
import uuid
import zipfile
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

VENDORS = ("deepseek", "grok", "lechat", "gemini", "gemini-json")
ROOT = "ttl/30d/export_data/5f0c7e2a-1111-4222-8333-944445555666/"
GEMINI = "Takeout/My Activity/Gemini Apps/"


def _text(message: dict[str, Any]) -> str:
    content = message.get("content") or {}
    parts = content.get("parts")
    if isinstance(parts, list):
        return "\n".join(p for p in parts if isinstance(p, str))
    if isinstance(content.get("text"), str):
        return str(content["text"])
    thoughts = content.get("thoughts")
    if isinstance(thoughts, list):
        return "\n".join(str(t.get("content", "")) for t in thoughts if isinstance(t, dict))
    return str(content.get("content") or "")


def _iso(seconds: float, offset: str = "+00:00") -> str:
    return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="microseconds")[:-6] + offset


def _nodes(conv: dict[str, Any]) -> Iterator[tuple[str, str | None, str, str, float]]:
    """(id, parent, role, text, time) of each message node, in the file's order."""
    for key, node in conv["mapping"].items():
        message = node.get("message")
        if message:
            parent = node.get("parent")
            yield (
                key,
                (None if parent == "root" else parent),
                message["author"]["role"],
                _text(message),
                float(message.get("create_time") or 0.0),
            )


def deepseek(conv: dict[str, Any]) -> dict[str, Any]:
    mapping: dict[str, Any] = {
        "root": {"id": "root", "parent": None, "children": [], "message": None}
    }
    for key, parent, role, words, at in _nodes(conv):
        kind = "REQUEST" if role == "user" else "RESPONSE"
        mapping[key] = {
            "id": key, "parent": parent or "root", "children": [],
            "message": {"files": [], "model": "deepseek-chat", "inserted_at": _iso(at, "+08:00"),
                        "fragments": [{"type": kind, "content": words}]},
        }  # fmt: skip
        mapping[parent or "root"]["children"].append(key)
    return {"id": conv["id"], "title": conv["title"], "inserted_at": _iso(conv["create_time"]),
            "updated_at": _iso(conv["update_time"]), "mapping": mapping}  # fmt: skip


def grok(conv: dict[str, Any]) -> dict[str, Any]:
    responses = [
        {"response": {
            "_id": key, "conversation_id": conv["id"], "parent_response_id": parent or "root-x",
            "sender": "human" if role == "user" else "assistant", "message": words,
            "model": "build", "create_time": {"$date": {"$numberLong": str(int(at * 1000))}},
            "metadata": {"request_metadata": {"resolved_model": "grok-4"}},
            "file_attachments": [], "generated_image_urls": [], "card_attachments_json": [],
        }}
        for key, parent, role, words, at in _nodes(conv)
    ]  # fmt: skip
    return {"conversation": {"id": conv["id"], "title": conv["title"],
                             "create_time": _iso(conv["create_time"]),
                             "modify_time": _iso(conv["update_time"]), "starred": False},
            "responses": responses}  # fmt: skip


def lechat(conv: dict[str, Any]) -> list[dict[str, Any]]:
    chat = str(uuid.uuid5(uuid.NAMESPACE_URL, conv["id"]))
    found = []
    for key, _, role, words, at in _nodes(conv):
        assistant = role != "user"
        found.append({
            "id": str(uuid.uuid5(uuid.NAMESPACE_URL, key)), "version": 0, "chatId": chat,
            "content": words, "role": "assistant" if assistant else "user",
            "contentChunks": [{"type": "text", "text": words}] if assistant else None,
            "createdAt": _iso(at)[:23] + "Z", "canvas": [], "quotes": [], "files": [],
        })  # fmt: skip
    found.reverse()  # in no order, as the export has them
    return found


CELL = (
    '<div class="outer-cell mdl-cell mdl-cell--12-col mdl-shadow--2dp"><div class="mdl-grid">'
    '<div class="header-cell mdl-cell mdl-cell--12-col">'
    '<p class="mdl-typography--title">Gemini Apps<br></p></div>'
    '<div class="content-cell mdl-cell mdl-cell--6-col mdl-typography--body-1">{body}</div>'
    '<div class="content-cell mdl-cell mdl-cell--6-col mdl-typography--body-1 '
    'mdl-typography--text-right"></div>'
    '<div class="content-cell mdl-cell mdl-cell--12-col mdl-typography--caption">'
    "<b>Products:</b><br>&emsp;Gemini Apps<br>"
    '<b>Details:</b><br>&emsp;<a href="{link}">{link}</a><br></div></div></div>'
)


def _exchanges(conv: dict[str, Any]) -> Iterator[tuple[str, str, float, str]]:
    """(prompt, answer, time, link) of each exchange: a prompt and the answer after it, as
    Gemini's log keeps them."""
    link = "https://gemini.google.com/app/" + uuid.uuid5(uuid.NAMESPACE_URL, conv["id"]).hex[:16]
    prompt: str | None = None
    for _, _, role, words, at in _nodes(conv):
        if role == "user":
            prompt = words
        elif prompt is not None:
            yield prompt, words, at, link
            prompt = None


def _answer_html(words: str) -> str:
    """An answer as Gemini's log holds it: its Markdown rendered, so paragraphs with bold
    words and inline code, headings, lists whose items hold paragraphs, and code blocks
    with their language, made from the answer's own words (every word once, in order), the
    same for the same words."""
    rng = random.Random(zlib.crc32(words.encode()))
    if "\n" in words:  # pasted lines, code: a code block, as Gemini renders them
        head, _, code = words.partition("\n")
        return (
            f"<p>{_inline(head.split(), rng)}</p>\n"
            f'<pre><code class="language-python">{html.escape(code)}\n</code></pre>'
        )
    pool, blocks = words.split(), list[str]()
    while pool:
        roll = rng.random()
        if roll < 0.15 and blocks and len(pool) > 12:  # a heading
            blocks.append(f"<h3>{_inline(_take(pool, rng.randint(2, 5)), rng, marks=False)}</h3>")
        elif roll < 0.4 and len(pool) > 20:  # a list, its items paragraphs with a bold lead
            tag = "ol" if rng.random() < 0.4 else "ul"
            items = [
                f"<li>\n<p><strong>{html.escape(lead[0])}:</strong> {_inline(lead[1:], rng)}</p>"
                "\n</li>"
                for _ in range(rng.randint(2, 5))
                if (lead := _take(pool, rng.randint(6, 18)))
            ]
            blocks.append(f"<{tag}>\n" + "\n".join(items) + f"\n</{tag}>")
        else:
            blocks.append(f"<p>{_inline(_take(pool, rng.randint(12, 45)), rng)}</p>")
    return "\n".join(blocks)


def _take(pool: list[str], count: int) -> list[str]:
    taken = pool[:count]
    del pool[:count]
    return taken


def _inline(words: list[str], rng: random.Random, *, marks: bool = True) -> str:
    """Words as a paragraph's HTML: now and then two in bold, or one as code."""
    out, at = [], 0
    while at < len(words):
        roll = rng.random() if marks else 1.0
        if roll < 0.06:
            out.append(f"<strong>{html.escape(' '.join(words[at : at + 2]))}</strong>")
            at += 2
        elif roll < 0.09:
            out.append(f"<code>{html.escape(words[at])}</code>")
            at += 1
        else:
            out.append(html.escape(words[at]))
            at += 1
    return " ".join(out)


def gemini_cells(conv: dict[str, Any]) -> Iterator[tuple[float, str]]:
    """(time, HTML cell) of each exchange, as the HTML log prints it."""
    for prompt, words, at, link in _exchanges(conv):
        printed = datetime.fromtimestamp(at, UTC).strftime("%b %-d, %Y, %-I:%M:%S %p UTC")
        body = f"Prompted\xa0{html.escape(prompt)}<br>{printed}<br>{_answer_html(words)}"
        yield at, CELL.format(body=body, link=link)


def gemini_entries(conv: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The JSON form's entry of each exchange."""
    for prompt, words, at, link in _exchanges(conv):
        yield {
            "header": "Gemini Apps", "title": f"Prompted {prompt}", "time": _iso(at)[:23] + "Z",
            "products": ["Gemini Apps"], "safeHtmlItem": [{"html": _answer_html(words)}],
            "details": [{"name": link}],
        }  # fmt: skip


def write(vendor: str, source: Path, target: Path) -> None:
    """`source` (a generated ChatGPT export) written as `vendor` exports it."""
    conversations = orjson.loads(zipfile.ZipFile(source).read("conversations.json"))
    partial = target.with_suffix(".partial")
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        if vendor == "deepseek":
            archive.writestr(
                "conversations.json", orjson.dumps([deepseek(c) for c in conversations])
            )
            archive.writestr("user.json", json.dumps({"email": "bench@example.org"}))
        elif vendor == "grok":
            body = {"conversations": [grok(c) for c in conversations], "projects": [],
                    "tasks": [], "media_posts": []}  # fmt: skip
            archive.writestr(ROOT + "prod-grok-backend.json", orjson.dumps(body))
        elif vendor == "lechat":
            for conv in conversations:
                chat = lechat(conv)
                if chat:
                    archive.writestr(f"chat-{chat[0]['chatId']}.json", orjson.dumps(chat))
        elif vendor == "gemini-json":  # the log as JSON, when the person asks for it
            entries = sorted(
                (e for conv in conversations for e in gemini_entries(conv)),
                key=lambda e: e["time"], reverse=True,
            )  # fmt: skip
            archive.writestr(GEMINI + "MyActivity.json", orjson.dumps(entries))
        else:  # the HTML log, which Takeout gives unless JSON is asked for: newest first
            cells = sorted((c for conv in conversations for c in gemini_cells(conv)), reverse=True)
            page = (
                "<html><head><style>" + ".mdl-cell{margin:8px}\n" * 7000 + "</style></head><body>"
            )
            archive.writestr(
                GEMINI + "MyActivity.html",
                page + "".join(cell for _, cell in cells) + "</body></html>",
            )
    partial.rename(target)


def export_for(vendor: str, source: Path) -> Path:
    target = source.with_name(f"{source.stem}-{vendor}.zip")
    made = max(source.stat().st_mtime, Path(__file__).stat().st_mtime)  # or this generator
    if not target.exists() or target.stat().st_mtime < made:
        write(vendor, source, target)
    return target


def main() -> None:
    from bench.import_speed import export_of

    parser = argparse.ArgumentParser(prog="python -m bench.vendor_exports", description=__doc__)
    parser.add_argument("megabytes", type=int)
    args = parser.parse_args()
    source, _ = export_of(args.megabytes, "cjk")
    for vendor in VENDORS:
        print(export_for(vendor, source))


if __name__ == "__main__":
    main()
