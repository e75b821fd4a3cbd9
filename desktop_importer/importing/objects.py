"""The conversation objects of an opened export (source.py), one at a time, from a bare
JSON file or each conversations member of a ZIP: the fast path over the array
(json_stream.py), ijson where it is not sure, every byte counted for progress, and a parse
error placed at its byte, in one sentence."""

from __future__ import annotations

import contextlib
import zipfile
import zlib
from collections import Counter
from typing import IO, TYPE_CHECKING, Any, TypeVar

import ijson
import orjson

from desktop_importer.basics.errors import InvalidExport, PathProblem
from desktop_importer.importing import activity, json_stream, zip_members
from desktop_importer.importing.source import (
    LECHAT_HEAD_BYTES,
    ExportFile,
    disappeared,
    is_lechat_chat,
)
from desktop_importer.vendors import lechat
from desktop_importer.vendors.lechat import NESTED_TOO_DEEPLY

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

CHUNK = 256 * 1024


class _Counted:
    """Reports bytes read, except the first `skip` (read already, before ijson took over
    from the fast path and read the stream again)."""

    def __init__(self, on_bytes: Callable[[int], None], skip: int = 0) -> None:
        self.on_bytes, self.skip, self.total = on_bytes, skip, 0

    def __call__(self, count: int) -> None:
        again = min(count, self.skip)
        self.skip -= again
        self.total += count
        if count > again:
            self.on_bytes(count - again)


class _CountingReader:
    """A binary stream that reports every byte it hands out (progress), skips a UTF-8 BOM,
    and keeps the last two chunks so a parse error can be placed at its exact byte."""

    def __init__(self, raw: IO[bytes], on_bytes: Callable[[int], None]) -> None:
        self._raw = raw
        self._on_bytes = on_bytes
        self.offset = 0
        self.exhausted = False
        self._recent: list[tuple[int, bytes]] = []
        self._pending = raw.read(CHUNK)
        self._on_bytes(len(self._pending))
        if self._pending.startswith(b"\xef\xbb\xbf"):
            self._pending = self._pending[3:]
            self.offset = 3

    def first_significant_byte(self) -> bytes:
        return self._pending.lstrip(b" \t\r\n")[:1]

    def read(self, size: int = -1) -> bytes:
        if size == 0:  # ijson probes the stream's type with read(0)
            return b""
        if self._pending:
            data, self._pending = self._pending, b""
        else:
            data = self._raw.read(size if size and size > 0 else CHUNK)
            self._on_bytes(len(data))
            self.exhausted = not data
        self._recent = [*self._recent[-1:], (self.offset, data)]
        self.offset += len(data)
        return data

    def locate(self, message: str) -> int | None:
        """The byte offset of a yajl error, from the context snippet and caret it prints.

        yajl's caret stands just past the last byte it consumed, which is the offending one
        for most errors (one byte early for a misplaced closing bracket)."""
        lines = message.split("\n")
        if len(lines) < 3 or "^" not in lines[2] or not lines[1].strip():
            return None
        indent = len(lines[1]) - len(lines[1].lstrip(" "))
        snippet = lines[1][indent:].encode("utf-8", "replace")
        caret = lines[2].index("^") - indent
        if not self._recent:
            return None
        start = self._recent[0][0]
        window = b"".join(data for _, data in self._recent)
        found = window.rfind(snippet)
        return None if found < 0 else start + found + max(0, caret - 1)


def iter_objects(
    export: ExportFile,
    on_bytes: Callable[[int], None],
    notes: Counter[str] | None = None,
    reread: Callable[[int, int], None] | None = None,
) -> Iterator[Any]:
    """Every conversation object of the export, in order, parsed one at a time (`notes`
    counts what a Gemini log holds that is not a conversation, for the report; `reread`
    is told how far its second pass is: activity.conversations)."""
    if export.activity is not None:
        counted = notes if notes is not None else Counter()
        yield from activity.conversations(_activity_entries(export, on_bytes), counted, reread)
        return
    if export.members is None:
        with _opened(export, lambda: export.path.open("rb")) as handle:
            if export.whole:
                if (chat := _whole(handle, export.name, on_bytes)) is not None:
                    yield chat
            else:
                yield from _objects_in(handle, export.name, on_bytes, export.lists)
        return
    try:
        if export.chats is not None:  # a file per conversation: see source.ChatFiles
            with _opened(export, lambda: export.path.open("rb")) as handle:
                for member, record in zip_members.directory(handle):
                    if not export.chats.takes(member, record):
                        continue
                    with zip_members.open_member(handle, member, record) as opened:
                        chat = _whole(opened, member, on_bytes)
                    if chat is not None:
                        yield chat
            return
        with _opened(export, lambda: zipfile.ZipFile(export.path)) as archive:
            for member in export.members:
                with archive.open(member) as handle:
                    yield from _objects_in(handle, member, on_bytes, export.lists)
    except (zipfile.BadZipFile, zlib.error, EOFError):
        raise InvalidExport(
            f"{export.name} is damaged: a part of it cannot be decompressed; "
            "download the export again."
        ) from None


T = TypeVar("T")


def _opened(export: ExportFile, opener: Callable[[], T]) -> T:
    """Open the export again for reading; it may have vanished since it was checked."""
    try:
        return opener()
    except FileNotFoundError:
        raise disappeared(export) from None
    except OSError as e:
        raise PathProblem(f"{export.name} cannot be read ({e.strerror}).") from None


def _activity_entries(export: ExportFile, on_bytes: Callable[[int], None]) -> Iterator[Any]:
    """The entries of a Gemini activity log, in the log's order (newest first)."""
    try:
        with contextlib.ExitStack() as stack:
            handles: list[tuple[str, IO[bytes]]]
            if export.members is None:
                opened: IO[bytes] = stack.enter_context(
                    _opened(export, lambda: export.path.open("rb"))
                )
                handles = [(export.name, opened)]
            else:
                archive = stack.enter_context(_opened(export, lambda: zipfile.ZipFile(export.path)))
                handles = [(m, stack.enter_context(archive.open(m))) for m in export.members]
            for name, handle in handles:
                if export.activity == "html":
                    yield from activity.html_cells(handle, name, on_bytes)
                else:
                    yield from _objects_in(handle, name, on_bytes, ("conversations",))
    except (zipfile.BadZipFile, zlib.error, EOFError):
        raise InvalidExport(
            f"{export.name} is damaged: a part of it cannot be decompressed; "
            "download the export again."
        ) from None


def _whole(handle: json_stream.Readable, name: str, on_bytes: Callable[[int], None]) -> Any:
    """One file that is one conversation, a bare array of its messages (Le Chat's
    chat-<id>.json; its size bounded by max_member_bytes before it is read), as the object
    its vendor module reads; None for a file beside the chats that is not one (told by its
    first bytes, as source._lechat_chats tells the first chat). A file nested too deeply
    for the parser costs its conversation; a file that is not JSON is refused, as any
    export's file is."""
    chunks = []
    while chunk := handle.read(CHUNK):
        on_bytes(len(chunk))
        chunks.append(chunk)
    data = b"".join(chunks)
    if not is_lechat_chat(data[:LECHAT_HEAD_BYTES]):
        return None
    chat_id = name.rsplit("/", 1)[-1].removesuffix(".json").removeprefix("chat-")
    try:
        return lechat.wrap(chat_id, orjson.loads(data))
    except orjson.JSONDecodeError as error:
        if "recursion" in error.msg.lower() or "depth" in error.msg.lower():
            return lechat.wrap(chat_id, NESTED_TOO_DEEPLY)
        if error.pos >= len(data.rstrip()) - 1:
            raise InvalidExport(
                f"{name} ends in the middle of its JSON (after byte {len(data):,}); "
                "the export is incomplete, perhaps cut off while downloading."
            ) from None
        raise InvalidExport(
            f"{name} is not valid JSON (at byte {error.pos:,}: {error.msg}); "
            "the export may be damaged."
        ) from None


def _objects_in(
    handle: IO[bytes], name: str, on_bytes: Callable[[int], None], lists: tuple[str, ...]
) -> Iterator[Any]:
    """The items of the file's top-level array, or of the arrays its top-level object holds
    under `lists` (the wrapped form `{"conversations": [...]}`, Grok's media posts)."""
    counted = _Counted(on_bytes)
    reader = _CountingReader(handle, counted)
    first = reader.first_significant_byte()
    yielded: dict[str, int] = {}
    if first not in (b"[", b"{"):
        raise InvalidExport(f"{name} does not hold a list of conversations.")
    try:  # the fast path (json_stream.py); ijson takes over where it is not sure
        if first == b"[":
            for item in json_stream.array_items(reader):
                yielded["item"] = yielded.get("item", 0) + 1
                yield item
        else:
            for key, item in json_stream.object_lists(reader, lists):
                yielded[key] = yielded.get(key, 0) + 1
                yield item
        return
    except json_stream.NotClean:
        pass
    seen = counted.total  # each byte is counted once, however often it is read
    for prefix in ["item"] if first == b"[" else lists:
        handle.seek(0)
        again = _Counted(on_bytes, skip=seen)
        yield from _ijson_items(
            _CountingReader(handle, again), name, prefix, yielded.get(prefix, 0)
        )
        seen = max(seen, again.total)


def _ijson_items(reader: _CountingReader, name: str, prefix: str, done: int) -> Iterator[Any]:
    """ijson's items at `prefix`, after the first `done` (yielded by the fast path); an
    error in the JSON said in one sentence, placed at its byte."""
    if prefix != "item":
        prefix += ".item"
    try:
        for index, item in enumerate(ijson.items(reader, prefix, use_float=True)):
            if index >= done:
                yield item
    except ijson.JSONError as error:
        message = str(error)
        at = reader.locate(message)
        if "premature EOF" in message or (at is None and reader.exhausted):
            raise InvalidExport(
                f"{name} ends in the middle of its JSON (after byte {reader.offset:,}); "
                "the export is incomplete, perhaps cut off while downloading."
            ) from None
        where = f"at byte {at:,}" if at is not None else f"near byte {reader.offset:,}"
        raise InvalidExport(
            f"{name} is not valid JSON ({where}: {message.split(chr(10))[0]}); "
            "the export may be damaged."
        ) from None
