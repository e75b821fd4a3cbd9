"""Reading an export in a process of its own, beside the process that writes the archive.

Parsing JSON holds Python's interpreter lock; in one process the writer (SQLite, which
releases the lock) kept waiting for it and the reader for the writer, and the import ran at
about half the speed of its two halves (bench/import_speed.py). So the importing process
starts `desktop-importer --read-export` and writes what it receives, while the reading
process reads, parses and compresses the next conversations on the other core. (It also
compresses the original JSON: less to pipe, and on two cores the measured balance is best
that way. Reading a Gemini log, it leaves a share of the answers for the importing process
to convert, a share that follows how long it waits to send: _Balance.)

The reading process knows nothing of the archive: it gets the export's files (each one's
path and members: export_set.py) and the settings as JSON on stdin, and answers with frames
on stdout, each a 4-byte length and a pickled dict of plain values (frames.py):

    {"kind": "part", "file": 0, "found": …, "bytes": …, "records": <pickled list>, ...}
    {"kind": "side", "side": 0, "what": "project", "key": …, "name": …, "raw": <zlib JSON>}
    {"kind": "end", ...the same...}
    {"kind": "error", "error": "InvalidExport", "message": "…"}

Parts are small (FRAME_BYTES of conversation JSON, or what FRAME_SECONDS brought, and never
more than a write batch, nor from more than one file), so that the reader holds little;
the importing process gathers whole parts into write batches, and their records stay
pickled until the writer needs them.

Pickle, because it is the cheapest way to move strings and bytes between two Python
processes (measured on a 100 MB export: 0.4 s to encode and decode every part, against
0.9 s for orjson); the stream is trusted, as it comes from this program's own child, which
only ever pickles strings, numbers and bytes.

It holds no lock and writes nothing, so killing it at any moment is safe; if its reader
goes away it stops at the next frame (a broken pipe).
"""

from __future__ import annotations

import dataclasses
import gc
import logging
import os
import pickle
import signal
import sqlite3
import subprocess
import sys
import time
import zlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import orjson

from desktop_importer.basics import relaunch
from desktop_importer.basics.errors import (
    DesktopImporterError,
    EnvironmentProblem,
    InvalidExport,
    LimitExceeded,
    PathProblem,
)
from desktop_importer.basics.settings import SIZE_LIMITS, Settings, human_bytes
from desktop_importer.importing.activity import FIRST_PASS_SHARE
from desktop_importer.importing.export_set import Export
from desktop_importer.importing.frames import FrameWriter, enlarge_pipe, read_frame
from desktop_importer.importing.objects import iter_objects
from desktop_importer.importing.records import (
    SKIPPED_DETAILS_KEPT,
    ConversationRecord,
    SkippedConversation,
    convert_unconverted,
    record_fields,
)
from desktop_importer.importing.sides import LIBRARY, PROJECT, SideFile, side_objects
from desktop_importer.importing.source import ChatFiles, ExportFile
from desktop_importer.vendors import gemini
from desktop_importer.vendors.claude_projects import memory_account, project_name
from desktop_importer.vendors.parsed import UNCONVERTED_HTML, UnreadableConversation
from desktop_importer.vendors.registry import parse_conversation, vendor_named

if TYPE_CHECKING:
    from collections.abc import Iterator

log = logging.getLogger(__name__)

FRAME_BYTES = 2**17  # conversation JSON per part at most
FRAME_SECONDS = 0.1  # a part at least this often while conversations arrive (progress)
_ERRORS: dict[str, type[DesktopImporterError]] = {
    cls.__name__: cls for cls in (InvalidExport, PathProblem, EnvironmentProblem)
}


@dataclass
class ReadPart:
    """What the reader has found since its previous part.

    Its conversations stay pickled until they are written (records()): queued for the
    writer they take a quarter of the memory they take as objects (whose text Python may
    hold at four bytes a character).
    """

    file: int  # which of the export's parts its conversations come from
    found: int  # conversation objects seen so far, readable or not
    bytes_done: int  # conversation JSON read so far
    pickled_records: bytes
    conversations: int  # of the records
    rows: int  # the records' message rows
    json_bytes: int  # the records' original JSON
    skipped: int
    skipped_details: list[SkippedConversation]  # the first ones
    unread_content: Counter[str]
    messages: int  # of the records, counted as the report counts them
    last: bool
    assets: list[str] = dataclasses.field(default_factory=list)  # file ids pointed at
    # Ids of its conversations that an earlier file of the export held too (two exports
    # dropped together): merged with the copy before, counted once.
    again: list[str] = dataclasses.field(default_factory=list)
    vendors: Counter[str] = dataclasses.field(default_factory=Counter)  # conversations of each
    notes: Counter[str] = dataclasses.field(default_factory=Counter)  # what the report names
    unconverted: int = 0  # messages whose text is left for this side to convert (_Balance)

    def records(self) -> list[ConversationRecord]:
        fields = pickle.loads(self.pickled_records)  # from our own child only (see above)
        if self.unconverted:
            for values in fields:
                convert_unconverted(values)
        return [ConversationRecord(*values) for values in fields]


@dataclass(frozen=True)
class SidePart:
    """A project, a memory or a library entry of the export's side files (sides.py),
    read after the conversations."""

    side: int  # which of the export's side files
    what: str  # sides.PROJECT, sides.MEMORY or sides.LIBRARY
    key: str  # the project's id, the memory's account, the library file's id
    name: str | None
    # Its original JSON: compressed, as the archive keeps it; a library entry's as it is
    # (a few hundred bytes, which the publish reads with json_extract).
    raw: bytes


def memory_message(name: str, megabytes: int) -> str:
    return (
        f"{name} cannot be read within the memory limit of {megabytes:,} MB "
        "(max_memory_mb): it is nested too deeply or holds one value too large."
    )


# -- the importing process's side ---------------------------------------------------------


def request_of(export: Export, settings: Settings) -> bytes:
    """What the reading process is given on stdin (see `serve`): the export's files, each
    one's path and members, and the settings."""
    request = {
        "parts": [
            {
                "path": str(p.path),
                "members": p.members,
                "lists": p.lists,
                "whole": p.whole,
                "chats": dataclasses.astuple(p.chats) if p.chats is not None else None,
                "activity": p.activity,
            }
            for p in export.parts
        ],
        "sides": [{"path": str(s.path), "members": s.members} for s in export.sides],
        "settings": dataclasses.asdict(settings),
        "log": bool(logging.getLogger("desktop_importer").handlers),
    }
    return orjson.dumps(request)


class ExportReader:
    """The reading process of one import; iterate it for parts, close it on every way out.

    with ExportReader(export, settings) as reader:
        for part in reader: ...
    """

    def __init__(self, export: Export, settings: Settings) -> None:
        self.export = export
        self.settings = settings
        self._process = subprocess.Popen(
            [*relaunch.self_command(), relaunch.READ_EXPORT],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            creationflags=relaunch.NO_CONSOLE_WINDOW,
        )
        assert self._process.stdout is not None
        enlarge_pipe(self._process.stdout)
        assert self._process.stdin is not None
        try:
            self._process.stdin.write(request_of(export, settings))
            self._process.stdin.close()
        except BrokenPipeError:
            pass  # it failed to start; reading its output says how

    def __enter__(self) -> ExportReader:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the reading process (it may be in the middle of a part nobody wants)."""
        if self._process.poll() is None:
            self._process.kill()
        self._process.wait()
        if self._process.stdout is not None:
            self._process.stdout.close()

    def __iter__(self) -> Iterator[ReadPart | SidePart]:
        stream = self._process.stdout
        assert stream is not None
        while True:
            header = read_frame(stream)
            if header is None:
                code = self._process.wait()
                log.error("The reading process ended without an answer (exit status %s)", code)
                raise EnvironmentProblem(
                    f"Reading {self.export.name} stopped unexpectedly (exit status {code}); "
                    "nothing was imported. The details are in the log."
                )
            kind = header["kind"]
            if kind == "error":
                if header["error"] == "MemoryError":
                    raise InvalidExport(
                        memory_message(self.export.name, self.settings.max_memory_mb)
                    )
                if header["error"] == "LimitExceeded":
                    raise LimitExceeded(header["message"], header.get("limit", ""))
                raise _ERRORS.get(header["error"], EnvironmentProblem)(header["message"])
            if kind == "side":
                yield SidePart(
                    header["side"], header["what"], header["key"], header["name"], header["raw"]
                )
                continue
            yield ReadPart(
                file=header["file"],
                found=header["found"],
                bytes_done=header["bytes"],
                pickled_records=header["records"],
                conversations=header["conversations"],
                rows=header["rows"],
                json_bytes=header["json_bytes"],
                skipped=header["skipped"],
                skipped_details=[SkippedConversation(*pair) for pair in header["skipped_details"]],
                unread_content=Counter(header["unread"]),
                messages=header["messages"],
                last=kind == "end",
                assets=header["assets"],
                unconverted=header.get("unconverted", 0),
                again=header["again"],
                vendors=Counter(header.get("vendors", {})),
                notes=Counter(header.get("notes", {})),
            )
            if kind == "end":
                return


# -- the reading process's side -----------------------------------------------------------


def serve(requests: IO[bytes], out: IO[bytes]) -> int:
    """The reading process: one export in, frames out. Exit status 0 whenever it could
    answer, even with an error frame."""
    request = orjson.loads(requests.read())
    settings = Settings(**request["settings"])
    if request["log"]:
        from desktop_importer.basics import logs

        logs.configure()
    cap_memory(settings.max_memory_mb)
    parts = [
        ExportFile(
            Path(p["path"]),
            0,
            None if p["members"] is None else tuple(p["members"]),
            0,
            lists=tuple(p.get("lists") or ("conversations",)),
            whole=bool(p.get("whole")),
            chats=ChatFiles(*p["chats"]) if p.get("chats") else None,
            activity=p.get("activity"),
        )
        for p in request["parts"]
    ]
    side_files = [
        SideFile(Path(s["path"]), None if s["members"] is None else tuple(s["members"]),
                 frozenset(), 0)
        for s in request.get("sides", [])
    ]  # fmt: skip
    writer = FrameWriter(out.fileno())
    try:
        _Reading(parts, settings, writer, side_files).run()
    except BrokenPipeError:
        raise  # the importing process stopped listening (see main)
    except MemoryError:
        writer.error("MemoryError", "")
    except LimitExceeded as e:
        writer.send(
            {"kind": "error", "error": "LimitExceeded", "message": e.message, "limit": e.limit}
        )
    except DesktopImporterError as e:
        writer.error(type(e).__name__, e.message)
    except Exception:
        name = ", ".join(p.name for p in parts)
        log.exception("Reading %s failed unexpectedly", name)
        writer.error(
            "EnvironmentProblem",
            f"Reading {name} failed unexpectedly; nothing was imported. "
            "The details are in the log.",
        )
    out.flush()
    return 0


def cap_memory(megabytes: int) -> None:
    """Bound the reading process's address space, so that a hostile file (nesting a million
    levels deep, say) ends in a MemoryError and a sentence instead of exhausting the
    machine. POSIX only."""
    try:
        import resource
    except ImportError:
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = megabytes * 2**20
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    if soft == resource.RLIM_INFINITY or soft > cap:
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))


class _Reading:
    """Reads every conversation of every file and sends them on in small parts."""

    def __init__(
        self,
        files: list[ExportFile],
        settings: Settings,
        writer: FrameWriter,
        side_files: list[SideFile] | None = None,
    ) -> None:
        self.files = files
        self.side_files = side_files or []
        self.file = 0
        self.settings = settings
        self.writer = writer
        self.found = 0
        self.bytes_done = 0  # conversation data read (what the size limits count)
        # What the parts say is read, for progress: bytes_done, but for a Gemini log its two
        # passes (activity.FIRST_PASS_SHARE): its bytes once read count for the first pass
        # only, its entries read back for the rest.
        self.shown = 0.0
        self.file_read = 0  # of the file being read
        self.reread_from = 0.0  # what was shown when its second pass began
        self.seen = _SeenIds()
        self.skipped_total = 0
        self.notes: Counter[str] = Counter()  # for the whole import: sent with its end
        self.balance = _Balance(settings.max_message_bytes)
        self.last_sent_done = time.perf_counter()
        self._new_part()
        self.last_sent = time.monotonic()

    def _new_part(self) -> None:
        self.records: list[tuple[object, ...]] = []  # record_fields of each
        self.rows = 0
        self.skipped = 0
        self.skipped_details: list[SkippedConversation] = []
        self.unread: Counter[str] = Counter()
        self.messages = 0
        self.json_bytes = 0
        self.assets: set[str] = set()
        self.again: list[str] = []
        self.vendors: Counter[str] = Counter()
        self.unconverted = 0

    def run(self) -> None:
        for number, export in enumerate(self.files):
            self.file = number
            self.file_read = 0
            for obj in iter_objects(export, self._on_bytes, self.notes, self._reread):
                self.found += 1
                self._take(obj)
                now = time.monotonic()
                if self._full() or now - self.last_sent >= FRAME_SECONDS:
                    self._send("part", now)
            if self.file < len(self.files) - 1 and self.records:
                self._send("part", time.monotonic())  # a part holds one file's
        for number, side in enumerate(self.side_files):
            for what, obj in side_objects(side):
                self._send_side(number, what, obj)
        self._send("end", time.monotonic())

    def _send_side(self, number: int, what: str, obj: Any) -> None:
        if what == LIBRARY:
            key, name = obj["file_id"], obj.get("file_name")
        elif what == PROJECT:
            key, name = obj.get("uuid"), project_name(obj)
        else:
            key, name = memory_account(obj), None
        self.writer.send(
            {
                "kind": "side",
                "side": number,
                "what": what,
                "key": key,
                "name": name if isinstance(name, str) else None,
                "raw": orjson.dumps(obj) if what == LIBRARY else zlib.compress(orjson.dumps(obj)),
            }
        )

    def _full(self) -> bool:
        """A part never holds more than one write batch may (the importing process batches
        whole parts), nor more than FRAME_BYTES of JSON."""
        return self.json_bytes >= FRAME_BYTES or self.settings.batch_full(
            len(self.records), self.rows, self.json_bytes
        )

    def _on_bytes(self, count: int) -> None:
        self.bytes_done += count
        limit = self.settings.max_total_bytes
        if self.bytes_done > limit:  # the declared sizes lied, or a bare file grew
            raise LimitExceeded(
                f"{self.files[self.file].name} inflated to more than {human_bytes(limit)} of "
                f"conversations, {SIZE_LIMITS['max_total_bytes']}; nothing was imported.",
                "max_total_bytes",
            )
        self.file_read += count
        form = self.files[self.file].activity
        if form is None:
            self.shown += count
            return
        # A Gemini log's first pass: no conversation comes until it ends, so its progress
        # is sent on its own (an empty part) as often as parts come otherwise.
        self.shown += count * FIRST_PASS_SHARE[form]
        now = time.monotonic()
        if not self.records and now - self.last_sent >= FRAME_SECONDS:
            self._send("part", now)

    def _reread(self, done: int, total: int) -> None:
        """A Gemini log's second pass has read back `done` of its entries' `total` bytes."""
        if done == 0:
            self.reread_from = self.shown
        form = self.files[self.file].activity
        rest = 1.0 - FIRST_PASS_SHARE[form] if form is not None else 1.0
        self.shown = self.reread_from + rest * self.file_read * (done / total if total else 1.0)

    def _take(self, obj: object) -> None:
        if isinstance(obj, gemini.Grouped):
            obj.later = self.balance.later
        try:
            conversation = parse_conversation(obj, self.settings.max_message_bytes)
        except UnreadableConversation as e:
            self._skip(e.conversation_id, e.reason)
            return
        seen = self.seen.add(conversation.conversation_id, self.file)
        if seen == _SeenIds.TWICE:
            self._skip(
                conversation.conversation_id,
                "it appears twice in this export; the first copy was kept",
            )
            return
        if seen == _SeenIds.EARLIER_FILE:
            self.again.append(conversation.conversation_id)
        self.unread.update(conversation.unread_content)
        if isinstance(obj, dict):  # it is: it was parsed
            self.assets.update(vendor_named(conversation.vendor).export_pointers(obj))
        self.messages += conversation.message_count
        self.records.append(record_fields(conversation))
        self.vendors[conversation.vendor] += 1
        self.rows += len(conversation.messages)
        if isinstance(obj, gemini.Grouped):
            self.unconverted += sum(
                m.content_type == UNCONVERTED_HTML for m in conversation.messages
            )
        self.json_bytes += len(conversation.raw_json)

    def _skip(self, conversation_id: str | None, reason: str) -> None:
        self.skipped += 1
        self.skipped_total += 1
        if self.skipped_total <= SKIPPED_DETAILS_KEPT:
            self.skipped_details.append(SkippedConversation(conversation_id, reason))

    def _send(self, kind: str, now: float) -> None:
        started = time.perf_counter()
        shown = self.bytes_done if kind == "end" else min(self.bytes_done, round(self.shown))
        self.writer.send(
            {
                "kind": kind,
                "file": self.file,
                "found": self.found,
                "bytes": shown,
                "records": pickle.dumps(self.records, protocol=pickle.HIGHEST_PROTOCOL),
                "conversations": len(self.records),
                "rows": self.rows,
                "json_bytes": self.json_bytes,
                "skipped": self.skipped,
                "skipped_details": [(s.conversation_id, s.reason) for s in self.skipped_details],
                "unread": dict(self.unread),
                "messages": self.messages,
                "assets": sorted(self.assets),
                "again": self.again,
                "vendors": dict(self.vendors),
                "notes": dict(self.notes) if kind == "end" else {},
                "unconverted": self.unconverted,
            }
        )
        done = time.perf_counter()
        self.balance.sent(done - started, done - self.last_sent_done)
        self.last_sent_done = done
        self._new_part()
        self.last_sent = now


class _Balance:
    """Which Gemini answers this process leaves for the importing process to convert from
    HTML to Markdown, so that neither process waits for the other.

    Reading a Gemini log is the slower half of its import (its cells are parsed in Python,
    then its answers converted): the importing process, which would wait, converts a share
    of the answers instead. The share follows the time this process waits to send its
    parts (the pipe is full: the importing process is behind): it falls while that time is
    more than a small part of the time between sends, and rises while it is less. An
    answer long enough that its Markdown could pass the message-size limit (which is
    checked here) is always converted here."""

    WAITING = 0.05  # the share of its time this process may wait to send
    GAIN = 0.5

    def __init__(self, max_message_bytes: int) -> None:
        # Markdown is at most a few times its HTML (escapes double a character, a list's
        # indent is bounded: html_text.DEEPEST_LIST), a character at most 4 bytes.
        self.longest = max_message_bytes // 64
        self.share = 0.5
        self._owed = 0.0

    def later(self, characters: int) -> bool:
        if characters > self.longest:
            return False
        self._owed += self.share
        if self._owed < 1.0:
            return False
        self._owed -= 1.0
        return True

    def sent(self, waited: float, elapsed: float) -> None:
        """A part was sent, after `waited` seconds of the `elapsed` since the last."""
        waiting = waited / elapsed if elapsed > 0 else 0.0
        self.share = min(1.0, max(0.0, self.share + self.GAIN * (self.WAITING - waiting)))


class _SeenIds:
    """The conversation ids read so far, to skip a second copy. On disk: a set in memory grew
    with the export (5.7 MB at 1 GB, 60,000 conversations), where SQLite's private temporary
    database keeps at most its page cache (2 MB) in memory and spills the rest to a file it
    deletes. 3.5 microseconds per conversation."""

    def __init__(self) -> None:
        self._db = sqlite3.connect("", isolation_level=None)
        self._db.execute("PRAGMA journal_mode = OFF")
        self._db.execute("CREATE TABLE seen (id TEXT PRIMARY KEY, file INTEGER) WITHOUT ROWID")

    NEW, TWICE, EARLIER_FILE = "new", "twice", "earlier file"

    def add(self, conversation_id: str, file: int) -> str:
        """Remember the id: NEW; TWICE if this file held it before; EARLIER_FILE if an
        earlier file of the export did (the file it is remembered with stays the first)."""
        added = self._db.execute(
            "INSERT OR IGNORE INTO seen VALUES (?, ?)", (conversation_id, file)
        )
        if added.rowcount == 1:
            return self.NEW
        (first,) = self._db.execute(
            "SELECT file FROM seen WHERE id = ?", (conversation_id,)
        ).fetchone()
        if first == file:
            return self.TWICE
        self._db.execute("UPDATE seen SET file = ? WHERE id = ?", (file, conversation_id))
        return self.EARLIER_FILE


def main() -> int:
    # Ctrl+C at a terminal reaches the whole process group; the importing process decides
    # what it means (cancel at the next batch) and ends this one.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Every JSON object and list read is a short-lived container that reference counting
    # frees; the cyclic collector's pass every 700 allocations (the default) found nothing to
    # collect and cost 3-4 % of the reader's time. It still runs, 140 times less often.
    gc.set_threshold(100_000)
    try:
        return serve(sys.stdin.buffer, sys.stdout.buffer)
    except BrokenPipeError:
        # The importing process is gone (killed, or it cancelled): stop quietly, and keep
        # the interpreter's final flush from complaining about the pipe too.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
