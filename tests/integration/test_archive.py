"""A faithful archive: cumulative merges, raw JSON kept, search in step with every publish."""

from __future__ import annotations

import copy
import json
import zlib
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from desktop_importer.app import App
from desktop_importer.basics.errors import ImportCancelled
from desktop_importer.importing.merge import KEPT_MARKER
from desktop_importer.importing.service import start_import
from desktop_importer.library import list_conversations, search_archive, show_conversation
from tests.helpers.exports import chatgpt_zip, conversation, message, node


def texts(app: App, conv_id: str) -> list[str]:
    return [m.text for m in show_conversation(app, conv_id).messages]


def branched(update_time: float, *, keep_deleted_branch: bool, extra_turn: bool) -> dict[str, Any]:
    """q -> (first answer | second answer); the user is on the second answer."""
    conv = conversation("c-branch", [("user", "q")], update_time=update_time)
    conv["mapping"]["first"] = node(
        "first", "c-branch-n0", message("first", "assistant", "first answer", t=1.0)
    )
    conv["mapping"]["second"] = node(
        "second", "c-branch-n0", message("second", "assistant", "second answer", t=2.0)
    )
    conv["current_node"] = "second"
    if extra_turn:
        conv["mapping"]["follow"] = node(
            "follow", "second", message("follow", "user", "follow-up", t=3.0)
        )
        conv["current_node"] = "follow"
    if not keep_deleted_branch:
        del conv["mapping"]["first"]
    return conv


def export_a(tmp: Path) -> Path:
    return chatgpt_zip(
        tmp / "a.zip",
        [
            conversation("c-grow", [("user", "one"), ("assistant", "two")], update_time=100.0),
            conversation("c-same", [("user", "steady")], update_time=100.0),
            conversation("c-gone", [("user", "deleted online later")], update_time=100.0),
            conversation("c-edit", [("user", "alpha draft")], update_time=100.0),
            branched(100.0, keep_deleted_branch=True, extra_turn=False),
        ],
    )


def export_b(tmp: Path) -> Path:
    grown = [("user", "one"), ("assistant", "two"), ("user", "three"), ("assistant", "four")]
    return chatgpt_zip(
        tmp / "b.zip",
        [
            conversation("c-grow", grown, update_time=200.0),
            conversation("c-same", [("user", "steady")], update_time=100.0),
            conversation("c-new", [("user", "brand new")], update_time=200.0),
            conversation("c-edit", [("user", "omega final")], update_time=200.0),
            branched(200.0, keep_deleted_branch=False, extra_turn=True),
        ],
    )


def counts(report: Any) -> tuple[int, int, int, int]:
    return report.added, report.updated, report.unchanged, report.skipped


def in_export_flags(app: App, conv_id: str) -> dict[str, bool]:
    with app.store.read() as session:
        rows = session.execute(
            text(
                "SELECT m.node_id, m.in_export FROM conversation_heads h "
                "JOIN messages m ON m.version_id = h.version_id WHERE h.conversation_id = :c"
            ),
            {"c": conv_id},
        )
        return {node_id: bool(flag) for node_id, flag in rows}


def stored_raw(app: App, conv_id: str) -> dict[str, Any]:
    with app.store.read() as session:
        blob = session.execute(
            text(
                "SELECT c.raw_json FROM conversation_heads h JOIN conversations c "
                "ON c.id = h.version_id WHERE h.conversation_id = :c"
            ),
            {"c": conv_id},
        ).scalar_one()
    raw: dict[str, Any] = json.loads(zlib.decompress(blob))
    return raw


def fts_integrity(app: App) -> None:
    with app.store.write() as session:
        session.execute(
            text("INSERT INTO message_fts (message_fts, rank) VALUES ('integrity-check', 1)")
        )
        session.execute(
            text("INSERT INTO title_fts (title_fts, rank) VALUES ('integrity-check', 1)")
        )


def test_cumulative_exports_merge_and_never_downgrade(app: App, tmp_path: Path) -> None:
    a, b = export_a(tmp_path), export_b(tmp_path)

    assert counts(start_import(app, a)) == (5, 0, 0, 0)
    assert texts(app, "c-branch") == ["q", "second answer"]

    report = start_import(app, b)
    assert counts(report) == (1, 3, 1, 0)
    assert report.conversations == 5
    assert len(list_conversations(app)) == 6  # c-gone is kept though B no longer has it
    assert texts(app, "c-grow") == ["one", "two", "three", "four"]
    assert texts(app, "c-gone") == ["deleted online later"]
    assert texts(app, "c-edit") == ["omega final"]
    assert texts(app, "c-branch") == ["q", "second answer", "follow-up"]
    flags = in_export_flags(app, "c-branch")
    assert flags["first"] is False  # the branch deleted online is kept, marked
    assert flags["follow"] is True
    assert flags["second"] is True
    raw = stored_raw(app, "c-branch")
    assert "first" in raw["mapping"]
    assert raw[KEPT_MARKER] == ["first"]

    assert counts(start_import(app, b)) == (0, 0, 5, 0)
    assert counts(start_import(app, a)) == (0, 0, 5, 0)  # older: never a downgrade
    assert texts(app, "c-grow") == ["one", "two", "three", "four"]
    assert texts(app, "c-branch") == ["q", "second answer", "follow-up"]
    assert in_export_flags(app, "c-branch")["first"] is False
    fts_integrity(app)


def test_a_node_that_comes_back_is_in_the_export_again(app: App, tmp_path: Path) -> None:
    start_import(
        app,
        chatgpt_zip(
            tmp_path / "1.zip", [branched(100.0, keep_deleted_branch=True, extra_turn=False)]
        ),
    )
    start_import(
        app,
        chatgpt_zip(
            tmp_path / "2.zip", [branched(200.0, keep_deleted_branch=False, extra_turn=False)]
        ),
    )
    assert in_export_flags(app, "c-branch")["first"] is False
    start_import(
        app,
        chatgpt_zip(
            tmp_path / "3.zip", [branched(300.0, keep_deleted_branch=True, extra_turn=False)]
        ),
    )
    assert in_export_flags(app, "c-branch")["first"] is True
    assert KEPT_MARKER not in stored_raw(app, "c-branch")


def test_the_original_json_is_kept_beside_the_parsed_rows(app: App, tmp_path: Path) -> None:
    original = conversation("c-raw", [("user", "keep me ✓")])
    original["unknown_future_field"] = {"nested": [1, 2.5, None, "ü"]}
    start_import(app, chatgpt_zip(tmp_path / "raw.zip", [copy.deepcopy(original)]))
    assert stored_raw(app, "c-raw") == original


def test_search_ranks_titles_and_frequent_words_first_with_snippets(
    app: App, tmp_path: Path
) -> None:
    filler = " ".join(f"word{i}" for i in range(200))
    start_import(
        app,
        chatgpt_zip(
            tmp_path / "s.zip",
            [
                conversation(
                    "about-rust",
                    [("user", "Explain the Rust borrow checker")],
                    title="Rust ownership",
                ),
                conversation(
                    "mentions-rust", [("user", f"{filler} rust {filler}")], title="Cooking"
                ),
                conversation("no-match", [("user", "Python packaging")], title="Python"),
            ],
        ),
    )
    hits = search_archive(app, "rust")
    assert [h.conversation_id for h in hits] == ["about-rust", "mentions-rust"]
    assert hits[0].snippet == "Explain the [Rust] borrow checker"
    assert "[rust]" in hits[1].snippet
    assert hits[1].snippet.startswith("…")
    assert [h.conversation_id for h in search_archive(app, "owner")] == [
        "about-rust"
    ]  # a word's start
    assert search_archive(app, "cooking")[0].node_id is None  # only the title matched
    assert len(search_archive(app, 'rust" -(')) == 2  # FTS5 syntax in the input is not an error
    assert search_archive(app, "   ") == []


def test_search_skips_hidden_messages(app: App, tmp_path: Path) -> None:
    hidden = node(
        "sys", "c-h-n0", message("sys", "system", "secretword in the system prompt", t=9.0)
    )
    start_import(app, chatgpt_zip(tmp_path / "h.zip", [conversation("c-h", extra_nodes=[hidden])]))
    assert search_archive(app, "secretword") == []


def test_search_follows_publishes_and_ignores_unpublished_imports(app: App, tmp_path: Path) -> None:
    start_import(app, export_a(tmp_path))
    assert [h.conversation_id for h in search_archive(app, "alpha")] == ["c-edit"]
    start_import(app, export_b(tmp_path))
    assert search_archive(app, "alpha") == []
    assert [h.conversation_id for h in search_archive(app, "omega")] == ["c-edit"]

    zebra = chatgpt_zip(
        tmp_path / "z.zip", [conversation(f"z{i}", [("user", "zebra crossing")]) for i in range(10)]
    )
    app.settings = type(app.settings)(batch_conversations=2)
    asked = iter(range(100))
    with pytest.raises(ImportCancelled):
        start_import(app, zebra, cancel=lambda: next(asked) >= 6)
    assert search_archive(app, "zebra") == []
    fts_integrity(app)
