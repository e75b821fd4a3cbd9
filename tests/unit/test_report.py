"""The import report stays small however much an export holds that cannot be read."""

from __future__ import annotations

from desktop_importer.importing.records import (
    KIND_CHARS_KEPT,
    OTHER_KINDS,
    UNREAD_KINDS_KEPT,
    SkippedConversation,
)
from desktop_importer.importing.report import ImportReport


def test_unknown_content_types_beyond_the_first_hundred_are_counted_together() -> None:
    report = ImportReport()
    report.add_unread({f"type-{i}": 1 for i in range(UNREAD_KINDS_KEPT)})
    report.add_unread({"type-0": 2, "brand_new": 3, "another": 1})
    assert len(report.unread_content) == UNREAD_KINDS_KEPT + 1
    assert report.unread_content["type-0"] == 3
    assert report.unread_content[OTHER_KINDS] == 4
    assert report.to_json()["unreadContent"][OTHER_KINDS] == 4


def test_a_huge_content_type_name_is_cut_short() -> None:
    report = ImportReport()
    report.add_unread({"x" * 100_000: 2})
    assert report.unread_content == {"x" * KIND_CHARS_KEPT: 2}


def test_skipped_conversations_are_counted_past_the_named_ones() -> None:
    report = ImportReport()
    report.add_skipped(3, [SkippedConversation(f"c{i}", "broken") for i in range(3)])
    report.add_skipped(2_000, [])
    assert (report.skipped, len(report.skipped_details)) == (2_003, 3)
    assert report.details()[-1] == "… and 2,000 more skipped (--json names the first 3)."
