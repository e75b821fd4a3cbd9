"""Small media files as real exports hold them, and conversations that point at them."""

from __future__ import annotations

import hashlib
import struct
import zlib
from typing import Any

from tests.helpers.exports import BASE_TIME, linked, message, node


def png(width: int = 2, height: int = 2, *, seed: int = 0) -> bytes:
    """A valid PNG of a solid colour (`seed` changes the colour, so the bytes)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + bytes([seed % 256, 90, 160]) * width
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


def png_claiming(width: int, height: int) -> bytes:
    """A PNG header that declares a huge image, with a few bytes of data: a decompression
    bomb for any viewer that trusts the declared size."""
    return png(1, 1)[:16] + struct.pack(">II", width, height) + png(1, 1)[24:]


def jpeg_header(width: int = 640, height: int = 480) -> bytes:
    """The start of a baseline JPEG (SOI, APP0, SOF0): enough for its type and size."""
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    sof0 = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + app0 + sof0 + b"\xff\xd9"


def webp_header(width: int = 300, height: int = 200) -> bytes:
    body = b"VP8X" + struct.pack("<I", 10) + b"\x00\x00\x00\x00"
    body += (width - 1).to_bytes(3, "little") + (height - 1).to_bytes(3, "little")
    return b"RIFF" + struct.pack("<I", len(body) + 4) + b"WEBP" + body


def wav(seconds: float = 0.01) -> bytes:
    samples = b"\x00\x00" * int(8000 * seconds)
    fmt = struct.pack("<HHIIHH", 1, 1, 8000, 16000, 2, 16)
    return (
        b"RIFF" + struct.pack("<I", 36 + len(samples)) + b"WAVE"
        + b"fmt " + struct.pack("<I", 16) + fmt
        + b"data" + struct.pack("<I", len(samples)) + samples
    )  # fmt: skip


PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def image_part(pointer: str, **extra: Any) -> dict[str, Any]:
    return {"content_type": "image_asset_pointer", "asset_pointer": pointer, **extra}


def voice_part(pointer: str) -> dict[str, Any]:
    return {
        "content_type": "real_time_user_audio_video_asset_pointer",
        "audio_asset_pointer": {
            "content_type": "audio_asset_pointer",
            "asset_pointer": pointer,
            "format": "wav",
        },
    }


def with_media(
    conv_id: str,
    parts: list[Any],
    *,
    attachments: list[dict[str, Any]] | None = None,
    update_time: float = BASE_TIME + 100,
) -> dict[str, Any]:
    """A conversation whose one user message holds `parts` (and `attachments`), answered."""
    content = {"content_type": "multimodal_text", "parts": parts}
    metadata = {"attachments": attachments} if attachments else {}
    nodes = [
        node("root", None, None),
        node(f"{conv_id}-u", "root", message(f"{conv_id}-u", "user", "", t=BASE_TIME + 1,
                                             content=content, metadata=metadata)),
        node(f"{conv_id}-a", f"{conv_id}-u", message(f"{conv_id}-a", "assistant", "Nice.",
                                                     t=BASE_TIME + 2)),
    ]  # fmt: skip
    return {
        "id": conv_id,
        "conversation_id": conv_id,
        "title": f"Media {conv_id}",
        "create_time": BASE_TIME,
        "update_time": update_time,
        "current_node": f"{conv_id}-a",
        "mapping": linked(nodes),
    }
