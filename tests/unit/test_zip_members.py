"""The reading process opens a Le Chat export's many files as it walks the ZIP's directory,
and the importing process tells an export's kind from a lean listing (not zipfile's
directory of every member, whose memory grows fast with the files): what they list and
read must be what zipfile lists and reads, member by member, and a damaged member must
fail as zipfile fails on it."""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

import pytest

from desktop_importer.basics.errors import InvalidExport
from desktop_importer.importing import zip_members
from desktop_importer.importing.objects import iter_objects
from desktop_importer.importing.source import open_export
from desktop_importer.importing.zip_members import Listing, _zip64
from tests.helpers.exports import write_zip
from tests.helpers.lechat import SECOND, chats


def _walk(path: Path) -> list[tuple[str, bytes]]:
    """Every member, read as the reading process reads a Le Chat export's: each opened and
    read between two entries of the directory walk, which goes on where it was."""
    with path.open("rb") as handle:
        read = []
        for name, record in zip_members.directory(handle):
            with zip_members.open_member(handle, name, record) as opened:
                read.append((name, opened.read()))
        return read


def _zipfile_reads(path: Path) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(path) as archive:
        return [(info.filename, archive.read(info)) for info in archive.infolist()]


def test_every_member_reads_as_zipfile_reads_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the directory read in pieces far smaller than a record (64 KB at a time
    otherwise), so that the walk reads on after members were read from elsewhere."""
    monkeypatch.setattr(zip_members, "_CHUNK", 7)
    path = tmp_path / "mixed.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("stored.json", b"[1, 2]", compress_type=zipfile.ZIP_STORED)
        archive.writestr("deflated.json", b"[" + b"3, " * 5000 + b"4]", zipfile.ZIP_DEFLATED)
        archive.writestr("日本語/チャット.json", '["東京"]'.encode(), zipfile.ZIP_DEFLATED)
        archive.writestr("empty.json", b"", zipfile.ZIP_DEFLATED)
        archive.writestr("cp437 cafX.json", b"[5]")  # its X made 0x82 below: "é" in cp437
    data = path.read_bytes().replace(b"cafX", b"caf\x82")
    path.write_bytes(data)
    assert "cp437 café.json" in zipfile.ZipFile(path).namelist()
    assert _walk(path) == _zipfile_reads(path)


def test_a_zip_after_other_bytes_and_a_name_twice_read_as_zipfile_reads_them(
    tmp_path: Path,
) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("chat-a.json", b'["first"]')
        archive.writestr("chat-b.json", b'["other"]')
        with pytest.warns(UserWarning, match="Duplicate name"):
            archive.writestr("chat-a.json", b'["second"]')  # zipfile opens the last
    path = tmp_path / "prefixed.zip"
    path.write_bytes(b"#!/bin/sh\nexit 0\n" * 40 + buffer.getvalue())  # as a self-extractor
    assert _walk(path) == _zipfile_reads(path)
    with Listing(path) as listing:
        last = listing.get("chat-a.json")
        assert last is not None and listing.read(last) == b'["second"]'


def test_sizes_past_four_gigabytes_are_read_from_the_zip64_field() -> None:
    extra = struct.pack("<HH", 0x5455, 5) + b"\x01abcd"  # another field first
    extra += struct.pack("<HHQQ", 0x0001, 16, 5_000_000_000, 6_000_000_000)
    assert _zip64(extra, 0xFFFFFFFF, 12, 0xFFFFFFFF) == (5_000_000_000, 12, 6_000_000_000)
    with pytest.raises(zipfile.BadZipFile):
        _zip64(extra[:-8], 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF)  # three asked for, two there


def test_a_damaged_chat_file_says_the_export_is_damaged(tmp_path: Path) -> None:
    """The last of 70 chats, which nothing opens before the reading process does (telling
    the export's kind opens the first few)."""
    chat = chats()[SECOND]
    members = {
        f"chat-{number:04}.json": [{**message, "chatId": f"c{number}"} for message in chat]
        for number in range(70)
    }
    path = write_zip(tmp_path / "chat-export.zip", members)
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        at = archive.getinfo("chat-0069.json").header_offset
    data[at : at + 4] = b"PK\x09\x09"  # its local header's signature
    path.write_bytes(bytes(data))
    export = open_export(path)
    read: list[object] = []
    with pytest.raises(InvalidExport, match=r"chat-export\.zip is damaged"):
        read.extend(iter_objects(export, lambda count: None))
    assert len(read) == 69


LISTED = (
    "filename", "file_size", "compress_size", "compress_type", "flag_bits", "create_system",
    "external_attr", "header_offset", "date_time",
)  # fmt: skip


def test_a_listing_lists_and_reads_every_member_as_zipfile_does(tmp_path: Path) -> None:
    """Every attribute the importing process reads to tell an export's kind."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("chats/", (2026, 3, 1, 0, 0, 0)), b"")
        archive.writestr("chats/chat-1.json", b"[" + b'{"chatId": "1"}, ' * 900 + b"0]")
        stored = zipfile.ZipInfo("chats/stored.json", (2025, 12, 31, 23, 59, 58))
        stored.comment = b"a comment on the member"
        stored.extra = b"\x55\x54\x05\x00\x01abcd"  # an extended-time field
        archive.writestr(stored, b"[]", zipfile.ZIP_STORED)
        link = zipfile.ZipInfo("chats/link.json", (2024, 2, 29, 12, 30, 14))
        link.create_system, link.external_attr = 3, 0o120777 << 16
        archive.writestr(link, b"/etc/passwd")
        archive.writestr("日本語/チャット.json", '["東京"]'.encode())
        archive.writestr("cp437 cafX.json", b"[5]")  # its X made 0x82 below: "é" in cp437
    path = tmp_path / "listed.zip"
    path.write_bytes(b"prefix" * 50 + buffer.getvalue().replace(b"cafX", b"caf\x82"))
    with zipfile.ZipFile(path) as archive, Listing(path) as listing:
        expected = [(*(getattr(i, a) for a in LISTED), i.is_dir()) for i in archive.infolist()]
        listed = [(*(getattr(e, a) for a in LISTED), e.is_dir()) for e in listing]
        assert listed == expected
        assert "cp437 café.json" in listing.names
        assert [listing.read(e) for e in listing] == [archive.read(i) for i in archive.infolist()]
        found = listing.get("chats/chat-1.json")
        assert found is not None and listing.read(found).startswith(b'[{"chatId": "1"}')
        assert listing.get("chats/missing.json") is None


def test_a_cut_directory_is_a_damaged_export(tmp_path: Path) -> None:
    """The central directory's size says more than the file holds: the export is damaged,
    as zipfile says of it, and no member is taken from the part that is there."""
    path = write_zip(tmp_path / "chat-export.zip", {f"chat-{n}.json": [] for n in range(30)})
    data = bytearray(path.read_bytes())
    end = data.rindex(b"PK\x05\x06")
    size = int.from_bytes(data[end + 12 : end + 16], "little")
    data[end + 12 : end + 16] = (size + 500).to_bytes(4, "little")  # and its offset earlier
    data[end + 16 : end + 20] = (
        int.from_bytes(data[end + 16 : end + 20], "little") - 500
    ).to_bytes(4, "little")
    path.write_bytes(bytes(data))
    with pytest.raises(zipfile.BadZipFile):
        Listing(path)
    with pytest.raises(InvalidExport, match=r"chat-export\.zip is a damaged or incomplete ZIP"):
        open_export(path)


def test_a_name_marked_utf8_that_is_not_is_a_damaged_export(tmp_path: Path) -> None:
    """zipfile lets UnicodeDecodeError out of such a ZIP; the import says one sentence."""
    path = write_zip(tmp_path / "chat-export.zip", {"chat-Xabc.json": []})
    data = bytearray(path.read_bytes().replace(b"chat-X", b"chat-\xff"))
    central = data.index(b"PK\x01\x02")
    data[central + 9] |= 0x08  # bit 11: the name is UTF-8
    path.write_bytes(bytes(data))
    with pytest.raises(zipfile.BadZipFile):
        Listing(path)
    with pytest.raises(InvalidExport, match=r"^chat-export\.zip is a damaged or incomplete ZIP"):
        open_export(path)
