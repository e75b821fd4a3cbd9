"""Gemini (Google Takeout's "My Activity"): an activity log, not a conversation store
(../shared/EXPORT_FORMATS.md, "Gemini (Google Takeout)" and "Seen in real files").

Takeout writes the Gemini Apps activity as HTML unless JSON is asked for, newest first,
every label, file and folder name in the account's language. An entry that carries an
answer is an exchange, whatever its verb; the rest (feedback, settings, a chosen draft) is
activity, not a message. The reading side (importing/activity.py) groups a log's entries
into conversations by their `gemini.google.com/app/<id>` link; an exchange without one is
a conversation of its own. This module reads one entry (either form, the HTML one made
into the JSON form's shape by `html_entry`) and one grouped conversation.

Ids are stable across Takeouts that overlap: a conversation's is its app id (else a hash
of its exchange), a message's a hash of its prompt and answer (never its place in the log,
which a later Takeout shifts, nor its printed time, which Takeout prints in the zone of the
day of export).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, NamedTuple

from desktop_importer.basics import media
from desktop_importer.basics.html_text import html_markdown, html_text
from desktop_importer.vendors.blocks import Block, BlockKind, plain_text
from desktop_importer.vendors.parsed import (
    UNCONVERTED_HTML,
    ParsedConversation,
    ParsedMessage,
    UnreadableConversation,
    original_json,
)
from desktop_importer.vendors.timestamps import iso_seconds
from desktop_importer.vendors.values import as_dict, as_list, as_text

NAME = "gemini"
GROUPED = "gemini_entries"  # a grouped conversation's entries, oldest first
KEY = "gemini_conversation"  # its id
APP_LINK = re.compile(r"https://gemini\.google\.com/(?:u/\d+/)?app/([0-9A-Za-z_-]{6,64})")
NBSP = "\xa0"
ACTIVITY = "activity"  # the role of an entry that is not a message (hidden)
ACTIVITY_KEY = "gemini-activity"  # where activity with no conversation link is kept

# The verbs Takeout puts before a prompt, and before a Canvas document's title, in the
# languages seen; other languages' are unknown: an entry with an answer is an exchange all
# the same, its title kept whole and its label named in the report.
PROMPT_VERBS = ("Prompted", "Poslali ste poziv:")
CANVAS_VERBS = ("Created Gemini Canvas titled", "Ustvarjeno platno Gemini z naslovom")


def looks_like(obj: Mapping[str, Any]) -> bool:
    return GROUPED in obj


def has_hidden_blocks(content_type: str | None) -> bool:
    return False


# -- telling a Gemini activity log by its content -----------------------------------------

CELL_MARKER = b'<div class="outer-cell'
HTML_HINT = re.compile(rb'gemini\.google\.com|mdl-typography--title">[^<]{0,80}Gemini', re.I)
JSON_HINT = re.compile(rb'"(?:header|products)"\s*:\s*\[?\s*"[^"]{0,80}Gemini')
HTML_HEAD_BYTES = 1 << 20  # the log's inlined stylesheet alone is about 140 KB


def is_activity_html(head: bytes) -> bool:
    return CELL_MARKER in head and HTML_HINT.search(head) is not None


def is_activity_json(head: bytes) -> bool:
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    return start[:1] == b"[" and b'"title"' in head and JSON_HINT.search(head) is not None


# -- one entry ----------------------------------------------------------------------------


class Entry(NamedTuple):
    """What an activity entry is: an exchange (a prompt and its answers, the drafts), a
    Canvas document, or activity that is not a message."""

    kind: str  # "exchange", "canvas" or "activity"
    label: str  # the verb as the log wrote it
    known: bool  # a verb this version knows
    prompt: str  # what the person wrote (an exchange), or the document's title (canvas)
    answers: list[str]  # the answer's HTML, one per draft
    link: str | None  # the conversation's app id
    at: float | None
    files: list[str]  # the names of the files the person attached


class Grouped(dict[str, Any]):
    """A conversation as the reading side groups it: the JSON the archive keeps, and
    `read`, its entries already read (one Entry for each of GROUPED's, in order), which
    `parse` then does not read again. Only the reading process makes one."""

    read: list[Entry]
    # Asked of each answer of at most so many characters with no image in it: whether it is
    # left for the importing process to convert (its message then holds the HTML, typed
    # UNCONVERTED_HTML). None: every answer is converted here.
    later: Callable[[int], bool] | None = None


def entry_of(entry: Mapping[str, Any]) -> Entry:
    title = as_text(entry.get("title")) or ""
    answers = [
        html
        for item in as_list(entry.get("safeHtmlItem"))
        if (html := as_text(as_dict(item).get("html"))) and html.strip()
    ]
    label, prompt, known = _split_title(title)
    canvas = any(title.startswith(verb) for verb in CANVAS_VERBS)
    kind = "canvas" if canvas else "exchange" if answers else "activity"
    return Entry(
        kind,
        label,
        known or canvas,
        prompt,
        answers,
        link_of(entry),
        iso_seconds(entry.get("time"), naive_utc=True),
        attached_files(entry),
    )


def _split_title(title: str) -> tuple[str, str, bool]:
    """(label, prompt, whether the label is known). The HTML form separates the label from
    what it names with a no-break space; the JSON form with a plain one, after a verb."""
    for verb in PROMPT_VERBS + CANVAS_VERBS:
        if title.startswith(verb) and (len(title) == len(verb) or not title[len(verb)].isalnum()):
            return verb, title[len(verb) :].lstrip(" :" + NBSP), True
    label = title.partition(NBSP)[0].strip() if NBSP in title else ""
    return label, title.replace(NBSP, " ").strip(), False  # an unknown verb: kept whole


def link_of(entry: Mapping[str, Any]) -> str | None:
    for item in [*as_list(entry.get("details")), *as_list(entry.get("subtitles"))]:
        for value in as_dict(item).values():
            if isinstance(value, str) and (found := APP_LINK.search(value)):
                return found.group(1)
    url = as_text(entry.get("titleUrl"))
    found = APP_LINK.search(url) if url else None
    return found.group(1) if found else None


def attached_files(entry: Mapping[str, Any]) -> list[str]:
    image = entry.get("imageFile")
    names = [image] if isinstance(image, str) and image else []
    names += [n for n in as_list(image) if isinstance(n, str) and n]
    names += [n for n in as_list(entry.get("attachedFiles")) if isinstance(n, str) and n]
    return list(dict.fromkeys(media.base_name(n) for n in names if media.base_name(n)))


# -- the HTML form --------------------------------------------------------------------------

_BODY_OPENS = 'mdl-typography--body-1">'
CAPTION = "mdl-typography--caption"  # the cell's last part: products, details (the link)
_NEXT_CELL = '<div class="content-cell'
_HEADER_OPENS = '<p class="mdl-typography--title">'  # the product's name, to "</p>"
_RELATIVE = re.compile(r'<(?:a\s[^>]*?href|img\s[^>]*?src)="([^":#?]{1,255})"')
_BR = re.compile(r"<br\s*/?>", re.I)
_CLOCK_HINT = re.compile(r"\d:\d\d:\d\d")  # a line that may be the printed time
_PREVIEWS = re.compile(r'mdl-typography--text-right">(.*?)</div>', re.S)  # attached images
_COUNT_LINE = re.compile(r"\s*\d{1,3}\s[^<>]{1,40}")  # "1 attached file." in any language

# A printed time: "Aug 8, 2026, 6:39:27 PM CEST", "8 Aug 2026, 18:39:27 BST",
# "5. nov. 2025, 01:34:47 CEST". Months in the languages seen (and a few near them).
_MONTHS = {
    **dict.fromkeys(("jan", "janv", "ene", "gen", "led", "sty"), 1),
    **dict.fromkeys(("feb", "févr", "fevr", "fév", "úno", "lut"), 2),
    **dict.fromkeys(("mar", "mär", "mars", "bře", "mrz"), 3),
    **dict.fromkeys(("apr", "avr", "abr", "dub", "kwi"), 4),
    **dict.fromkeys(("may", "maj", "mai", "mei", "mag", "kvě", "maja"), 5),
    **dict.fromkeys(("jun", "juin", "giu", "čvn", "cze"), 6),
    **dict.fromkeys(("jul", "juil", "lug", "čvc", "lip"), 7),
    **dict.fromkeys(("aug", "avg", "août", "ago", "srp", "sie"), 8),
    **dict.fromkeys(("sep", "sept", "set", "zář", "wrz"), 9),
    **dict.fromkeys(("oct", "okt", "ott", "out", "říj", "paź"), 10),
    **dict.fromkeys(("nov", "lis", "noi"), 11),
    **dict.fromkeys(("dec", "déc", "dic", "dez", "pro", "gru"), 12),
}
_ZONES = {
    "UTC": 0, "GMT": 0, "WET": 0, "WEST": 60, "BST": 60, "IST": 60, "CET": 60, "CEST": 120,
    "EET": 120, "EEST": 180, "MSK": 180, "EST": -300, "EDT": -240, "CST": -360, "CDT": -300,
    "MST": -420, "MDT": -360, "PST": -480, "PDT": -420, "AKST": -540, "AKDT": -480,
    "HST": -600, "JST": 540, "KST": 540, "AEST": 600, "AEDT": 660, "NZST": 720, "NZDT": 780,
}  # fmt: skip
_CLOCK = r"(?P<h>\d{1,2}):(?P<m>\d{2}):(?P<s>\d{2})\s*(?P<ampm>[AaPp]\.?\s?[Mm]\.?)?\s*"
_ZONE = r"(?P<tz>GMT[+-]\d{1,2}(?::\d{2})?|UTC[+-]\d{1,2}(?::\d{2})?|[A-Z]{2,5})"
_PRINTED = (
    re.compile(rf"(?P<mon>[^\W\d_]{{3,5}})\.?\s+(?P<day>\d{{1,2}}),\s*(?P<year>\d{{4}}),?\s+{_CLOCK}{_ZONE}"),
    re.compile(rf"(?P<day>\d{{1,2}})\.?\s+(?P<mon>[^\W\d_]{{3,5}})\.?,?\s+(?P<year>\d{{4}}),?\s+{_CLOCK}{_ZONE}"),
)  # fmt: skip


def printed_time(line: str) -> float | None:
    """Unix seconds of a time as the HTML log prints it, in the zone it names; None for a
    line that is not one (or names a month or zone this version does not know)."""
    words = line.replace(NBSP, " ").replace("\u202f", " ").strip()
    clock = _CLOCK_AT.search(words)
    if clock is None:
        return None
    # A log prints a few hundred days: the words around the clock are read once a day.
    day = _printed_day(words[: clock.start()], words[clock.end() :])
    if day is None:
        return None
    midnight, ampm = day
    h, m, s = clock.group(1, 2, 3)
    hour, minute, second = int(h), int(m), int(s)
    if ampm:
        hour = hour % 12 + (12 if ampm[0] in "pP" else 0)
    if hour > 23 or minute > 59 or second > 59:
        return None
    seconds = midnight + hour * 3600 + minute * 60 + second
    return seconds if _FIRST_SECOND <= seconds <= _LAST_SECOND else None  # ISO can write it


_CLOCK_AT = re.compile(r"(?<!\d)(\d{1,2}):(\d{2}):(\d{2})")  # no colon comes before a clock


@lru_cache(maxsize=1024)
def _printed_day(before: str, after: str) -> tuple[float, str | None] | None:
    """The Unix seconds of a printed day's midnight in the zone it names, and its AM or PM:
    the words of a printed time before its clock and after it. None: not a printed time."""
    for pattern in _PRINTED:
        match = pattern.fullmatch(f"{before}0:00:00{after}")
        if match is None:
            continue
        mon, day, year, ampm, tz = match.group("mon", "day", "year", "ampm", "tz")
        name = mon.lower()
        month = _MONTHS.get(name[:4]) or _MONTHS.get(name[:3])
        offset = _offset(tz)
        if month is None or offset is None:
            return None
        try:
            moment = datetime(int(year), month, int(day), tzinfo=UTC)
        except ValueError:
            return None
        return moment.timestamp() - offset * 60, ampm
    return None


_FIRST_SECOND = datetime(1, 1, 1, tzinfo=UTC).timestamp()
_LAST_SECOND = datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC).timestamp()


@lru_cache(maxsize=256)
def _offset(zone: str) -> int | None:
    if zone in _ZONES:
        return _ZONES[zone]
    found = re.fullmatch(r"(?:GMT|UTC)([+-])(\d{1,2})(?::(\d{2}))?", zone)
    if found is None:
        return None
    minutes = int(found.group(2)) * 60 + int(found.group(3) or 0)
    return minutes if found.group(1) == "+" else -minutes


# A word of each Canvas verb, cheap to look for first.
_CANVAS_HINT = re.compile("|".join(re.escape(verb.split()[-1]) for verb in CANVAS_VERBS))


@lru_cache(maxsize=64)
def _product(header: str) -> str:
    """The product a cell's header names ("Gemini Apps", "Aplikacije Gemini")."""
    return html_text(header).strip()


def _stamp(cell: str, opened: int, closed: int) -> tuple[float, str, int, int] | None:
    """The first line of a cell's text (`cell[opened:closed]`) that is a printed time: (its
    time, its words, where it starts, where the text after it starts)."""
    start = opened
    for boundary in _BR.finditer(cell, opened, closed):  # lazily: the answer is not read
        stop = boundary.start()
        if (found := _printed_line(cell, start, stop)) is not None:
            return *found, start, boundary.end()
        start = boundary.end()
    found = _printed_line(cell, start, closed)
    return None if found is None else (*found, start, closed)


def _printed_line(cell: str, start: int, stop: int) -> tuple[float, str] | None:
    if stop - start >= 120 or _CLOCK_HINT.search(cell, start, stop) is None:
        return None
    words = html_text(cell[start:stop])
    moment = printed_time(words)
    return None if moment is None else (moment, words)


def _linked_files(html: str) -> list[str]:
    """The files a prompt's HTML links to by a relative address (an image the answer made,
    `image_agent_tag_…`, is not the person's)."""
    return [
        m.group(1)
        for m in _RELATIVE.finditer(html)
        if not media.base_name(m.group(1)).startswith("image_agent_tag")
    ]


def _closing_tags(cell: str, opened: int, stop: int) -> int:
    """Where a cell's text ends: before the closing tags (and the space between them) at
    the end of `cell[opened:stop]`, found from its end, without copying the answer."""
    while True:
        end = stop
        while end > opened and cell[end - 1].isspace():
            end -= 1
        if not cell.endswith("</div>", opened, end):
            return stop
        stop = end - 6


def _header(cell: str, body: int) -> str | None:
    """The product's name in a cell's header (from _HEADER_OPENS to the "</p>" after it,
    before the cell's body), or None."""
    opens = cell.find(_HEADER_OPENS, 0, body)
    if opens < 0:
        return None
    opens += len(_HEADER_OPENS)
    closes = cell.find("</p>", opens, body)
    return cell[opens:closes] if closes >= 0 else None


def html_entry(cell: str) -> dict[str, Any] | None:
    """One cell of the HTML log in the JSON form's shape (header, title, time,
    safeHtmlItem, details, attachedFiles), or None for a cell with no printed time (no
    line tells the prompt from the answer, and a guess would file one under the other)."""
    found = read_cell(cell)
    return found[0] if found else None


def read_cell(cell: str) -> tuple[dict[str, Any], Entry] | None:
    """`html_entry`, and the entry read (what `entry_of` tells of it, without reading the
    JSON shape back)."""
    body = cell.find(_BODY_OPENS)  # the text-right cell's class goes on past "body-1"
    if body < 0:
        return None
    opened = body + len(_BODY_OPENS)
    following = cell.find(_NEXT_CELL, opened)
    closed = _closing_tags(cell, opened, following if following >= 0 else len(cell))
    found = _stamp(cell, opened, closed)  # the answer, after it, is never split into lines
    if found is None:
        return None
    moment, printed, start, end = found
    head, after = cell[opened:start], cell[end:closed]  # the answer copied once
    files: list[str] = []
    if "=" in head:  # attached files: links in the prompt, their lines and count line apart
        before = _BR.split(head)
        files = _linked_files("<br>".join(before))
        kept: list[str] = []
        for line in before:
            if _RELATIVE.search(line):
                if kept and len(kept) > 1 and _COUNT_LINE.fullmatch(html_text(kept[-1])):
                    kept.pop()
                continue
            kept.append(line)
        words = "<br>".join(kept)
    elif head.find("<", 0, len(head) - 4) < 0 and head.endswith("<br>"):
        words = head  # one line, ended as the log writes it (most prompts)
    else:
        words = _BR.sub("<br>", head)  # each line break written one way
    if (
        following >= 0
        and (previews := _PREVIEWS.search(cell, following))
        and "=" in (shown := previews.group(1))
    ):
        files += _linked_files(shown)  # attached images, previewed beside the prompt
    words = words.replace("&nbsp;", NBSP)
    canvas = _CANVAS_HINT.search(words, 0, 400) is not None and html_text(words).startswith(
        CANVAS_VERBS
    )
    if canvas:  # its title on the first line, the document below it
        first, _, document = words.partition("<br>")
        title, answer = html_text(first).strip(), after if after.strip() else document
        verb, separator = None, ""
    else:
        # The line break that ends the prompt says nothing (html_text drops it at the end).
        label, separator, named = words.removesuffix("<br>").partition(NBSP)
        verb = html_text(label).strip()
        title = f"{verb}{NBSP}{html_text(named).strip()}" if separator else verb
        answer = after
    caption_at = cell.rfind(CAPTION)
    header = _header(cell, body)
    link = APP_LINK.search(cell, caption_at) if caption_at >= 0 else None
    answers = [answer] if answer.strip() else []
    time = datetime.fromtimestamp(moment or 0, UTC).isoformat().replace("+00:00", "Z")
    entry = {
        "header": _product(header) if header is not None else "Gemini",
        "title": title,
        "time": time,
        "printedTime": printed,
        "safeHtmlItem": [{"html": answer} for answer in answers],
        "details": [{"name": link.group(0), "url": link.group(0)}] if link else [],
        "attachedFiles": list(dict.fromkeys(media.base_name(f) for f in files)) if files else [],
        "form": "html",
    }
    if separator and verb in PROMPT_VERBS:  # what _split_title tells of it
        label, prompt, known = verb, title[len(verb) :].lstrip(" :" + NBSP), True
    else:
        label, prompt, known = _split_title(title)
    canvas = title.startswith(CANVAS_VERBS)
    return entry, Entry(
        "canvas" if canvas else "exchange" if answers else "activity",
        label,
        known or canvas,
        prompt,
        answers,
        link.group(1) if link else None,
        float(moment or 0),  # what iso_seconds reads back from `time`: whole seconds
        attached_files(entry) if files else [],
    )


# -- a grouped conversation -----------------------------------------------------------------


def group_key(entry: Entry) -> str:
    """The conversation an entry belongs to: its app id, else (an exchange without a link,
    a Canvas document) a conversation of its own, named by what it holds; activity with no
    link (a setting changed) is kept together, hidden."""
    if entry.link:
        return entry.link
    if entry.kind == "activity":
        return ACTIVITY_KEY
    return "gemini-" + _digest(entry.prompt, *entry.answers[:1])


def _digest(*parts: str) -> str:
    """An exchange's name: a hash of the start of its prompt and answer (two exchanges that
    begin alike for 4,000 characters each are told apart by their place)."""
    digest = hashlib.sha256(parts[0][:4000].encode("utf-8", "replace"))
    for part in parts[1:]:  # the digest of the parts joined by "\x00", without joining them
        digest.update(b"\x00")
        digest.update(part[:4000].encode("utf-8", "replace"))
    return digest.hexdigest()[:16]


def entries_of(conversation: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [e for e in as_list(conversation.get(GROUPED)) if isinstance(e, dict)]


def message_nodes(
    conversation: Mapping[str, Any],
) -> Iterator[tuple[str, str, Mapping[str, Any], int, Entry]]:
    """(node id, role, entry, draft number, the entry read) of each message, oldest first:
    an exchange's prompt and each of its drafts, a Canvas document."""
    seen: dict[str, int] = {}  # how many times each stem came
    entries = entries_of(conversation)
    read = getattr(conversation, "read", None)
    if read is None or len(read) != len(entries):
        read = [entry_of(e) for e in entries]
    for raw_entry, entry in zip(entries, read, strict=True):
        kind = entry.kind
        if kind == "activity":  # hidden, as the app does not show it in the chat
            stem = "a-" + _digest(entry.prompt, as_text(raw_entry.get("time")) or "")
            times = seen[stem] = seen.get(stem, 0) + 1
            yield (stem + (f"-{times}" if times > 1 else ""), ACTIVITY, raw_entry, -2, entry)
            continue
        answers = entry.answers
        stem = ("c-" if kind == "canvas" else "p-") + _digest(entry.prompt, *answers[:1])
        times = seen[stem] = seen.get(stem, 0) + 1
        if times > 1:
            stem += f"-{times}"
        if kind == "exchange":
            yield stem, "user", raw_entry, -1, entry
        for draft in range(max(1, len(answers)) if kind == "canvas" else len(answers)):
            yield f"{stem}-d{draft}", "assistant", raw_entry, draft, entry


def message_objects(conversation: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    return {
        node: {"entry": raw, "draft": draft}
        for node, _, raw, draft, _ in message_nodes(conversation)
    }


def message_pointers(message: Mapping[str, Any]) -> list[str]:
    if as_dict(message).get("draft", 0) != -1:
        return []
    return attached_files(as_dict(message.get("entry")))


def export_pointers(conversation: Mapping[str, Any]) -> set[str]:
    read = getattr(conversation, "read", None)  # each entry's files already told
    if read is not None and len(read) == len(entries_of(conversation)):
        return {name for entry in read for name in entry.files}
    return {f for e in entries_of(conversation) for f in attached_files(e)}


MISSING_IMAGE = "gemini-image:"  # an image in an answer that no file stands behind


def blocks(message: Mapping[str, Any]) -> list[Block]:
    draft = message.get("draft")
    return _blocks(entry_of(as_dict(message.get("entry"))), draft if isinstance(draft, int) else 0)


_IMAGE_TAG = re.compile("<img", re.IGNORECASE)  # an answer whose Markdown is more than text


def converted(html: str) -> str:
    """The text of an answer whose message was left UNCONVERTED_HTML (one with no image):
    what `parse` would have stored."""
    return html_markdown(html)[0]


def _content(entry: Entry, draft: int) -> tuple[str, str]:
    """A message's content type and text: what `_blocks` makes of it, read as
    `plain_text`, without the blocks where they would hold only text (most prompts and
    answers)."""
    if draft == -1 and not entry.files:
        return "text", entry.prompt
    if entry.kind == "exchange" and 0 <= draft < len(entry.answers):
        markdown, images = html_markdown(entry.answers[draft])
        if not images:
            return "text", markdown
        found = _answer_blocks(markdown, images)
    else:
        found = _blocks(entry, draft)
    return "+".join(dict.fromkeys(b.kind for b in found)) or "text", plain_text(found)


def _blocks(entry: Entry, draft: int) -> list[Block]:
    if draft == -2:  # activity that is not a message: what the log says of it
        return [Block("text", text=entry.prompt or entry.label or "Gemini activity")]
    if draft == -1:  # the person's prompt, and the files they attached
        made = [Block("text", text=entry.prompt)]
        for name in entry.files:
            kind: BlockKind = "image" if media.image_name(name) else "file"
            made.append(Block(kind, name=name, pointer=name))
        return [b for b in made if b.kind != "text" or b.text]
    html = entry.answers[draft] if 0 <= draft < len(entry.answers) else ""
    if entry.kind == "canvas":  # Markdown as written, its lines parted by <br>
        document = html_text(html)
        return [Block("canvas", title=entry.prompt or "Canvas", language="document", text=document)]
    return _answer_blocks(*html_markdown(html))


def _answer_blocks(markdown: str, images: list[str]) -> list[Block]:
    """An answer's text, and each image in it that no file stands behind."""
    made = [Block("text", text=markdown)] if markdown else []
    return made + [Block("image", name=name, pointer=MISSING_IMAGE + name) for name in images]


def model_of(conversation: Mapping[str, Any]) -> str | None:
    return None  # Takeout names no model


def url_of(conversation: Mapping[str, Any]) -> str | None:
    key = as_text(conversation.get(KEY)) or ""
    return None if not key or key.startswith("gemini-") else f"https://gemini.google.com/app/{key}"


def unwrapped(conversation: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The conversation's entries as Takeout wrote them (the JSON export's), newest first
    as the log has them."""
    return entries_of(conversation)[::-1]


def parse(obj: Mapping[str, Any]) -> ParsedConversation:
    conversation_id = as_text(obj.get(KEY))
    if not conversation_id:
        raise UnreadableConversation("it has no conversation id")
    messages: list[ParsedMessage] = []
    parent: str | None = None
    title: str | None = None
    times: list[float] = []
    shown = 0
    later = getattr(obj, "later", None)
    for node, role, _, draft, entry in message_nodes(obj):
        if (
            later is not None
            and draft >= 0
            and entry.kind == "exchange"
            and _IMAGE_TAG.search(html := entry.answers[draft]) is None
            and later(len(html))
        ):
            content_type, text = UNCONVERTED_HTML, html  # what _blocks makes of it, later
        else:
            content_type, text = _content(entry, draft)
        if title is None and entry.prompt and role != ACTIVITY:
            line = " ".join(entry.prompt.split())
            title = line if len(line) <= 80 else line[:80].rsplit(" ", 1)[0] + "…"
        on_path = draft in (-2, -1, 0)
        messages.append(
            ParsedMessage(
                node,
                parent if draft < 0 or entry.kind == "canvas" else _prompt_of(node),
                len(messages),
                shown if on_path else None,
                role,
                None,
                content_type,
                text,
                entry.at,
                role == ACTIVITY,  # hidden: "Show hidden" shows it
            )
        )
        shown += on_path
        if entry.at is not None:
            times.append(entry.at)
        if (on_path and role in ("assistant", ACTIVITY)) or (role == "user" and not entry.answers):
            parent = node
    if not messages:
        raise UnreadableConversation("it holds no entry", conversation_id)
    if title is None and conversation_id == ACTIVITY_KEY:
        title = "Gemini activity that is not a conversation"
    raw_json, content_hash = original_json(obj)
    return ParsedConversation(
        conversation_id=conversation_id,
        vendor=NAME,
        title=title,
        create_time=min(times) if times else None,
        update_time=max(times) if times else None,
        current_node=parent,
        messages=messages,
        raw_json=raw_json,
        content_hash=content_hash,
    )


def keep_entries(new: dict[str, Any], old: dict[str, Any], kept: set[str]) -> None:
    """A newer Takeout's conversation with the entries of the one before that hold kept
    messages (My Activity forgets entries older than its window: the archive does not),
    in time order again."""
    earlier = [
        entry for entry in entries_of(old)
        if any(node in kept for node, *_ in message_nodes({GROUPED: [entry]}))
    ]  # fmt: skip
    if earlier and isinstance(new.get(GROUPED), list):
        merged = [*earlier, *new[GROUPED]]
        merged.sort(key=lambda e: iso_seconds(as_dict(e).get("time"), naive_utc=True) or 0.0)
        new[GROUPED] = merged


def _prompt_of(draft_node: str) -> str:
    return draft_node.rsplit("-d", 1)[0]
