"""Each vendor's content is read once: the text stored for search and `show` is the plain
text of the same blocks the window and the export show, for every message of every fixture
(the ChatGPT reader's shortcut for plain text messages included)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from desktop_importer.vendors.blocks import plain_text
from desktop_importer.vendors.registry import VENDORS, parse_conversation, vendor_named
from tests.helpers.exports import conversation, message, node

FIXTURES = Path(__file__).parents[1] / "fixtures"


def _cited_metadata() -> dict[str, Any]:
    return {
        "citations": [{"start_ix": 10, "end_ix": 17, "metadata": {"url": "https://a.org",
                                                                 "title": "A page"}}],
        "attachments": [{"id": "file-N", "name": "notes.txt", "mime_type": "text/plain"}],
        "aggregate_result": {"messages": [{"message_type": "image", "image_url": "file-P"}]},
        "content_references": [{"matched_text": "【1†src】",
                                "items": [{"title": "A page", "url": "https://a.org"}]}],
    }  # fmt: skip


def _cited(metadata: dict[str, Any] | None = None, name: str = "cited") -> dict[str, Any]:
    """A plain text answer whose metadata adds blocks (a citation, an attachment)."""
    answer = message("a", "assistant", "Bees dance【1†src】.", t=3.0, metadata=metadata)
    return conversation(name, extra_nodes=[node("a", "c1-n1", answer)], current_node="a")


def _with_metadata(key: str) -> dict[str, Any]:
    """The answer with one kind of metadata that adds a block, alone."""
    return _cited({key: _cited_metadata()[key]}, name=f"only-{key}")


CONVERSATIONS = [
    *json.loads((FIXTURES / "chatgpt_content_types.json").read_text(encoding="utf-8")),
    *json.loads((FIXTURES / "claude_conversations.json").read_text(encoding="utf-8")),
    conversation("plain"),
    _cited(),
    *(_with_metadata(key) for key in _cited_metadata()),
]


@pytest.mark.parametrize("raw", CONVERSATIONS, ids=lambda c: c.get("id") or c.get("uuid"))
def test_the_stored_text_is_the_plain_text_of_the_shown_blocks(raw: dict[str, Any]) -> None:
    parsed = parse_conversation(raw)
    vendor = vendor_named(parsed.vendor)
    objects = vendor.message_objects(raw)
    read = [m for m in parsed.messages if m.node_id in objects]
    assert read, "the fixture has messages"
    for stored in read:
        assert stored.text == plain_text(vendor.blocks(objects[stored.node_id])), stored.node_id


def test_a_cited_answer_names_its_sources_and_files_in_its_text() -> None:
    cited = _cited({k: v for k, v in _cited_metadata().items() if k != "aggregate_result"})
    answer = next(m for m in parse_conversation(cited).messages if m.node_id == "a")
    assert answer.text == (
        "Bees dance ([A page](<https://a.org>)).\n\n[file: notes.txt]\n\nA page\nhttps://a.org"
    )


def test_every_vendor_is_found_by_its_name() -> None:
    assert [vendor_named(v.NAME) for v in VENDORS] == list(VENDORS)
    assert {v.NAME for v in VENDORS} == {
        "chatgpt",
        "claude",
        "deepseek",
        "gemini",
        "grok",
        "lechat",
    }
