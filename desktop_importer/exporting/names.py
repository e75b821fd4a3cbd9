"""File names of the export: a conversation's title made safe on every system, with a
short id that keeps two of the same title apart."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from typing import TYPE_CHECKING, Protocol
from urllib.parse import quote

from desktop_importer.library import MediaFile

if TYPE_CHECKING:
    pass

TITLE_BYTES = 180  # of a file name's 255, the rest for the id and the extension
_FORBIDDEN = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]')


# -- names --------------------------------------------------------------------------------


def safe_title(title: str | None) -> str:
    """A title as the start of a file name on every system: no characters Windows forbids,
    no control characters, no leading or trailing dots and spaces, at most TITLE_BYTES."""
    words = unicodedata.normalize("NFC", title or "Untitled")
    words = " ".join(_FORBIDDEN.sub(" ", words).split()).strip(" .")
    encoded = words.encode()[:TITLE_BYTES]
    words = encoded.decode(errors="ignore").strip(" .")
    return words or "Untitled"


def short_id(vendor: str, conversation_id: str) -> str:
    return hashlib.sha256(f"{vendor}:{conversation_id}".encode()).hexdigest()[:12]


def file_name(title: str | None, vendor: str, conversation_id: str, extension: str) -> str:
    """`<safe title> <12 hex>.<ext>`: never a reserved name (CON, NUL…: those are whole
    stems), unique by the hash even where titles differ only in case."""
    return f"{safe_title(title)} {short_id(vendor, conversation_id)}.{extension}"


class MediaCopier(Protocol):
    def copy_media(self, file: MediaFile, name: str) -> None: ...


class MediaLinks:
    """Copies the files a conversation points at into DIR/media, once each."""

    def __init__(self, writer: MediaCopier) -> None:
        self.writer = writer

    def link(self, file: MediaFile) -> str:
        stem, dot, extension = safe_title(file.name).rpartition(".")
        name = f"{file.sha256[:12]}-{stem or extension}{dot}{extension if stem else ''}"
        self.writer.copy_media(file, name)
        # Percent-encoded (as Obsidian's help says: spaces become %20), so that a name with
        # spaces, brackets, `#` or `%` is still a link to every CommonMark reader.
        return f"media/{quote(name, safe='')}"
