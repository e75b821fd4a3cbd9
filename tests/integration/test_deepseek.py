"""DeepSeek's "Export all history": its `mapping` tree of fragments read as the app showed
it (the person's request, a folded thought, the answer with its cited pages, the files'
text), the newest branch current and the others reachable, found by search (CJK
included), written in the three formats, merged with a newer export; bad values cost one
conversation, never the import."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from desktop_importer import library
from desktop_importer.app import App
from desktop_importer.exporting import export
from desktop_importer.importing.report import file_lines
from desktop_importer.importing.service import profile_status, start_import
from desktop_importer.vendors import deepseek
from desktop_importer.vendors.blocks import plain_text
from tests.helpers.exports import chatgpt_zip, conversation, write_zip

FIXTURE = Path(__file__).parents[1] / "fixtures" / "deepseek_conversations.json"


def conversations() -> list[dict[str, Any]]:
    loaded: list[dict[str, Any]] = json.loads(FIXTURE.read_text(encoding="utf-8"))
    return loaded


def deepseek_zip(path: Path, convs: list[dict[str, Any]] | None = None,
                 exported: tuple[int, int, int] = (2026, 3, 15)) -> Path:  # fmt: skip
    files: dict[str, Any] = {
        "conversations.json": conversations() if convs is None else convs,
        "user.json": {"email": "someone@example.org", "mobile": None},
    }
    return write_zip(path, files, exported=exported)


@pytest.fixture
def imported(app: App, tmp_path: Path) -> App:
    report = start_import(app, deepseek_zip(tmp_path / "deepseek_data.zip"))
    assert (report.added, report.skipped) == (2, 0)
    assert report.unread_content == {"TOOL_SEARCH": 1}  # kept raw, and counted
    return app


def texts(view: library.ReaderConversation) -> list[tuple[str, str]]:
    return [(m.role, plain_text(m.blocks)) for m in view.messages]


def test_the_newest_branch_is_shown_in_the_trees_order(imported: App) -> None:
    view = library.read_conversation(imported, "default", "ds-0001-reasoner")
    assert view.vendor == "deepseek" and view.title == "瓷砖 for the kitchen"
    # The answer is stamped 4 ms before its prompt: the tree orders them, not the clock.
    assert [m.node_id for m in view.messages] == ["1", "2", "5", "6"]
    assert [m.role for m in view.messages] == ["user", "assistant", "user", "assistant"]
    assert view.messages[2].siblings == ("3", "5")  # the edit and the first prompt
    other = library.read_conversation(imported, "default", "ds-0001-reasoner", choices={"2": "3"})
    assert [m.node_id for m in other.messages] == ["1", "2", "3", "4"]
    # Times keep their offsets exactly: 09:30:00.120 at +08:00.
    assert view.create_time == pytest.approx(1773451800.12)


def test_a_turn_shows_its_thought_folded_its_answer_and_its_cited_pages(imported: App) -> None:
    view = library.read_conversation(imported, "default", "ds-0001-reasoner")
    prompt, answer = view.messages[0].blocks, view.messages[1].blocks
    assert [b.kind for b in prompt] == ["text", "attachment"]
    assert (prompt[1].name, prompt[1].text) == (
        "floor plan.txt",
        "Kitchen: 3.2 m by 4 m, north window.",
    )
    assert [b.kind for b in answer] == ["thoughts", "text", "citation", "citation"]
    words = answer[1].text
    # [citation:1] is the page it points at, linked; the hostile page is words, not a link
    # nor markup; a marker no page answers is dropped.
    assert "best ([Porcelain tiles](<https://example.org/porcelain>))" in words
    assert "(\\<b\\>Bad\\</b\\> \\[link\\]\\(javascript:x\\))." in words  # escaped words
    assert "[citation:" not in words
    assert (answer[2].title, answer[2].url) == ("Porcelain tiles", "https://example.org/porcelain")
    old = library.read_conversation(imported, "default", "ds-0002-older")
    assert [[b.kind for b in m.blocks] for m in old.messages] == [["text"], ["thoughts", "text"]]
    assert texts(old)[1] == ("assistant", "[thoughts]\nJapanese greeting.\n\nこんにちは")


def test_an_unknown_fragment_is_kept_and_shown_as_such(imported: App) -> None:
    view = library.read_conversation(imported, "default", "ds-0001-reasoner", choices={"2": "3"})
    unknown = view.messages[3].blocks[-1]
    assert unknown.kind == "unknown" and unknown.text == "TOOL_SEARCH"
    assert json.loads(unknown.raw or "")["content"] == "grout kinds"


def test_search_finds_deepseek_text_cjk_included(imported: App) -> None:
    assert [h.conversation_id for h in library.search_archive(imported, "瓷砖")] == [
        "ds-0001-reasoner"
    ]
    (hit,) = library.search_archive(imported, "epoxy")  # on the branch not shown
    view = library.read_conversation(imported, "default", hit.conversation_id, through=hit.node_id)
    assert "4" in [m.node_id for m in view.messages]
    assert [h.conversation_id for h in library.search_archive(imported, "こんにちは")] == [
        "ds-0002-older"
    ]
    assert {r.vendor for r in library.list_page(imported, "default", vendor="deepseek")} == {
        "deepseek"
    }
    assert library.vendors(imported, "default") == ["deepseek"]


@pytest.mark.parametrize("fmt", ["markdown", "html", "json"])
def test_every_export_format_writes_it(imported: App, tmp_path: Path, fmt: str) -> None:
    export(imported, "default", tmp_path / fmt, fmt=fmt)
    (page,) = [p for p in (tmp_path / fmt).iterdir() if "瓷砖" in p.name]
    written = page.read_text(encoding="utf-8")
    if fmt == "json":
        assert json.loads(written) == conversations()[0]  # the vendor's own object
        return
    assert "Glazed ceramic is fine on walls." in written
    assert "The person wants durable, non-slip tiles." in written
    assert "<script>alert" not in written and 'href="javascript' not in written
    assert "<b>Bad" not in written and ("](javascript" not in written or fmt == "html")
    if fmt == "markdown":
        assert 'model: "deepseek-chat"' in written
        assert "https://chat.deepseek.com/a/chat/s/ds-0001-reasoner" in written


def test_the_same_export_again_changes_nothing_and_a_newer_one_merges(
    imported: App, tmp_path: Path
) -> None:
    again = start_import(imported, deepseek_zip(tmp_path / "again.zip"))
    assert (again.added, again.updated, again.unchanged) == (0, 0, 2)
    newer = conversations()
    newer[0]["updated_at"] = "2026-03-20T08:00:00.250000+08:00"
    mapping = newer[0]["mapping"]
    del mapping["4"]  # deleted online: kept here, marked as no longer in the export
    mapping["3"]["children"] = []
    mapping["6"]["children"] = ["7"]
    mapping["7"] = {"id": "7", "parent": "6", "children": [], "message": {
        "model": "deepseek-chat", "inserted_at": "2026-03-20T08:00:00+08:00", "files": [],
        "fragments": [{"type": "REQUEST", "content": "Thanks!"}]}}  # fmt: skip
    later = start_import(imported, deepseek_zip(tmp_path / "later.zip", newer, (2026, 3, 21)))
    assert (later.added, later.updated, later.unchanged) == (0, 1, 1)
    view = library.read_conversation(imported, "default", "ds-0001-reasoner")
    assert [m.node_id for m in view.messages] == ["1", "2", "5", "6", "7"]
    kept = library.read_conversation(imported, "default", "ds-0001-reasoner", choices={"2": "3"})
    assert [(m.node_id, m.in_export) for m in kept.messages][-1] == ("4", False)


def _spoil(value: Any) -> list[Any]:
    return [None, 7, "x", [], {}, True] if not isinstance(value, str) else [None, 7, [], {}]


def test_wrong_types_in_every_field_cost_at_most_that_conversation(
    app: App, tmp_path: Path
) -> None:
    """Each field of the fixture, set in turn to each wrong type: the import finishes, the
    other conversation is kept whole, and nothing is left processing."""
    base = conversations()
    spoiled: list[dict[str, Any]] = []
    paths: list[list[Any]] = [["id"], ["title"], ["inserted_at"], ["mapping"]]
    for key, node in base[0]["mapping"].items():
        paths += [["mapping", key, field] for field in ("parent", "children", "message")]
        message = node["message"] or {}
        paths += [["mapping", key, "message", field] for field in message]
        for index, fragment in enumerate(message.get("fragments", [])):
            paths += [["mapping", key, "message", "fragments", index, f] for f in fragment]
    for number, path in enumerate(paths):
        target = base[0]
        for step in path[:-1]:
            target = target[step]
        for bad in _spoil(target[path[-1]]):
            conv = copy.deepcopy(base[0])
            holder = conv
            for step in path[:-1]:
                holder = holder[step]
            holder[path[-1]] = bad
            if path != ["id"]:
                conv["id"] = f"spoiled-{number}-{len(spoiled)}"
            spoiled.append(conv)
    report = start_import(app, deepseek_zip(tmp_path / "spoiled.zip", [*spoiled, base[1]]))
    assert report.added + report.skipped == len(spoiled) + 1
    assert library.read_conversation(app, "default", "ds-0002-older") is not None
    assert not profile_status(app).processing
    for row in library.list_page(app, "default", limit=1000):  # each one opens
        library.read_conversation(app, "default", row.conversation_id)
    assert deepseek.looks_like(base[0]) and not deepseek.looks_like({"mapping": {}})


def test_a_drop_of_two_assistants_exports_names_each_ones_count(app: App, tmp_path: Path) -> None:
    chatgpt = chatgpt_zip(tmp_path / "chatgpt.zip", [conversation("c1")])
    report = start_import(app, [chatgpt, deepseek_zip(tmp_path / "deepseek.zip")])
    assert report.added == 3 and report.vendors == {"deepseek": 2, "chatgpt": 1}
    lines = file_lines(report.to_json())
    assert "From 2 assistants: DeepSeek 2 conversations, ChatGPT 1 conversation." in lines
    assert library.vendors(app, "default") == ["chatgpt", "deepseek"]
