"""The reading process opens a Le Chat export's many files from six numbers each (not
zipfile's directory of every member): what it reads must be what zipfile reads, member by
member, and a damaged member must fail as zipfile fails on it."""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

import pytest

from desktop_importer.basics.errors import InvalidExport
from desktop_importer.importing.objects import iter_objects
from desktop_importer.importing.source import open_export
from desktop_importer.importing.zip_members import Members, _zip64
from tests.helpers.exports import write_zip
from tests.helpers.lechat import SECOND, chats


def _read_all(path: Path, names: list[str]) -> list[tuple[str, bytes]]:
    with path.open("rb") as handle:
        return [(name, opened.read()) for name, opened in Members(handle, names)]


def _zipfile_reads(path: Path, names: list[str]) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(path) as archive:
        return [(name, archive.read(name)) for name in names]


def test_every_member_reads_as_zipfile_reads_it(tmp_path: Path) -> None:
    path = tmp_path / "mixed.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("stored.json", b"[1, 2]", compress_type=zipfile.ZIP_STORED)
        archive.writestr("deflated.json", b"[" + b"3, " * 5000 + b"4]", zipfile.ZIP_DEFLATED)
        archive.writestr("日本語/チャット.json", '["東京"]'.encode(), zipfile.ZIP_DEFLATED)
        archive.writestr("empty.json", b"", zipfile.ZIP_DEFLATED)
        archive.writestr("cp437 cafX.json", b"[5]")  # its X made 0x82 below: "é" in cp437
    data = path.read_bytes().replace(b"cafX", b"caf\x82")
    path.write_bytes(data)
    names = zipfile.ZipFile(path).namelist()
    assert "cp437 café.json" in names
    order = sorted(names, reverse=True)  # in the order asked, not the directory's
    assert _read_all(path, order) == _zipfile_reads(path, order)


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
    names = ["chat-a.json", "chat-b.json"]
    assert _read_all(path, names) == _zipfile_reads(path, names)
    assert dict(_read_all(path, names))["chat-a.json"] == b'["second"]'


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
