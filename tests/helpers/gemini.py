"""Google Takeout's My Activity as it comes (tests/fixtures/gemini/): the Gemini Apps log in
HTML (English, and Slovene with every name translated) or JSON, the files the person
attached beside it, and another product's log of the same markup, which is not Gemini's."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.helpers.exports import write_zip
from tests.helpers.media import jpeg_header, png

FIXTURES = Path(__file__).parents[1] / "fixtures" / "gemini"
PHOTO, TILE, PLAN = png(seed=31), jpeg_header(40, 30), b"%PDF-1.4 floor plan"
THREAD, JOKES, TILES = "0123456789abcdef", "fedcba9876543210", "aaaabbbbccccdddd"
SEARCH_LOG = (
    '<html><body><div class="outer-cell mdl-cell"><div class="mdl-grid">'
    '<div class="header-cell"><p class="mdl-typography--title">Search<br></p></div>'
    '<div class="content-cell mdl-cell mdl-cell--6-col mdl-typography--body-1">'
    "Searched for\xa0bees<br>Aug 8, 2026, 6:00:00 PM CEST<br></div></div></div></body></html>"
)


CELL = (
    '<div class="outer-cell mdl-cell mdl-cell--12-col mdl-shadow--2dp"><div class="mdl-grid">'
    '<div class="header-cell mdl-cell mdl-cell--12-col">'
    '<p class="mdl-typography--title">Gemini Apps<br></p></div>'
    '<div class="content-cell mdl-cell mdl-cell--6-col mdl-typography--body-1">'
    "Prompted\xa0{prompt}<br>Aug 8, 2026, 6:{minute:02d}:{second:02d} PM CEST<br>{answer}</div>"
    '<div class="content-cell mdl-cell mdl-cell--6-col mdl-typography--body-1 '
    'mdl-typography--text-right"></div>'
    '<div class="content-cell mdl-cell mdl-cell--12-col mdl-typography--caption">'
    "<b>Products:</b><br>&emsp;Gemini Apps<br><b>Details:</b><br>&emsp;"
    '<a href="https://gemini.google.com/app/{key}">https://gemini.google.com/app/{key}</a>'
    "<br></div></div></div>"
)


def _exchange(n: int) -> tuple[str, str, str]:
    """The prompt, the answer and the app id of the n-th of `many_exchanges_…`."""
    answer = f"<p>Answer {n}: " + "the temple garden in spring " * 40 + "</p>"
    return f"Question {n} about 京都", answer, f"{n:016x}"


def many_exchanges_log(count: int) -> str:
    """An HTML log of `count` exchanges, each a conversation of its own, alike in size."""
    cells = []
    for n in range(count):
        prompt, answer, key = _exchange(n)
        minute, second = (n // 60) % 60, n % 60
        cells.append(
            CELL.format(prompt=prompt, minute=minute, second=second, answer=answer, key=key)
        )
    return "<html><body>" + "".join(reversed(cells)) + "</body></html>"  # newest first


def many_exchanges_entries(count: int) -> list[dict[str, Any]]:
    """`many_exchanges_log` in the JSON form."""
    entries = []
    for n in range(count):
        prompt, answer, key = _exchange(n)
        entries.append({
            "header": "Gemini Apps", "title": f"Prompted {prompt}",
            "time": f"2026-08-08T16:{(n // 60) % 60:02d}:{n % 60:02d}.000Z",
            "products": ["Gemini Apps"], "safeHtmlItem": [{"html": answer}],
            "details": [{"name": f"https://gemini.google.com/app/{key}"}],
        })  # fmt: skip
    return entries[::-1]  # newest first


def html_log() -> str:
    return (FIXTURES / "MyActivity.html").read_text(encoding="utf-8")


def json_log() -> list[dict[str, Any]]:
    loaded: list[dict[str, Any]] = json.loads((FIXTURES / "MyActivity.json").read_text("utf-8"))
    return loaded


def takeout_zip(
    path: Path,
    *,
    log: str | None = None,
    exported: tuple[int, int, int] = (2026, 8, 21),
) -> Path:
    """An English Takeout of My Activity in HTML, with Search's log beside Gemini's."""
    folder = "Takeout/My Activity/Gemini Apps/"
    return write_zip(
        path,
        {
            "Takeout/archive_browser.html": "<html><body>Takeout</body></html>",
            "Takeout/My Activity/Search/MyActivity.html": SEARCH_LOG,
            f"{folder}MyActivity.html": html_log() if log is None else log,
            f"{folder}image-a1.png": PHOTO,
        },
        exported=exported,
    )


def slovene_takeout_zip(path: Path) -> Path:
    folder = "Takeout/Moja dejavnost/Aplikacije Gemini/"
    log = (FIXTURES / "Moja_dejavnost.html").read_text(encoding="utf-8")
    return write_zip(path, {f"{folder}Moja_dejavnost.html": log})


def json_takeout_zip(path: Path, entries: list[dict[str, Any]] | None = None) -> Path:
    folder = "Takeout/My Activity/Gemini Apps/"
    return write_zip(
        path,
        {
            f"{folder}MyActivity.json": json_log() if entries is None else entries,
            f"{folder}tile-photo.jpg": TILE,
            f"{folder}floor-plan.pdf": PLAN,
        },
    )
