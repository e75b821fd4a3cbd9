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
