"""What an assistant may ask of the archive (memory/tools.py), through the same calls the
MCP server makes: search with vendor and dates, list in pages, read a conversation page by
page from its start or from a hit, every branch if asked; every bad argument refused with
one sentence."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from desktop_importer.app import App
from desktop_importer.importing.service import start_import
from desktop_importer.memory import tools
from desktop_importer.memory.tools import BadArgument
from tests.helpers.exports import chatgpt_zip, conversation, linked, message, node
from tests.integration.test_deepseek import deepseek_zip


def long_conversation(turns: int) -> dict[str, Any]:
    nodes, parent = [node("root", None, None)], "root"
    for n in range(turns):
        role = ("user", "assistant")[n % 2]
        made = message(f"m{n}", role, f"turn {n}: " + "kitchen tiles and grout " * 20, t=1.75e9 + n)
        nodes.append(node(made["id"], parent, made))
        parent = made["id"]
    return {"id": "long", "title": "A long talk", "create_time": 1.75e9,
            "update_time": 1.75e9 + turns, "current_node": parent, "mapping": linked(nodes)}  # fmt: skip


@pytest.fixture
def archive(app: App, tmp_path: Path) -> App:
    start_import(app, deepseek_zip(tmp_path / "deepseek.zip"))
    start_import(app, chatgpt_zip(tmp_path / "chatgpt.zip", [long_conversation(600),
                                                             conversation("short")]))  # fmt: skip
    return app


def test_search_names_each_hit_with_its_vendor_dates_and_message(archive: App) -> None:
    (hit,) = tools.search(archive, "default", "瓷砖")
    assert (hit.conversation_id, hit.vendor, hit.message_id) == (
        "ds-0001-reasoner",
        "DeepSeek",
        "1",
    )
    assert hit.updated == "2026-03-14T01:41:12Z" and "[瓷砖]" in hit.snippet
    assert [
        h.conversation_id for h in tools.search(archive, "default", "kitchen", vendor="ChatGPT")
    ] == ["long"]
    assert tools.search(archive, "default", "kitchen", vendor="deepseek")[0].vendor == "DeepSeek"
    assert tools.search(archive, "default", "kitchen", since="2026-03-15") == []
    assert len(tools.search(archive, "default", "kitchen", limit=1)) == 1


def test_a_long_conversation_is_read_in_pages_to_its_end(archive: App) -> None:
    page = tools.read_conversation(archive, "default", "long")
    pages, seen = 1, page.markdown
    assert len(page.markdown) <= tools.PAGE_CHARACTERS and page.markdown.startswith("# A long talk")
    while page.next_cursor:
        page = tools.read_conversation(archive, "default", "long", cursor=page.next_cursor)
        assert len(page.markdown) <= tools.PAGE_CHARACTERS
        seen += page.markdown
        pages += 1
    assert pages > 10
    for n in (0, 299, 599):
        assert seen.count(f"message `m{n}`") == 1  # every message once, in order
    assert seen.index("message `m298`") < seen.index("message `m299`")


def test_a_read_starts_at_a_hit_and_can_take_every_branch(archive: App) -> None:
    page = tools.read_conversation(archive, "default", "ds-0001-reasoner", start_at="4")
    assert "message `4`" in page.markdown and "message `1`" not in page.markdown
    assert "Use epoxy grout." in page.markdown  # the branch the hit is on, not the current
    every = tools.read_conversation(archive, "default", "ds-0001-reasoner", all_branches=True)
    assert "## Branch 2" in every.markdown
    assert "Glazed ceramic" in every.markdown and "epoxy grout" in every.markdown


def test_the_list_is_newest_first_in_pages(archive: App) -> None:
    first, cursor = tools.list_conversations(archive, "default", limit=2)
    assert [r.conversation_id for r in first] == ["ds-0001-reasoner", "long"]
    rest, end = tools.list_conversations(archive, "default", limit=2, cursor=cursor)
    assert [r.conversation_id for r in rest] == ["ds-0002-older", "short"] and end is None
    (only,), _ = tools.list_conversations(archive, "default", vendor="deepseek", until="2026-01-01")
    assert only.conversation_id == "ds-0002-older"


@pytest.mark.parametrize(
    ("call", "sentence"),
    [
        (lambda a: tools.search(a, "default", ""), "words must be the words to look for"),
        (lambda a: tools.search(a, "default", "x" * 600), "words must be at most 500"),
        (lambda a: tools.search(a, "default", "tiles", limit=0), "limit must be a whole number"),
        (lambda a: tools.search(a, "default", "tiles", vendor="bard"), "There is no vendor 'bard'"),
        (lambda a: tools.search(a, "default", "tiles", since="last spring"), "since must be a date"),
        (lambda a: tools.read_conversation(a, "default", "nope"), "There is no conversation 'nope'"),
        (lambda a: tools.read_conversation(a, "default", "long", start_at="zz"), "holds no message 'zz'"),
        (lambda a: tools.read_conversation(a, "default", "long", cursor="%%%"), "cursor must be"),
        (lambda a: tools.list_conversations(a, "default", cursor="e30"), "cursor must be"),
    ],
)  # fmt: skip
def test_each_bad_argument_is_one_sentence(archive: App, call: Any, sentence: str) -> None:
    with pytest.raises(BadArgument, match=sentence) as error:
        call(archive)
    assert "\n" not in str(error.value)


@pytest.mark.parametrize("query", ['"', "NEAR(", "*", "-", "tiles OR", '"kitchen', "AND AND", "^"])
def test_fts_syntax_in_a_query_is_words_never_an_error(archive: App, query: str) -> None:
    assert isinstance(tools.search(archive, "default", query), list)


def test_a_conversation_an_import_updates_is_read_again(archive: App, tmp_path: Path) -> None:
    before = tools.read_conversation(archive, "default", "short")
    assert "Hello from short" in before.markdown
    newer = conversation("short", [("user", "Hello again, newer")], update_time=2_000_000_000)
    start_import(archive, chatgpt_zip(tmp_path / "newer.zip", [newer], exported=(2026, 6, 1)))
    after = tools.read_conversation(archive, "default", "short")
    assert "Hello again, newer" in after.markdown


def test_what_a_page_holds_is_inert_markdown(archive: App) -> None:
    page = tools.read_conversation(archive, "default", "ds-0001-reasoner").markdown
    assert "<script>" not in page and "&lt;script>" in page  # words, never a tag
    assert "](javascript" not in page


def test_two_archives_in_one_process_never_share_a_read(tmp_path: Path) -> None:
    """The same conversation id at the same version in two archives: each is read from its
    own (the server's cache is per archive)."""
    from desktop_importer.wiring import open_app

    opened = []
    for name, words in (("one", "Hello from the first archive"), ("two", "Bonjour du second")):
        app = open_app(tmp_path / name)
        opened.append(app)
        export = chatgpt_zip(tmp_path / f"{name}.zip", [conversation("same", [("user", words)])])
        start_import(app, export)
    try:
        first = tools.read_conversation(opened[0], "default", "same").markdown
        second = tools.read_conversation(opened[1], "default", "same").markdown
        assert "Hello from the first archive" in first
        assert "Bonjour du second" in second and "first archive" not in second
    finally:
        for app in opened:
            app.close()
