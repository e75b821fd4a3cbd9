"""How the window words progress, minutes and reports (pure functions, no widgets)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from desktop_importer.basics.progress import ProgressUpdate
from desktop_importer.gui import text


def test_minutes_are_singular_for_one() -> None:
    assert [text.minutes(n) for n in (0, 1, 7)] == ["0 minutes", "1 minute", "7 minutes"]


def test_stage_lines_count_what_is_known() -> None:
    assert text.stage_line(ProgressUpdate("reading", 5, 10, 0, None)) == "Reading conversations…"
    assert (
        text.stage_line(ProgressUpdate("reading", 5, 10, 1240, None))
        == "Reading conversations… 1,240 so far"
    )
    assert (
        text.stage_line(ProgressUpdate("publishing", 10, 10, 2431, 2431))
        == "Saving to the archive… 2,431 of 2,431"
    )


def test_the_bar_follows_bytes_and_is_full_once_reading_is_done() -> None:
    assert text.fraction(ProgressUpdate("reading", 25, 100, 3, None)) == 0.25
    assert text.fraction(ProgressUpdate("reading", 0, 0, 0, None)) == 0.0
    assert text.fraction(ProgressUpdate("publishing", 90, 100, 3, 3)) == 1.0


def test_minutes_until_rounds_up_and_never_goes_negative() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert text.minutes_until(now + timedelta(seconds=61), now) == 2
    assert text.minutes_until(now - timedelta(minutes=5), now) == 0


def test_report_lines_count_every_skipped_conversation_not_only_the_named_ones() -> None:
    named = [{"id": f"c{i}", "reason": "it has no conversation id"} for i in range(1_000)]
    report = {"conversations": 1_502, "skipped": 1_500, "skippedDetails": named}
    assert text.report_lines(report)[1:] == [
        "Skipped c0: it has no conversation id.",
        "Skipped c1: it has no conversation id.",
        "Skipped c2: it has no conversation id.",
        "… and 1,497 more skipped.",
    ]


def test_report_lines_say_what_was_skipped_unread_and_not_kept() -> None:
    report = {
        "conversations": 5, "messages": 40, "added": 3, "updated": 1, "unchanged": 0, "skipped": 1,
        "skippedDetails": [{"id": "c9", "reason": "it has no conversation id"}],
        "unreadContent": {"hologram": 2},
        "media": {"files": 4, "bytes": 3 * 2**20, "kept": 3, "missing": 2, "unreferenced": 1,
                  "added": 1},
    }  # fmt: skip
    assert text.report_lines(report) == [
        "5 conversations, 40 messages: 3 added, 1 updated, 0 unchanged, 1 skipped.",
        "Skipped c9: it has no conversation id.",
        "Kept without reading (unknown content): hologram (2).",
        "Media: 3 of 4 files kept (3.0 MB), 1 new to the archive.",
        "Could not be read from the ZIP (damaged): 1 media file; the log names each.",
        "Missing from this export, though messages point at them: 2 files (the vendor leaves "
        "some out). Those messages say so; a later export that holds them fills the gap.",
        "Kept too, though no message points at them: 1 file (your library, say).",
    ]


def test_an_older_report_without_media_keys_says_nothing_of_media() -> None:
    report: dict[str, object] = {"conversations": 1, "messages": 2, "added": 1, "updated": 0, "unchanged": 0,
              "skipped": 0, "media": {"files": 0, "bytes": 0, "kept": 0}}  # fmt: skip
    assert not [line for line in text.report_lines(report) if "edia" in line]


def test_report_lines_say_one_conversation_and_one_message() -> None:
    report: dict[str, object] = {"conversations": 1, "messages": 1, "added": 1, "updated": 0, "unchanged": 0,
              "skipped": 0}  # fmt: skip
    assert text.report_lines(report)[0].startswith("1 conversation, 1 message: 1 added")
