"""What an assistant may ask of the archive, read-only: search it, list its conversations,
read one a page at a time. Plain typed calls over the library (the window's and the command
line's), each bad argument refused with one sentence (BadArgument), each answer a size the
assistant can take in.

Budgets (documented in the README):
- `search`: 10 hits unless asked, at most 50; each snippet at most 300 characters.
- `list_conversations`: 20 rows unless asked, at most 100, paged by a cursor.
- `read_conversation`: a page holds at most PAGE_CHARACTERS (24,000) characters of
  Markdown, about 6,000 tokens; a longer conversation is read in pages by the cursor each
  page returns, and a single longer message is cut across pages.
"""

from __future__ import annotations

import base64
import re
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

import orjson

from desktop_importer import library
from desktop_importer.basics.errors import UnknownConversation
from desktop_importer.basics.markdown import inert_markdown
from desktop_importer.library.search import plain_marks
from desktop_importer.vendors.blocks import plain_text
from desktop_importer.vendors.parsed import VENDOR_NAMES, vendor_name

if TYPE_CHECKING:
    from desktop_importer.app import App

SEARCH_DEFAULT, SEARCH_MOST = 10, 50
LIST_DEFAULT, LIST_MOST = 20, 100
PAGE_CHARACTERS = 24_000
SNIPPET_CHARACTERS = 300
WORDS_MOST = 500
CONTINUED = "\n\n[continued on the next page]\n"


class BadArgument(Exception):
    """An argument the archive cannot answer: one sentence for the assistant."""


def _limit(value: int | None, default: int, most: int, name: str) -> int:
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise BadArgument(f"{name} must be a whole number from 1 to {most}.")
    return min(value, most)


def _vendor(value: str | None) -> str | None:
    if value is None or value == "":
        return None
    key = value.strip().lower().replace(" ", "")
    names = {v.lower().replace(" ", ""): k for k, v in VENDOR_NAMES.items()} | {
        k: k for k in VENDOR_NAMES
    }
    if key not in names:
        known = ", ".join(sorted(VENDOR_NAMES))
        raise BadArgument(f"There is no vendor {value!r}; the archive knows {known}.")
    return names[key]


def _day(value: str | None, name: str) -> float | None:
    """Unix seconds of a date (YYYY-MM-DD, UTC midnight) or an ISO 8601 time."""
    if value is None or value == "":
        return None
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            moment = datetime.combine(date.fromisoformat(value), datetime.min.time(), UTC)
        else:
            moment = datetime.fromisoformat(value)
            moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    except ValueError:
        raise BadArgument(
            f"{name} must be a date such as 2026-03-14 or a time such as 2026-03-14T09:30:00+01:00."
        ) from None
    return moment.timestamp()


def _iso(seconds: float | None) -> str | None:
    if seconds is None:
        return None
    return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class Hit:
    conversation_id: str
    title: str | None
    vendor: str
    created: str | None
    updated: str | None
    message_id: str | None  # the best matching message (None: the title matched)
    snippet: str


def search(
    app: App,
    profile: str,
    words: str,
    *,
    vendor: str | None = None,
    since: str | None = None,
    until: str | None = None,
    limit: int | None = None,
) -> list[Hit]:
    """The conversations that hold the words (the library's search, CJK included), best
    first, each with its best message's id and an excerpt, the words in [brackets]."""
    if not isinstance(words, str) or not words.strip():
        raise BadArgument("words must be the words to look for, such as 'kitchen tiles'.")
    if len(words) > WORDS_MOST:
        raise BadArgument(f"words must be at most {WORDS_MOST} characters.")
    most = _limit(limit, SEARCH_DEFAULT, SEARCH_MOST, "limit")
    chosen, start, end = _vendor(vendor), _day(since, "since"), _day(until, "until")
    asked = most if start is None and end is None else SEARCH_MOST * 4
    results = library.search(app, profile, words, vendor=chosen, limit=asked)
    heads = library.conversation_heads(app, profile, [r.conversation_id for r in results])
    hits: list[Hit] = []
    for result in results:
        head = heads.get(result.conversation_id)
        if head is None:
            continue
        moment = head.update_time or head.create_time or 0.0
        if (start is not None and moment < start) or (end is not None and moment >= end):
            continue
        snippet = plain_marks(result.snippet or result.marked_title or "")
        hits.append(
            Hit(
                result.conversation_id,
                head.title,
                vendor_name(head.vendor),
                _iso(head.create_time),
                _iso(head.update_time),
                result.node_id,
                snippet[:SNIPPET_CHARACTERS],
            )
        )
        if len(hits) == most:
            break
    return hits


@dataclass(frozen=True)
class Row:
    conversation_id: str
    title: str | None
    vendor: str
    created: str | None
    updated: str | None
    messages: int


def _cursor_of(value: Any) -> dict[str, Any]:
    try:
        found = orjson.loads(base64.urlsafe_b64decode(str(value).encode() + b"=="))
    except (ValueError, orjson.JSONDecodeError):
        raise BadArgument(
            "cursor must be the next_cursor a previous answer gave, unchanged."
        ) from None
    if not isinstance(found, dict):
        raise BadArgument("cursor must be the next_cursor a previous answer gave, unchanged.")
    return found


def _cursor(state: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(orjson.dumps(state)).decode().rstrip("=")


def list_conversations(
    app: App,
    profile: str,
    *,
    vendor: str | None = None,
    since: str | None = None,
    until: str | None = None,
    limit: int | None = None,
    cursor: str | None = None,
) -> tuple[list[Row], str | None]:
    """Conversations newest first (by their last change), and the cursor of the next page
    (None at the end)."""
    most = _limit(limit, LIST_DEFAULT, LIST_MOST, "limit")
    after: tuple[float, int] | None = None
    if cursor:
        state = _cursor_of(cursor)
        key = state.get("after")
        if not (
            isinstance(key, list) and len(key) == 2 and all(isinstance(k, int | float) for k in key)
        ):
            raise BadArgument("cursor must be the next_cursor a previous answer gave, unchanged.")
        after = (float(key[0]), int(key[1]))
    rows = library.list_page(
        app, profile, vendor=_vendor(vendor), after=after, limit=most + 1,
        since=_day(since, "since"), until=_day(until, "until"),
    )  # fmt: skip
    shown = rows[:most]
    following = _cursor({"after": list(shown[-1].cursor)}) if len(rows) > most else None
    return [
        Row(r.conversation_id, r.title, vendor_name(r.vendor), _iso(r.create_time),
            _iso(r.update_time), r.message_count)
        for r in shown
    ], following  # fmt: skip


@dataclass(frozen=True)
class Page:
    conversation_id: str
    title: str | None
    vendor: str
    markdown: str
    next_cursor: str | None


Placed = list[tuple[str | None, library.ReaderMessage]]  # each message, under its branch's heading


# The conversations read last, with the published version they were read at: an assistant
# reads a long one page after page, and each page need not read its 2,000 messages again.
_READ: OrderedDict[
    tuple[str, str, str, str | None, bool], tuple[int, library.ReaderConversation, Placed]
]
_READ = OrderedDict()
KEPT_READS = 4


def _messages(
    app: App, profile: str, conversation_id: str, start_at: str | None, all_branches: bool
) -> tuple[library.ReaderConversation, Placed]:
    """`_read_messages`, or what it gave for the same published version of the conversation
    (a version an import replaces is read again: nothing half-old is ever shown)."""
    if not isinstance(conversation_id, str) or not conversation_id.strip():
        raise BadArgument("conversation_id must be the id a search or list answer gave.")
    key = (str(app.store.path), profile, conversation_id, start_at, all_branches)
    version = library.published_version(app, profile, conversation_id)
    kept = _READ.get(key)
    if version is not None and kept is not None and kept[0] == version:
        _READ.move_to_end(key)
        return kept[1], kept[2]
    view, found = _read_messages(app, profile, conversation_id, start_at, all_branches)
    if version is not None:
        _READ[key] = (version, view, found)
        while len(_READ) > KEPT_READS:
            _READ.popitem(last=False)
    return view, found


def _read_messages(
    app: App, profile: str, conversation_id: str, start_at: str | None, all_branches: bool
) -> tuple[library.ReaderConversation, Placed]:
    """The branch to read (the current one, or the one through `start_at`), then, if asked,
    every other branch's messages, each group under its heading."""
    if not isinstance(conversation_id, str) or not conversation_id.strip():
        raise BadArgument("conversation_id must be the id a search or list answer gave.")
    try:
        view = library.read_conversation(app, profile, conversation_id, through=start_at or None)
    except UnknownConversation:
        view = None
    if view is None:
        raise BadArgument(f"There is no conversation {conversation_id!r} in this archive.")
    ids = [m.node_id for m in view.messages]
    if start_at and start_at not in ids:
        raise BadArgument(f"Conversation {conversation_id!r} holds no message {start_at!r}.")
    found: Placed = [(None, m) for m in view.messages]
    if all_branches:
        shown = set(ids)
        number = 1
        for message in list(view.messages):
            for sibling in message.siblings:
                if sibling in shown:
                    continue
                other = library.read_conversation(app, profile, conversation_id, through=sibling)
                fresh = [m for m in other.messages if m.node_id not in shown] if other else []
                if fresh:
                    number += 1
                    found += [(f"Branch {number}", m) for m in fresh]
                    shown |= {m.node_id for m in fresh}
    return view, found


def _rendered(heading: str | None, message: library.ReaderMessage, vendor: str) -> str:
    who = library.speaker(message, vendor)
    when = _iso(message.create_time) or "no time"
    top = f"## {heading}\n\n" if heading else ""
    gone = " (no longer in the vendor's export)" if not message.in_export else ""
    head = f"### {who} · {when} · message `{message.node_id}`{gone}"
    # Inert as the Markdown export is: an assistant's client may render what it reads.
    return f"{top}{head}\n\n{inert_markdown(plain_text(message.blocks))}\n\n"


def read_conversation(
    app: App,
    profile: str,
    conversation_id: str,
    *,
    start_at: str | None = None,
    all_branches: bool = False,
    cursor: str | None = None,
) -> Page:
    """A page of the conversation as Markdown (each message with who wrote it, when, and
    its id), from its first message, or from `start_at` (a search hit's message), and the
    cursor of the next page (None at the end)."""
    offset = (0, 0)
    if cursor:
        state = _cursor_of(cursor)
        offset = (state.get("m"), state.get("c"))  # type: ignore[assignment]
        if not all(isinstance(v, int) and v >= 0 for v in offset):
            raise BadArgument("cursor must be the next_cursor a previous answer gave, unchanged.")
        start_at = state.get("s") or start_at
        all_branches = bool(state.get("b", all_branches))
    view, found = _messages(app, profile, conversation_id, start_at, all_branches)
    first = next((i for i, (_, m) in enumerate(found) if m.node_id == start_at), 0)
    index, characters = first + offset[0], offset[1]
    parts: list[str] = []
    room = PAGE_CHARACTERS
    if index == first and characters == 0:
        head = (
            f"# {view.title or 'Untitled'}\n\n"
            f"{vendor_name(view.vendor)} conversation `{view.conversation_id}`\n\n"
        )
        parts.append(head)
        room -= len(head)
    while index < len(found) and room > 0:
        heading, message = found[index]
        text = _rendered(heading, message, view.vendor)[characters:]
        if len(text) <= room:
            parts.append(text)
            room -= len(text)
            index, characters = index + 1, 0
        else:
            cut = max(room - len(CONTINUED), 1)
            parts.append(text[:cut] + CONTINUED)
            characters += cut
            room = 0
    following = None
    if index < len(found):
        state = {"m": index - first, "c": characters, "s": start_at, "b": all_branches}
        following = _cursor(state)
    return Page(
        view.conversation_id, view.title, vendor_name(view.vendor), "".join(parts), following
    )


IMAGE_BYTES_MOST = 2 * 2**20  # an image returned to an assistant: at most this large


@dataclass(frozen=True)
class Picture:
    data: bytes
    mime_type: str
    name: str


def read_image(
    app: App, profile: str, conversation_id: str, message_id: str, number: int = 1
) -> Picture:
    """The `number`th image a message holds (a photo the person gave, a picture the
    assistant made), as bytes, when the archive keeps it and it is a PNG, JPEG, GIF or WebP
    of at most 2 MB. Never a path."""
    if isinstance(number, bool) or not isinstance(number, int) or number < 1:
        raise BadArgument("number must be a whole number from 1 (the message's first image).")
    view, found = _messages(app, profile, conversation_id, message_id or None, False)
    message = next((m for _, m in found if m.node_id == message_id), None)
    if message is None:
        raise BadArgument(f"Conversation {conversation_id!r} holds no message {message_id!r}.")
    images = [  # what the vendor calls an image, and a file whose bytes are one
        b for b in message.blocks if b.pointer and (b.kind == "image" or (
            b.kind == "file" and (kept := view.file_for(b.pointer)) is not None
            and kept.mime_type.startswith("image/")))
    ]  # fmt: skip
    if number > len(images):
        raise BadArgument(f"Message {message_id!r} holds {len(images)} image(s), not {number}.")
    block = images[number - 1]
    kept = view.file_for(block.pointer)
    if kept is None:
        raise BadArgument(
            f"The image {block.name or block.pointer!r} is not in the archive; "
            "its export left it out."
        )
    if kept.mime_type not in library.SHOWN_IMAGES:
        raise BadArgument(
            f"{kept.name!r} is a {kept.mime_type} file, not a picture this server returns."
        )
    if kept.bytes > IMAGE_BYTES_MOST:
        raise BadArgument(f"{kept.name!r} is larger than the 2 MB an image may be here.")
    return Picture(kept.path.read_bytes(), kept.mime_type, kept.name)
