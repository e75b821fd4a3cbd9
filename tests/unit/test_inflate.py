"""Deflate members are inflated by ISA-L, byte for byte as zlib would, with zlib's errors."""

from __future__ import annotations

import io
import random
import zipfile
import zlib

import pytest

from desktop_importer.importing import inflate


def test_deflate_members_come_out_whole_through_isal() -> None:
    assert isinstance(zipfile._get_decompressor(zipfile.ZIP_DEFLATED), inflate._Inflater)  # type: ignore[attr-defined]
    body = "".join(random.Random(3).choice("ab 机器学习 ü\n") for _ in range(300_000)).encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("conversations.json", body)
    with zipfile.ZipFile(buffer) as archive, archive.open("conversations.json") as member:
        assert b"".join(iter(lambda: member.read(7_000), b"")) == body
        member.seek(100)  # seeking back starts a new inflater
        assert member.read(50) == body[100:150]


def test_a_damaged_deflate_stream_raises_zlibs_error() -> None:
    with pytest.raises(zlib.error):
        inflate._Inflater().decompress(b"\xff" * 64)
