"""A ZIP's members listed and read without zipfile's directory of every member.

`zipfile.ZipFile` keeps a ZipInfo for each member, about 630 bytes with its name and its
index entry: a Le Chat export holds one file per conversation, and the 58,899 of a 1 GB one
cost 37 MB in each process that opened it, a peak that grew with the export (issue #26:
flat memory at any size). So:

- the importing process tells an export's kind from a `Listing` (source.py, export_set.py):
  names in a list, the numbers it reads in arrays, an `Entry` made only when asked;
- the reading process keeps nothing per member: it walks the central directory
  (`directory`), 64 KB at a time, and opens each member the export's rule takes
  (source.ChatFiles) as it comes (`open_member`).

Members are opened as zipfile opens them (the local header checked, the bytes inflated and
their CRC and size checked by ZipExtFile, with the inflaters this package gives zipfile:
inflate.py) and named as zipfile names them (`ZipInfo.filename`: UTF-8 or cp437, cut at a
NUL byte); `Listing.get` gives the last entry of a name, as `ZipFile.getinfo` does. Anything
unexpected raises `zipfile.BadZipFile`, which the caller words as a damaged export.
"""

from __future__ import annotations

import os
import struct
import zipfile
from array import array
from typing import IO, TYPE_CHECKING, NamedTuple

from desktop_importer.importing import inflate  # noqa: F401  (ZipExtFile's inflaters)

if TYPE_CHECKING:
    from collections.abc import Iterator

# The records as zipfile reads them (its structCentralDir and structFileHeader).
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")
_CENTRAL_SIGNATURE = b"PK\x01\x02"
_LOCAL = struct.Struct("<4s2B4HL2L2H")
_LOCAL_SIGNATURE = b"PK\x03\x04"
_UTF8_NAME = 0x800
_UNREADABLE_FLAGS = 0x1 | 0x20 | 0x40  # encrypted, patched, strongly encrypted
_ZIP64_EXTRA = 0x0001
_MAX32 = 0xFFFFFFFF


def _name(raw: bytes, flags: int) -> str:
    """The member's name as zipfile gives it (ZipInfo.filename: cut at a NUL byte, this
    system's separator written as "/"). A name marked UTF-8 that is not is a damaged ZIP
    (zipfile lets UnicodeDecodeError out, which reached the person as a traceback)."""
    try:
        name = raw.decode("utf-8" if flags & _UTF8_NAME else "cp437").partition("\x00")[0]
    except UnicodeDecodeError:
        raise zipfile.BadZipFile("A name marked UTF-8 is not UTF-8") from None
    return name.replace(os.sep, "/") if os.sep != "/" else name


def _zip64(extra: bytes, size: int, compressed: int, offset: int) -> tuple[int, int, int]:
    """The sizes and offset a ZIP64 extra field holds for those the record left at 2**32-1."""
    at = 0
    while at + 4 <= len(extra):
        kind, length = struct.unpack_from("<HH", extra, at)
        if kind == _ZIP64_EXTRA:
            wanted = sum(value == _MAX32 for value in (size, compressed, offset))
            if length < 8 * wanted or at + 4 + 8 * wanted > len(extra):
                break
            values = list(struct.unpack_from(f"<{wanted}Q", extra, at + 4))
            if size == _MAX32:
                size = values.pop(0)
            if compressed == _MAX32:
                compressed = values.pop(0)
            if offset == _MAX32:
                offset = values.pop(0)
            return size, compressed, offset
        at += 4 + length
    raise zipfile.BadZipFile("a ZIP64 size without its extra field")


_CHUNK = 1 << 16  # the central directory is read 64 KB at a time


class Record(NamedTuple):
    """What the central directory says of a member (as ZipInfo names them in comments)."""

    offset: int  # header_offset: where its local header starts in the file
    compressed: int  # compress_size
    size: int  # file_size
    crc: int  # CRC
    method: int  # compress_type
    flags: int  # flag_bits
    system: int  # create_system
    attributes: int  # external_attr
    stamp: int  # its DOS date and time as one number: date << 16 | time


def directory(handle: IO[bytes]) -> Iterator[tuple[str, Record]]:
    """Each entry of the central directory of the ZIP at `handle`, in its order: its name
    and its Record. The caller may open members between entries (`open_member` moves the
    handle: the directory is read from where it was left)."""
    end = zipfile._EndRecData(handle)  # type: ignore[attr-defined]  # as ZipFile reads it
    if not end:
        raise zipfile.BadZipFile("File is not a zip file")
    size, start = end[zipfile._ECD_SIZE], end[zipfile._ECD_OFFSET]  # type: ignore[attr-defined]
    concat = end[zipfile._ECD_LOCATION] - size - start  # type: ignore[attr-defined]
    if end[zipfile._ECD_SIGNATURE] == zipfile.stringEndArchive64:  # type: ignore[attr-defined]
        concat -= zipfile.sizeEndCentDir64 + zipfile.sizeEndCentDir64Locator  # type: ignore[attr-defined]
    if start + concat < 0:
        raise zipfile.BadZipFile("Bad offset for central directory")
    position, left = start + concat, size  # where to read on, and what is left to read
    buffer, at = b"", 0
    while left > 0 or at < len(buffer):
        if len(buffer) - at < _CENTRAL.size:
            buffer, at, position, left = _fill(handle, buffer, at, position, left, _CENTRAL.size)
        fields = _CENTRAL.unpack_from(buffer, at)
        if fields[0] != _CENTRAL_SIGNATURE:
            raise zipfile.BadZipFile("Bad magic number for central directory")
        system, flags, method, time, date = fields[2], *fields[5:9]
        crc, compressed, length, name_length, extra_length, comment_length = fields[9:15]
        attributes, offset = fields[17:19]
        at += _CENTRAL.size
        if len(buffer) - at < (rest := name_length + extra_length + comment_length):
            buffer, at, position, left = _fill(handle, buffer, at, position, left, rest)
        raw = buffer[at : at + name_length]
        at += name_length
        if _MAX32 in (length, compressed, offset):
            extra = buffer[at : at + extra_length]
            length, compressed, offset = _zip64(extra, length, compressed, offset)
        at += extra_length + comment_length
        yield _name(raw, flags), Record(
            offset + concat, compressed, length, crc, method, flags, system, attributes,
            date << 16 | time,
        )  # fmt: skip


def _fill(
    handle: IO[bytes], buffer: bytes, at: int, position: int, left: int, wanted: int
) -> tuple[bytes, int, int, int]:
    """The directory's unread bytes from `at` on, with at least `wanted` of them: read from
    `position` (the caller may have moved the handle since), of the `left` not yet read."""
    buffer = buffer[at:]
    handle.seek(position)
    while len(buffer) < wanted:
        chunk = handle.read(min(left, max(_CHUNK, wanted - len(buffer))))
        if not chunk:
            raise zipfile.BadZipFile("Truncated central directory")
        buffer += chunk
        position, left = position + len(chunk), left - len(chunk)
    return buffer, 0, position, left


def open_member(handle: IO[bytes], name: str, record: Record) -> zipfile.ZipExtFile:
    """The member `name`, opened as ZipFile.open opens it: its local header checked, its
    bytes inflated and their CRC and size checked as they are read (read it before the
    handle is used for anything else)."""
    info = zipfile.ZipInfo(name)
    info.header_offset, info.compress_size, info.file_size = record[:3]
    info.CRC, info.compress_type, info.flag_bits = record[3:6]
    if info.flag_bits & _UNREADABLE_FLAGS:
        raise zipfile.BadZipFile(f"{name} is encrypted or patched")
    handle.seek(info.header_offset)
    header = handle.read(_LOCAL.size)
    if len(header) != _LOCAL.size:
        raise zipfile.BadZipFile("Truncated file header")
    local = _LOCAL.unpack(header)
    if local[0] != _LOCAL_SIGNATURE:
        raise zipfile.BadZipFile("Bad magic number for file header")
    if _name(handle.read(local[10]), local[3]) != name:
        raise zipfile.BadZipFile(f"The names of {name} in the directory and header differ")
    handle.seek(local[11], 1)  # its extra field
    return zipfile.ZipExtFile(handle, "r", info, None, False)


class Listing:
    """Every member of a ZIP, as `ZipFile.infolist()` lists them: names in a list, numbers
    in arrays (41 bytes a member besides its name, where a ZipInfo takes about 630), and an
    `Entry` made for a member only when asked. The importing process tells an export's kind
    from this; a Le Chat export's 58,899 files made zipfile's listing a transient 46 MB
    there (tracemalloc's peak while its kind is told: 24 MB with this).

    Opened from a path, closed with `with`; `open(entry)` reads a member as ZipFile.open
    does (see `open_member`)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.handle: IO[bytes] = open(path, "rb")  # noqa: SIM115  (closed by close())
        try:
            self.names: list[str] = []
            # offset, sizes: 8 bytes; CRC, attributes, date and time: 4; method, flags: 2
            columns = tuple(array(code) for code in ("q", "q", "q", "I", "H", "H", "B", "I", "I"))
            add = [column.append for column in columns]
            for name, record in directory(self.handle):
                self.names.append(name)
                for append, value in zip(add, record, strict=True):
                    append(value)
            (
                self.offset, self.compressed, self.size, self.crc, self.method, self.flags,
                self.system, self.attributes, self.stamp,
            ) = columns  # fmt: skip
            self._columns = columns
        except BaseException:
            self.handle.close()
            raise
        self._by_name: dict[str, int] | None = None

    def __enter__(self) -> Listing:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        self.handle.close()

    def __iter__(self) -> Iterator[Entry]:
        return (Entry(self, at) for at in range(len(self.names)))

    def get(self, name: str) -> Entry | None:
        """The member named `name` (the last of that name, as ZipFile.getinfo gives it)."""
        if self._by_name is None:
            self._by_name = {name: at for at, name in enumerate(self.names)}
        at = self._by_name.get(name)
        return None if at is None else Entry(self, at)

    def open(self, entry: Entry) -> zipfile.ZipExtFile:
        at = entry.at
        return open_member(
            self.handle, self.names[at], Record(*(column[at] for column in self._columns))
        )

    def read(self, entry: Entry) -> bytes:
        with self.open(entry) as opened:
            return opened.read()


class Entry:
    """One member of a Listing, with the ZipInfo attributes the importing process reads."""

    __slots__ = ("at", "listing")

    def __init__(self, listing: Listing, at: int) -> None:
        self.listing, self.at = listing, at

    @property
    def filename(self) -> str:
        return self.listing.names[self.at]

    @property
    def header_offset(self) -> int:
        return self.listing.offset[self.at]

    @property
    def compress_size(self) -> int:
        return self.listing.compressed[self.at]

    @property
    def file_size(self) -> int:
        return self.listing.size[self.at]

    @property
    def compress_type(self) -> int:
        return self.listing.method[self.at]

    @property
    def flag_bits(self) -> int:
        return self.listing.flags[self.at]

    @property
    def create_system(self) -> int:
        return self.listing.system[self.at]

    @property
    def external_attr(self) -> int:
        return self.listing.attributes[self.at]

    @property
    def date_time(self) -> tuple[int, int, int, int, int, int]:
        """As ZipInfo.date_time: (year, month, day, hour, minute, second)."""
        stamp = self.listing.stamp[self.at]
        date, time = stamp >> 16, stamp & 0xFFFF
        return (
            (date >> 9) + 1980, date >> 5 & 0xF, date & 0x1F,
            time >> 11, time >> 5 & 0x3F, (time & 0x1F) * 2,
        )  # fmt: skip

    def is_dir(self) -> bool:
        return self.filename.endswith("/")
