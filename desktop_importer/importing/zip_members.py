"""Many members of a ZIP read one at a time, without zipfile's directory of every member.

`zipfile.ZipFile` keeps a ZipInfo for each member, about 630 bytes with its name and its
index entry: a Le Chat export holds one file per conversation, and the 58,899 of a 1 GB one
cost 37 MB in each process that opened it, a peak that grew with the export (issue #26:
flat memory at any size). The reading process needs, of each conversation file it was
given, six numbers: here they are read from the central directory in one pass and kept in
arrays (48 bytes a member), and each member is opened from them as zipfile opens it (its
local header checked, its bytes inflated and their CRC and size checked by ZipExtFile, with
the inflaters this package gives zipfile: inflate.py).

Members are named as zipfile names them (`ZipInfo.filename`: cut at a NUL byte), and where a
name appears twice the last entry is read, as `ZipFile.open(name)` does. Anything this does
not expect raises `zipfile.BadZipFile`, which the caller words as a damaged export.
"""

from __future__ import annotations

import os
import struct
import zipfile
from array import array
from typing import IO, TYPE_CHECKING

from desktop_importer.importing import inflate  # noqa: F401  (ZipExtFile's inflaters)

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

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
    system's separator written as "/")."""
    name = raw.decode("utf-8" if flags & _UTF8_NAME else "cp437").partition("\x00")[0]
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


class Members:
    """The members `names` of the ZIP at `handle` (opened by the caller, binary, seekable)."""

    def __init__(self, handle: IO[bytes], names: Sequence[str]) -> None:
        self.handle = handle
        self.names = names
        count = len(names)
        self.offset, self.compressed, self.size, self.crc, self.method, self.flags = (
            array("q", [-1]) * count for _ in range(6)
        )
        wanted = {name: at for at, name in enumerate(names)}
        for name, fields in self._directory():
            if (at := wanted.get(name)) is not None:
                (
                    self.offset[at],
                    self.compressed[at],
                    self.size[at],
                    self.crc[at],
                    self.method[at],
                    self.flags[at],
                ) = fields

    def _directory(self) -> Iterator[tuple[str, tuple[int, int, int, int, int, int]]]:
        """Each entry of the central directory, in its order: its name, and (local header
        offset, compressed size, size, CRC, method, flags)."""
        handle = self.handle
        end = zipfile._EndRecData(handle)  # type: ignore[attr-defined]  # as ZipFile reads it
        if not end:
            raise zipfile.BadZipFile("File is not a zip file")
        size, start = end[zipfile._ECD_SIZE], end[zipfile._ECD_OFFSET]  # type: ignore[attr-defined]
        concat = end[zipfile._ECD_LOCATION] - size - start  # type: ignore[attr-defined]
        if end[zipfile._ECD_SIGNATURE] == zipfile.stringEndArchive64:  # type: ignore[attr-defined]
            concat -= zipfile.sizeEndCentDir64 + zipfile.sizeEndCentDir64Locator  # type: ignore[attr-defined]
        if start + concat < 0:
            raise zipfile.BadZipFile("Bad offset for central directory")
        handle.seek(start + concat)
        read = 0
        while read < size:
            record = handle.read(_CENTRAL.size)
            if len(record) != _CENTRAL.size:
                raise zipfile.BadZipFile("Truncated central directory")
            fields = _CENTRAL.unpack(record)
            if fields[0] != _CENTRAL_SIGNATURE:
                raise zipfile.BadZipFile("Bad magic number for central directory")
            flags, method = fields[5:7]
            crc, compressed, length, name_length, extra_length, comment_length = fields[9:15]
            offset = fields[18]
            raw = handle.read(name_length)
            extra = handle.read(extra_length)
            handle.seek(comment_length, 1)
            if _MAX32 in (length, compressed, offset):
                length, compressed, offset = _zip64(extra, length, compressed, offset)
            yield _name(raw, flags), (offset + concat, compressed, length, crc, method, flags)
            read += _CENTRAL.size + name_length + extra_length + comment_length

    def __iter__(self) -> Iterator[tuple[str, zipfile.ZipExtFile]]:
        """Each member in the order named, opened (the caller reads it before the next)."""
        for at, name in enumerate(self.names):
            if self.offset[at] < 0:
                raise zipfile.BadZipFile(f"{name} is not in the central directory")
            yield name, self._open(at, name)

    def _open(self, at: int, name: str) -> zipfile.ZipExtFile:
        info = zipfile.ZipInfo(name)
        info.header_offset = self.offset[at]
        info.compress_size, info.file_size = self.compressed[at], self.size[at]
        info.CRC, info.compress_type, info.flag_bits = self.crc[at], self.method[at], self.flags[at]
        if info.flag_bits & _UNREADABLE_FLAGS:
            raise zipfile.BadZipFile(f"{name} is encrypted or patched")
        self.handle.seek(info.header_offset)
        header = self.handle.read(_LOCAL.size)
        if len(header) != _LOCAL.size:
            raise zipfile.BadZipFile("Truncated file header")
        fields = _LOCAL.unpack(header)
        if fields[0] != _LOCAL_SIGNATURE:
            raise zipfile.BadZipFile("Bad magic number for file header")
        if _name(self.handle.read(fields[10]), fields[3]) != name:
            raise zipfile.BadZipFile(f"The names of {name} in the directory and header differ")
        self.handle.seek(fields[11], 1)  # its extra field
        return zipfile.ZipExtFile(self.handle, "r", info, None, False)
