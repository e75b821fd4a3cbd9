"""Gemini's history from Google Takeout: the Gemini Apps log found by its content among
every product's (names translated too), in HTML or JSON; entries grouped into
conversations by their link, an exchange without one a conversation of its own; answers'
HTML made into inert Markdown, images no file stands behind named as missing, the files the
person attached kept; what is not a message left out and said; stable ids, so that the next
Takeout, overlapping this one, adds only what is new and keeps what its window dropped."""

from __future__ import annotations

import itertools
import json
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from desktop_importer import library
from desktop_importer.app import App
from desktop_importer.basics.errors import InvalidExport
from desktop_importer.basics.progress import ProgressUpdate
from desktop_importer.basics.settings import Settings
from desktop_importer.exporting import export
from desktop_importer.importing import reading_process
from desktop_importer.importing.activity import FIRST_PASS_SHARE, NOT_MESSAGES
from desktop_importer.importing.export_set import open_exports
from desktop_importer.importing.report import file_lines
from desktop_importer.importing.service import profile_status, start_import
from desktop_importer.vendors.gemini import printed_time
from tests.helpers.exports import write_zip
from tests.helpers.gemini import (
    JOKES,
    PHOTO,
    PLAN,
    THREAD,
    TILE,
    TILES,
    html_log,
    json_log,
    json_takeout_zip,
    many_exchanges_entries,
    many_exchanges_log,
    slovene_takeout_zip,
    takeout_zip,
)


@pytest.fixture
def imported(app: App, tmp_path: Path) -> App:
    report = start_import(app, takeout_zip(tmp_path / "takeout-20260821T101010Z-001.zip"))
    # a thread of two exchanges, one with an unknown verb, a Canvas document, a lone exchange
    assert (report.added, report.skipped) == (4, 0)
    assert report.notes[NOT_MESSAGES] == 2
    assert (report.media_files, report.media_kept, report.media_missing) == (1, 1, 0)
    lines = file_lines(report.to_json())
    assert f"{NOT_MESSAGES}: 2." in lines
    view = library.read_conversation(app, "default", THREAD)
    assert view.hidden_count == 1 and "Gave feedback" not in str([m.blocks for m in view.messages])
    shown = library.read_conversation(app, "default", THREAD, include_hidden=True)
    (feedback,) = [m for m in shown.messages if m.hidden]
    assert feedback.blocks[0].text == "Gave feedback: Good response"
    assert library.speaker(feedback, "gemini") == "Activity"
    assert any("“Asked Gemini”: 1." in line for line in lines)
    return app


def test_a_thread_is_its_entries_oldest_first(imported: App) -> None:
    view = library.read_conversation(imported, "default", THREAD)
    assert view.vendor == "gemini" and view.title == "Plan a trip to Japan. Here is my photo:"
    assert [m.role for m in view.messages] == ["user", "assistant", "user", "assistant"]
    first, _, second, answer = view.messages
    assert first.create_time == printed_time("Aug 8, 2026, 6:10:05 PM CEST") == 1786205405.0
    assert second.blocks[0].text == "What about 京都 in spring?"
    photo = view.file_for(first.blocks[-1].pointer)
    assert photo is not None and photo.path.read_bytes() == PHOTO
    kinds = [b.kind for b in answer.blocks]
    assert kinds == ["text", "image"]
    words = answer.blocks[0].text
    assert "Kyoto (京都) in **spring**: see [the guide](<https://example.org/kyoto>)" in words
    assert "javascript" not in words and "<script" not in words and "alert" not in words
    assert "- Philosopher's Path\n- Maruyama Park" in words
    assert '```\nprint("花見")\n```' in words
    assert "[image: pixel](<https://tracker.example/pixel.png>)" in words  # a link, not fetched
    made = answer.blocks[1]
    assert made.name == "image_agent_tag_7f3a9c" and view.file_for(made.pointer) is None


def test_a_canvas_is_a_document_and_a_lone_exchange_its_own_conversation(imported: App) -> None:
    rows = {r.title: r for r in library.list_page(imported, "default")}
    assert set(rows) == {
        "Plan a trip to Japan. Here is my photo:",
        "Trip plan",
        "hello",
        "Asked Gemini tell me a joke",  # an unknown verb: the title kept whole
    }
    canvas = library.read_conversation(imported, "default", rows["Trip plan"].conversation_id)
    (document,) = canvas.messages[0].blocks
    assert (document.kind, document.title) == ("canvas", "Trip plan")
    assert document.text == "# Trip plan\n\nDay 1: temples"
    # A link in an answer is not the conversation's: only the entry's details name that.
    assert rows["hello"].conversation_id.startswith("gemini-")
    joke = library.read_conversation(imported, "default", JOKES)
    assert [m.role for m in joke.messages] == ["user", "assistant"]


def test_the_slovene_takeout_reads_the_same(app: App, tmp_path: Path) -> None:
    report = start_import(app, slovene_takeout_zip(tmp_path / "takeout-sl.zip"))
    # an exchange, a Canvas document, and the activity no conversation holds (hidden)
    assert (report.added, report.notes[NOT_MESSAGES]) == (3, 1)
    kept = library.read_conversation(app, "default", "gemini-activity", include_hidden=True)
    assert kept.title == "Gemini activity that is not a conversation"
    assert [b.text for m in kept.messages for b in m.blocks] == [
        "Uporabljena je bila funkcija Pomočnika"
    ]
    assert library.read_conversation(app, "default", "gemini-activity").messages == []
    view = library.read_conversation(app, "default", "5555666677778888")
    assert view.messages[0].blocks[0].text == "Kako se reče čebela po japonsko?"
    assert view.messages[0].create_time == printed_time("5. nov. 2025, 01:34:47 CEST")
    assert view.messages[0].create_time == 1762299287.0  # 00:34:47 UTC
    assert [h.conversation_id for h in library.search_archive(app, "蜂")] == ["5555666677778888"]


def test_the_json_form_keeps_its_drafts_as_branches(app: App, tmp_path: Path) -> None:
    report = start_import(app, json_takeout_zip(tmp_path / "takeout-json.zip"))
    assert (report.added, report.notes[NOT_MESSAGES]) == (2, 1)  # the feedback kept hidden
    assert (report.media_kept, report.media_missing) == (2, 0)
    view = library.read_conversation(app, "default", TILES)
    assert [m.role for m in view.messages] == ["user", "assistant", "user", "assistant"]
    asked, draft, *_ = view.messages
    assert asked.blocks[0].text == "Which tile for a kitchen floor?"
    assert [b.kind for b in asked.blocks[1:]] == ["image", "file"]
    assert view.file_for(asked.blocks[1].pointer).path.read_bytes() == TILE  # type: ignore[union-attr]
    assert view.file_for(asked.blocks[2].pointer).path.read_bytes() == PLAN  # type: ignore[union-attr]
    assert len(draft.siblings) == 2 and draft.blocks[0].text == "Porcelain, draft one."
    other = library.read_conversation(
        app, "default", TILES, choices={asked.node_id: draft.siblings[1]}
    )
    assert other.messages[1].blocks[0].text == "Porcelain or stone, draft two."
    assert view.messages[0].create_time == pytest.approx(1788344130.123)


def test_search_finds_gemini_text_cjk_included(imported: App) -> None:
    assert [h.conversation_id for h in library.search_archive(imported, "京都")] == [THREAD]
    assert library.search_archive(imported, "alert") == []  # scripts are never text


@pytest.mark.parametrize("fmt", ["markdown", "html", "json"])
def test_every_export_format_writes_it(app: App, tmp_path: Path, fmt: str) -> None:
    start_import(app, json_takeout_zip(tmp_path / "takeout-json.zip"))
    export(app, "default", tmp_path / fmt, fmt=fmt)
    (page,) = [p for p in (tmp_path / fmt).iterdir() if "tile" in p.name.lower()]
    written = page.read_text(encoding="utf-8")
    if fmt == "json":  # the vendor's own entries, newest first as Takeout wrote them
        assert json.loads(written) == [e for e in json_log() if "safeHtmlItem" in e]
        return
    assert "Porcelain, draft one." in written and "Glazed ceramic." in written
    assert sorted(p.read_bytes() for p in (tmp_path / fmt / "media").iterdir()) == sorted(
        [TILE, PLAN]
    )
    if fmt == "markdown":
        assert f'url: "https://gemini.google.com/app/{TILES}"' in written


def test_the_next_takeout_adds_only_what_is_new_and_keeps_what_its_window_dropped(
    imported: App, tmp_path: Path
) -> None:
    again = start_import(imported, takeout_zip(tmp_path / "again.zip"))
    assert (again.added, again.updated, again.unchanged) == (0, 0, 4)
    log = html_log()
    oldest = log.rindex('<div class="outer-cell', 0, log.index("Plan a trip to Japan"))
    newest = log.index('<div class="outer-cell')
    # Months later: the oldest exchange has left My Activity's window, a new one came.
    cell = log[newest : log.index('<div class="outer-cell', newest + 10)]
    added = cell.replace("What about 京都 in spring?", "And Osaka?").replace(
        "Aug 8, 2026, 6:39:27 PM CEST", "Sep 1, 2026, 9:00:00 AM CEST"
    )
    later = (
        log[:newest]
        + added
        + log[newest:oldest]
        + log[log.index('<div class="outer-cell', oldest + 10) :]
    )
    report = start_import(imported, takeout_zip(tmp_path / "later.zip", log=later))
    assert (report.added, report.updated) == (0, 1)
    view = library.read_conversation(imported, "default", THREAD)
    texts = [m.blocks[0].text for m in view.messages if m.role == "user"]
    assert texts == [
        "Plan a trip to Japan.\nHere is my photo:",
        "What about 京都 in spring?",
        "And Osaka?",
    ]
    assert view.messages[0].in_export is False  # kept, though the newer Takeout lacks it


def test_a_log_is_told_by_its_content(app: App, tmp_path: Path) -> None:
    search_only = write_zip(tmp_path / "search.zip", {
        "Takeout/My Activity/Search/MyActivity.html": html_log().replace("Gemini", "Search")
        .replace("gemini.google.com", "example.org"),
    })  # fmt: skip
    with pytest.raises(InvalidExport, match="has no conversation data"):
        start_import(app, search_only)
    assert not profile_status(app).processing
    bare = tmp_path / "MyActivity.html"
    bare.write_text(html_log(), encoding="utf-8")
    report = start_import(app, bare)  # the log alone: its attached photo counted missing
    assert (report.added, report.media_missing) == (4, 1)


class _Recorder:
    def __init__(self) -> None:
        self.updates: list[ProgressUpdate] = []

    def update(self, progress: ProgressUpdate) -> None:
        self.updates.append(progress)

    def finish(self) -> None:
        pass


@pytest.mark.parametrize("form", ["html", "json"])
def test_the_progress_bar_follows_the_conversations_read_not_the_bytes(
    app: App, tmp_path: Path, form: str
) -> None:
    """A log is read twice: once through for each entry's conversation, then again one
    conversation at a time. Told by the bytes read, the bar stood full from the end of the
    first pass (a tenth to a fifth of the time) through the whole second."""
    count = 600
    recorder = _Recorder()
    path = (
        takeout_zip(tmp_path / "t.zip", log=many_exchanges_log(count))
        if form == "html"
        else json_takeout_zip(tmp_path / "t.zip", many_exchanges_entries(count))
    )
    report = start_import(app, path, progress=recorder)
    assert report.added == count
    reading = [u for u in recorder.updates if u.stage == "reading" and u.bytes_total]
    shown = [u.bytes_done / u.bytes_total for u in reading]
    assert shown == sorted(shown)  # never back
    midway = [
        (u, f) for u, f in zip(reading, shown, strict=True) if 0 < u.conversations_done < count
    ]
    assert len(midway) >= 3  # parts came while the second pass read
    first = FIRST_PASS_SHARE[form]
    for update, fraction in midway:  # the first pass's share, then in step with them
        assert fraction <= first + (1 - first) * update.conversations_done / count + 0.05, update
        assert fraction < 0.99
    assert recorder.updates[-1].stage == "complete"


class _Frames:
    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []

    def send(self, frame: dict[str, Any]) -> None:
        self.sent.append(frame)


def test_a_long_first_pass_sends_its_progress_in_parts_of_no_conversation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No conversation comes until the first pass has read the whole log, and the importing
    process answers Cancel and beats only when a part comes: the first pass sends parts of
    no conversation, with its progress, as often as parts come otherwise."""
    ticks = itertools.count()  # each look at the clock a second later: a slow first pass
    clock = SimpleNamespace(monotonic=lambda: float(next(ticks)), perf_counter=time.perf_counter)
    monkeypatch.setattr(reading_process, "time", clock)
    export = open_exports([takeout_zip(tmp_path / "t.zip", log=many_exchanges_log(300))])
    (log,) = export.parts
    frames = _Frames()
    reading_process._Reading(list(export.parts), Settings(), frames).run()  # type: ignore[arg-type]
    parts = [f for f in frames.sent if f["kind"] == "part"]
    first = [f for f in parts if f["conversations"] == 0]
    assert len(first) >= 2 and parts[: len(first)] == first  # before any conversation
    shown = [f["bytes"] for f in first]
    assert shown == sorted(shown)
    assert 0 < shown[-1] <= round(FIRST_PASS_SHARE["html"] * log.data_bytes)
    assert frames.sent[-1]["kind"] == "end" and frames.sent[-1]["bytes"] == log.data_bytes
