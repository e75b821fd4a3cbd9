"""Markdown from an export, made inert, and the small helpers the vendor modules, the window
and the export share: no Qt here. An export's Markdown never runs or fetches anything: the
window shows a remote image as a link that names it and follows only web and mail links;
the export keeps code as it is and turns raw HTML, remote images and other links into
text. The window cuts a message at its top-level fences (CommonMark: at most three spaces
in), each code block a view of its own; the export looks for fences at any indentation, as
one inside a list item must stay code."""

from __future__ import annotations

import re

# The links a view may follow and an export keeps as links; any other (file:, javascript:,
# an app's own scheme) is shown as its words.
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})


def is_safe_link(url: str) -> bool:
    scheme, colon, _ = url.partition(":")
    return bool(colon) and scheme.lower() in SAFE_SCHEMES


def escape_markdown(words: str) -> str:
    """Words that Markdown shows as they are (link text, titles, names)."""
    return "".join(f"\\{c}" if c in "\\`*_[]()<>#!|" else c for c in words)


# A fence at any indentation: one inside a list item is indented by the item's width (and
# text indented four spaces or more is code too, which must stay as it is).
_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(`+)(?:.*?)\1")
_URL = r"((?:[^()\s<>]|\([^()\s]*\))*)"  # a URL, with one level of parentheses
_IMAGE = re.compile(rf"!\[([^\]]*)\]\({_URL}[^)]*\)")
_LINK = re.compile(rf"\[([^\]]*)\]\(<?{_URL}>?[^)]*\)")


def _inert_prose(line: str) -> str:
    """Prose outside code: raw HTML shown as text, remote images as links (a note viewer
    would fetch them: a tracking pixel), links that are not web or mail as their words."""
    line = _IMAGE.sub(lambda m: f"[{m.group(1) or 'image'}]({m.group(2)})", line)
    pieces, at = [], 0
    for link in _LINK.finditer(line):  # read before `<` is escaped: `[a](<https://…>)`
        words = link.group(1).replace("<", "&lt;")
        url = link.group(2)
        pieces += [
            line[at : link.start()].replace("<", "&lt;"),
            (f"[{words}](<{url}>)" if "](<" in link.group(0) else f"[{words}]({url})")
            if is_safe_link(url)
            else words,
        ]
        at = link.end()
    return "".join([*pieces, line[at:].replace("<", "&lt;")])


def inert_markdown(text: str) -> str:
    """Assistant Markdown as Markdown, with nothing in it that a note viewer would run or
    fetch; code blocks and code spans untouched."""
    out: list[str] = []
    closing: str | None = None
    for line in text.split("\n"):
        opened = _FENCE.match(line)
        if closing is not None:
            if opened and opened.group(1)[0] == closing[0] and len(opened.group(1)) >= len(closing):
                closing = None
            out.append(line)
        elif opened:
            closing = opened.group(1)
            out.append(line)
        else:
            pieces, at = [], 0
            for span in _CODE_SPAN.finditer(line):
                pieces += [_inert_prose(line[at : span.start()]), span.group(0)]
                at = span.end()
            out.append("".join([*pieces, _inert_prose(line[at:])]))
    return "\n".join(out)


# A fence that cuts a message for the window: at the top level, at most three spaces in.
_TOP_FENCE = re.compile(r"^ {0,3}(?P<marks>`{3,}|~{3,})(?P<info>[^`\n]*)$")


def split_fences(markdown: str) -> list[tuple[str, str, str | None]]:
    """Markdown cut into ("text", prose, None) and ("code", code, language) pieces, so that
    each code block gets its own view with its language (CommonMark's fences: three or more
    backticks or tildes, closed by a fence of the same character at least as long)."""
    pieces: list[tuple[str, str, str | None]] = []
    prose: list[str] = []
    lines = markdown.split("\n")
    index = 0
    while index < len(lines):
        opening = _TOP_FENCE.match(lines[index])
        if opening is None:
            prose.append(lines[index])
            index += 1
            continue
        marks = opening.group("marks")
        closing = re.compile(rf"^ {{0,3}}{re.escape(marks[0])}{{{len(marks)},}}\s*$")
        end = next((j for j in range(index + 1, len(lines)) if closing.match(lines[j])), None)
        if end is None:  # an unclosed fence runs to the end, as CommonMark says
            end = len(lines)
        if prose:
            pieces.append(("text", "\n".join(prose), None))
            prose = []
        language = opening.group("info").strip().split(" ")[0] or None
        pieces.append(("code", "\n".join(lines[index + 1 : end]), language))
        index = end + 1
    if prose:
        pieces.append(("text", "\n".join(prose), None))
    return [p for p in pieces if p[0] == "code" or p[1].strip()]


def inert_images(markdown: str) -> str:
    """A Markdown image from an export is never loaded: it becomes a link that names it."""
    return _IMAGE.sub(lambda m: f"[image: {m.group(1) or 'unnamed'}]({m.group(2)})", markdown)
