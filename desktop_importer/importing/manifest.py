"""Claude's manifest (since mid-2026): the e-mail links to `manifest-….json`, an index of
the export's files (`data_files[]`, each with an `export_url` and a file name), which people
download into one folder and often drop first. It holds no conversation: dropping it means
"the export whose files sit beside me".

The key names beyond `data_files` and `export_url` are not confirmed
(../shared/EXPORT_FORMATS.md, "Claude since mid-2026"), so a file's name is read from
`filename`, `file_name` or `name`, else from the link's last path segment, and its kind
from `category`, else from the name. A name is only ever looked up beside the manifest:
one with a separator, `..` or a drive is refused, never followed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

import orjson

from desktop_importer.basics.errors import FilesMissing, InvalidExport, PathProblem

if TYPE_CHECKING:
    from pathlib import Path

MAX_BYTES = 1024 * 1024  # a real manifest is about 1.2 KB
MAX_FILES = 200  # a large account's export is a few dozen parts
_PLAIN_NAME = re.compile(r"[^/\\:\x00]+")


@dataclass(frozen=True)
class ListedFile:
    name: str  # as downloaded, beside the manifest
    category: str  # conversations, projects, memories, users, …
    url: str | None  # where to download it (a signed link, usable once)


def looks_like_manifest(head: bytes, size: int) -> bool:
    """A small JSON object that names `data_files` near its start (read() decides)."""
    return (
        size <= MAX_BYTES
        and head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{"
        and b'"data_files"' in head
    )


def read(path: Path) -> list[ListedFile] | None:
    """The files a manifest lists; None when the object has no `data_files` at its top (a
    wrapped conversations file whose text mentions the word); or a sentence saying why it
    cannot be read."""
    try:
        document = orjson.loads(path.read_bytes())
    except orjson.JSONDecodeError:
        raise InvalidExport(
            f"{path.name} is not valid JSON; download the manifest from Claude's e-mail again."
        ) from None
    except OSError as e:
        raise PathProblem(f"{path.name} cannot be read ({e.strerror}).") from None
    if not isinstance(document, dict) or "data_files" not in document:
        return None
    entries = document["data_files"]
    if not isinstance(entries, list):
        raise InvalidExport(f"{path.name} lists no files (its data_files is not a list).")
    if len(entries) > MAX_FILES:
        raise InvalidExport(
            f"{path.name} lists {len(entries):,} files, more than the {MAX_FILES} "
            "a Claude export has; it was not used."
        )
    return [found for entry in entries if (found := _listed(entry)) is not None]


def _listed(entry: Any) -> ListedFile | None:
    if not isinstance(entry, dict):
        return None
    url = entry.get("export_url") if isinstance(entry.get("export_url"), str) else None
    name = next(
        (v for key in ("filename", "file_name", "name") if isinstance(v := entry.get(key), str)),
        None,
    )
    if name is None and url:
        name = unquote(urlsplit(url).path.rsplit("/", 1)[-1])
    if not name or not _PLAIN_NAME.fullmatch(name) or name in (".", ".."):
        return None  # never a path: only a plain name, looked up beside the manifest
    category = entry.get("category")
    if not isinstance(category, str) or not category:
        category = re.split(r"[-_.]", name, maxsplit=1)[0].lower()
    return ListedFile(name, category.lower(), url)


# The categories this version reads: a listed file of another category (light_metadata,
# design_chats, feedback) is not asked for when it is missing.
READ = frozenset({"conversations"})


def files_beside(path: Path, listed: list[ListedFile], *, partial: bool = False) -> list[Path]:
    """The listed files that sit beside the manifest, in its order. Where files it reads are
    missing, a sentence names them and where to get them (FilesMissing, whose `rest` says
    whether what is there could be imported); `partial` imports what is there instead."""
    folder = path.parent
    if not any(f.category == "conversations" for f in listed):
        raise InvalidExport(
            f"{path.name} is Claude's list of an export's files, "
            "but it lists no conversations file."
        )
    present = [f for f in listed if (folder / f.name).is_file()]
    absent = [f for f in listed if f.category in READ and f not in present]
    rest = any(f.category == "conversations" for f in present)
    if absent and not (partial and rest):
        missing = [f.name for f in absent]
        one = len(missing) == 1
        raise FilesMissing(
            f"{path.name} is Claude's list of your export's files; {_names(missing)} "
            f"{'is' if one else 'are'} not beside it in the folder “{folder.name or folder}”. "
            f"Download {'it' if one else 'them'} from the links in Claude's e-mail "
            "(each works once) into that folder, then drop the manifest (or the folder) again.",
            tuple((f.name, f.url) for f in absent if f.url and _is_https(f.url)),
            rest=rest,
        )
    return [folder / f.name for f in present]


def _is_https(url: str) -> bool:
    """Only a web link is offered to open: never a file, a script or another scheme."""
    parts = urlsplit(url)
    return parts.scheme == "https" and bool(parts.netloc)


def _names(names: list[str]) -> str:
    if len(names) <= 3:
        return " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)
    return f"{', '.join(names[:3])} and {len(names) - 3:,} more"
