"""A Gemini activity log (Google Takeout), read into conversations.

The log is a list of entries, newest first, and a conversation's entries lie scattered
through it: they are brought together by their link (vendors/gemini.py). At any size in
flat memory: each entry is set down in a private temporary SQLite database as it is read
(SQLite keeps a couple of MB of it in memory and the rest in a file it deletes), then read
back one conversation at a time, oldest entry first.

What is not a message (feedback, settings, a chosen draft) is counted, and so is each
label this version does not know, for the report to name (`notes`).
"""

from __future__ import annotations

import codecs
import sqlite3
from collections import Counter
from contextlib import closing
from typing import IO, TYPE_CHECKING, Any

import orjson

from desktop_importer.basics.errors import InvalidExport
from desktop_importer.vendors import gemini

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator

CHUNK = 256 * 1024
NOT_MESSAGES = "Gemini activity that is not a message (feedback, settings, chosen drafts), left out"
UNKNOWN_LABEL = "Gemini labels this version does not know, each entry kept with its title whole"


def html_entries(handle: IO[bytes], name: str, on_bytes: Callable[[int], None]) -> Iterator[Any]:
    """The entries of an HTML log, read a chunk at a time (a cell is never cut: the text
    after the last marker waits for the next chunk)."""
    decoder = codecs.getincrementaldecoder("utf-8")("replace")
    marker = gemini.CELL_MARKER.decode()
    pending = ""
    while True:
        data = handle.read(CHUNK)
        on_bytes(len(data))
        pending += decoder.decode(data, final=not data)
        last = pending.rfind(marker) if data else len(pending)
        if last > 0:
            for cell in gemini.html_cells(pending[:last]):
                yield gemini.html_entry(cell) or {"unreadable": True}
            pending = pending[last:]
        if not data:
            return
        if len(pending) > 64 * 2**20:  # one cell of 64 MB is not an activity entry
            raise InvalidExport(f"{name} holds an activity entry too large to be one.")


def conversations(entries: Iterable[Any], notes: Counter[str]) -> Iterator[dict[str, Any]]:
    """The log's entries grouped into conversations (each its entries oldest first)."""
    with closing(sqlite3.connect("", isolation_level=None)) as spill:  # "": private, on disk
        spill.execute("PRAGMA cache_size = -2000")
        spill.execute("CREATE TABLE entry (key TEXT, at REAL, place INTEGER, body BLOB)")
        rows: list[tuple[str, float, int, bytes]] = []
        for place, raw in enumerate(entries):
            if not isinstance(raw, dict) or raw.get("unreadable"):
                notes["Gemini activity entries with no time this version can read, left out"] += 1
                continue
            entry = gemini.entry_of(raw)
            if entry.kind == "activity":
                notes[NOT_MESSAGES] += 1
                continue
            if not entry.known:
                notes[f"{UNKNOWN_LABEL}: “{(entry.label or entry.prompt)[:40]}”"] += 1
            # Newest first in the log: a later place is an earlier entry, at equal times.
            rows.append((gemini.group_key(entry), entry.at or 0.0, -place, orjson.dumps(raw)))
            if len(rows) >= 500:
                spill.executemany("INSERT INTO entry VALUES (?, ?, ?, ?)", rows)
                rows.clear()
        spill.executemany("INSERT INTO entry VALUES (?, ?, ?, ?)", rows)
        spill.execute("CREATE INDEX entry_key ON entry (key, at, place)")
        key: str | None = None
        grouped: list[Any] = []
        for found, body in spill.execute("SELECT key, body FROM entry ORDER BY key, at, place"):
            if found != key and grouped:
                yield {gemini.KEY: key, gemini.GROUPED: grouped}
                grouped = []
            key = found
            grouped.append(orjson.loads(body))
        if grouped:
            yield {gemini.KEY: key, gemini.GROUPED: grouped}
