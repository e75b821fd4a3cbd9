"""A Gemini activity log (Google Takeout), read into conversations.

The log is a list of entries, newest first, and a conversation's entries lie scattered
through it: they are brought together by their link (vendors/gemini.py). At any size in
flat memory: each entry is written to a private temporary file as it is read, and its place
there to a private temporary SQLite database (which keeps a couple of MB in memory and the
rest in a file it deletes); then they are read back one conversation at a time, oldest
entry first.

The first pass, which the import's writer waits for, only finds each entry's link; an
entry is read whole (its HTML cell parsed, its answer converted) in the second, one
conversation at a time, while the writer stores the conversations before it. An entry with
no link (an old log's, a Canvas document) is read in the first pass: its conversation is
named by what it holds.

What is not a message (feedback, settings, a chosen draft) is counted, and so is each
label this version does not know, for the report to name (`notes`).

Progress: the first pass reads every byte of the log but is a small share of the reading
(FIRST_PASS_SHARE, measured on bench/vendor_exports.py's logs); the rest is told by
`reread`, with the bytes of the entries read back so far in the second pass. Told by bytes
read alone, the window's bar stood full from the first pass's end, through the whole
second pass.
"""

from __future__ import annotations

import os
import re
import sqlite3
import tempfile
from collections import Counter
from contextlib import closing
from typing import IO, TYPE_CHECKING, Any, NamedTuple

import orjson

from desktop_importer.basics.errors import InvalidExport
from desktop_importer.vendors import gemini

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator

CHUNK = 256 * 1024
NOT_MESSAGES = (
    "Gemini activity that is not a message (feedback, settings, chosen drafts), kept hidden "
    "(Show hidden shows it)"
)
UNKNOWN_LABEL = "Gemini labels this version does not know, each entry kept with its title whole"
NO_TIME = "Gemini activity entries with no time this version can read, left out"
BATCH = 500
# The first pass's share of reading a log, by its form (the rest is the second pass): 0.4
# of 5.5 s for the bench's 83 MB HTML log (its cells are only searched for their link),
# 1.2 of 7.4 s for its JSON form (parsed whole).
FIRST_PASS_SHARE = {"html": 0.1, "json": 0.2}


class Cells(NamedTuple):
    """Whole cells of an HTML log, one after another: their bytes, and where each starts
    (each ends where the next starts, the last where the bytes end)."""

    data: bytes
    starts: list[int]

    def spans(self) -> Iterator[tuple[int, int]]:
        return zip(self.starts, [*self.starts[1:], len(self.data)], strict=True)


def html_cells(handle: IO[bytes], name: str, on_bytes: Callable[[int], None]) -> Iterator[Cells]:
    """The cells of an HTML log as bytes, read a chunk at a time (a cell is never cut: what
    follows the last marker waits for the next chunk; the marker is ASCII, so no character
    is cut either). A cell is decoded when it is read whole, in the second pass."""
    marker = gemini.CELL_MARKER
    pending = b""
    while True:
        data = handle.read(CHUNK)
        on_bytes(len(data))
        pending += data
        last = pending.rfind(marker) if data else len(pending)
        if last > 0:
            starts = [m.start() for m in _MARKER.finditer(pending, 0, last)]
            if starts:
                first = starts[0]
                yield Cells(pending[first:last], [start - first for start in starts])
            pending = pending[last:]
        if not data:
            return
        if len(pending) > 64 * 2**20:  # one cell of 64 MB is not an activity entry
            raise InvalidExport(f"{name} holds an activity entry too large to be one.")


def _read(item: Any) -> dict[str, Any] | None:
    """An entry in the JSON form's shape: a cell of the HTML log read, or the JSON's own."""
    if isinstance(item, bytes):
        return gemini.html_entry(item.decode("utf-8", "replace"))
    return item if isinstance(item, dict) else None


_MARKER = re.compile(re.escape(gemini.CELL_MARKER))
_CAPTION = gemini.CAPTION.encode()
_APP_LINK = re.compile(gemini.APP_LINK.pattern.encode())


def _cell_link(cells: Cells, start: int, end: int) -> str | None:
    """A cell's conversation link: in its caption, at the cell's end (never in the
    answer)."""
    at = cells.data.rfind(_CAPTION, start, end)
    found = _APP_LINK.search(cells.data, at, end) if at >= 0 else None
    return found.group(1).decode() if found else None


def conversations(
    items: Iterable[Any],
    notes: Counter[str],
    reread: Callable[[int, int], None] | None = None,
) -> Iterator[dict[str, Any]]:
    """The log's entries (HTML cells or JSON objects, newest first) grouped into
    conversations, each with its entries oldest first. `reread(done, total)` is told, once
    the first pass is over and before each conversation, how many bytes of the entries the
    second pass has read back."""
    with (
        closing(sqlite3.connect("", isolation_level=None)) as spill,  # "": private, on disk
        tempfile.TemporaryFile() as bodies,  # the entries themselves, one after another
    ):
        spill.execute("PRAGMA cache_size = -2000")
        spill.execute("CREATE TABLE entry (key TEXT, place INTEGER, at INTEGER, size INTEGER)")
        spill.execute("BEGIN")  # one transaction, never committed: 0.13 -> 0.03 s per 52,000
        rows: list[tuple[str, int, int, int]] = []
        pending: list[bytes] = []  # JSON entries not yet written (they are written in batches)
        written = 0
        spilled = 0  # of the entries that are read back (an entry with no time is not)
        place = 0  # newest first: a later place is earlier
        for item in items:
            if isinstance(item, Cells):  # written as they are, each cell's place noted
                if pending:  # after the entries not yet written
                    bodies.write(b"".join(pending))
                    pending.clear()
                bodies.write(item.data)
                for start, end in item.spans():
                    place += 1
                    key = _cell_link(item, start, end)
                    if key is None:  # no link: read now, for the conversation it makes alone
                        if (entry := _read(item.data[start:end])) is None:
                            notes[NO_TIME] += 1
                            continue
                        key = gemini.group_key(gemini.entry_of(entry))
                    rows.append((key, -place, written + start, end - start))
                    spilled += end - start
                written += len(item.data)
            else:
                place += 1
                if (entry := _read(item)) is None:
                    notes[NO_TIME] += 1
                    continue
                key = gemini.link_of(entry) or gemini.group_key(gemini.entry_of(entry))
                body = orjson.dumps(entry)
                pending.append(body)  # written with the batch's rows: one write, not 500
                rows.append((key, -place, written, len(body)))
                spilled += len(body)
                written += len(body)
            if len(rows) >= BATCH:
                bodies.write(b"".join(pending))
                pending.clear()
                spill.executemany("INSERT INTO entry VALUES (?, ?, ?, ?)", rows)
                rows.clear()
        bodies.write(b"".join(pending))
        spill.executemany("INSERT INTO entry VALUES (?, ?, ?, ?)", rows)
        bodies.flush()
        ordered = spill.execute("SELECT key, at, size FROM entry ORDER BY key, place")
        descriptor = bodies.fileno()
        told = reread or _untold
        told(0, spilled)
        yield from _grouped(
            ((key, os.pread(descriptor, size, at)) for key, at, size in ordered),
            notes,
            lambda done: told(done, spilled),
        )


def _untold(done: int, total: int) -> None:
    pass


def _grouped(
    rows: Iterable[tuple[str, bytes]], notes: Counter[str], reread: Callable[[int], None]
) -> Iterator[gemini.Grouped]:
    """Each conversation of the rows (ordered by it), with its entries read; `reread` is
    told the bytes of the rows read before each."""
    current: str | None = None
    grouped: list[dict[str, Any]] = []
    read: list[gemini.Entry] = []
    done = 0
    for key, body in rows:
        if key != current and grouped:
            reread(done)
            yield _conversation(current, grouped, read)
            grouped, read = [], []
        done += len(body)
        current = key
        if (found := _entry(body)) is None:
            notes[NO_TIME] += 1
            continue
        _counted(*found, notes)
        grouped.append(found[0])
        read.append(found[1])
    if grouped:
        reread(done)
        yield _conversation(current, grouped, read)


def _conversation(
    key: str | None, grouped: list[dict[str, Any]], read: list[gemini.Entry]
) -> gemini.Grouped:
    conversation = gemini.Grouped({gemini.KEY: key, gemini.GROUPED: grouped})
    conversation.read = read
    return conversation


def _entry(body: bytes) -> tuple[dict[str, Any], gemini.Entry] | None:
    """The stored entry, and the entry read."""
    if body[:1] == b"{":
        entry: dict[str, Any] = orjson.loads(body)
        return entry, gemini.entry_of(entry)
    return gemini.read_cell(body.decode("utf-8", "replace"))


def _counted(entry: dict[str, Any], read: gemini.Entry, notes: Counter[str]) -> None:
    """Count what is not a message (kept hidden), and an unknown label of one that is."""
    if read.kind == "activity":
        notes[NOT_MESSAGES] += 1
    elif not read.known:
        title = str(entry.get("title") or "")
        notes[f"{UNKNOWN_LABEL}: “{(read.label or title)[:40]}”"] += 1
