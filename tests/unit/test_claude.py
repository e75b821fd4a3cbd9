"""Reading one Claude conversation: branches, blocks, timestamps, damage."""

from __future__ import annotations

import json
from typing import Any

import pytest

from desktop_importer.vendors import claude
from desktop_importer.vendors.blocks import plain_text
from desktop_importer.vendors.claude import timestamp
from desktop_importer.vendors.parsed import UnreadableConversation
from desktop_importer.vendors.registry import parse_conversation


def chat(
    uuid: str, sender: str, text: str, parent: str | None = None, at: str = "2025-01-01T00:00:00Z"
) -> dict[str, Any]:
    message = {"uuid": uuid, "sender": sender, "text": text, "created_at": at}
    if parent is not None:
        message["parent_message_uuid"] = parent
    return message


def conv(*messages: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "uuid": "k1",
        "name": "Claude chat",
        "created_at": "2025-01-01T00:00:00Z",
        "updated_at": "2025-01-02T00:00:00Z",
        "chat_messages": list(messages),
        **extra,
    }


def path_texts(raw: dict[str, Any]) -> list[str]:
    parsed = parse_conversation(raw)
    return [
        m.text
        for m in sorted(
            (m for m in parsed.messages if m.path_index is not None),
            key=lambda m: m.path_index or 0,
        )
    ]


def test_vendor_times_and_roles() -> None:
    parsed = parse_conversation(conv(chat("a", "human", "hi"), chat("b", "assistant", "hello")))
    assert parsed.vendor == "claude"
    assert parsed.update_time == 1735776000.0
    assert [m.role for m in parsed.messages] == ["user", "assistant"]


def test_a_flat_list_is_one_branch_in_file_order() -> None:
    assert path_texts(
        conv(chat("a", "human", "1"), chat("b", "assistant", "2"), chat("c", "human", "3"))
    ) == ["1", "2", "3"]


def test_branches_follow_the_latest_leaf_or_the_current_leaf_when_given() -> None:
    messages = [
        chat(
            "q", "human", "question", "00000000-0000-4000-8000-000000000000", "2025-01-01T00:00:00Z"
        ),
        chat("old", "assistant", "old answer", "q", "2025-01-01T00:01:00Z"),
        chat("new", "assistant", "new answer", "q", "2025-01-01T00:02:00Z"),
    ]
    assert path_texts(conv(*messages)) == ["question", "new answer"]
    assert path_texts(conv(*messages, current_leaf_message_uuid="old")) == [
        "question",
        "old answer",
    ]


@pytest.mark.parametrize("value", [None, 17, "yesterday", "2025-01-01T00:00:00"])
def test_timestamps_that_are_not_zoned_iso_strings_are_unknown(value: object) -> None:
    assert timestamp(value) is None


def test_a_message_without_uuid_gets_a_stable_id() -> None:
    parsed = parse_conversation(conv({"sender": "human", "text": "anonymous"}))
    assert parsed.messages[0].node_id == "k1-message-0"


@pytest.mark.parametrize(
    ("raw", "reason"),
    [({"name": "x", "chat_messages": []}, "no conversation id"), (conv(), "no messages")],
)
def test_unreadable_claude_conversations_say_why(raw: dict[str, Any], reason: str) -> None:
    with pytest.raises(UnreadableConversation, match=reason):
        parse_conversation(raw)


# -- the 2026 layout (../shared/EXPORT_FORMATS.md, "Claude since mid-2026") ---------------

MEMORY = {
    "type": "injected_prompt_block",
    "prompt": "The user lives in Ljubljana and prefers short answers.",
    "injection_source": "memory",
    "initial_turn_only": True,
}
PLACEHOLDER = "This block is not supported on your current device yet."


def test_injected_context_is_hidden_never_stored_and_comes_first() -> None:
    asked = chat("q", "human", PLACEHOLDER)
    asked["content"] = [{"type": "text", "text": "Plan my week"}, MEMORY]
    only = chat("i", "human", PLACEHOLDER, parent="q")
    only["content"] = [dict(MEMORY, injection_source="date_context")]
    parsed = parse_conversation(conv(asked, only))
    first, second = parsed.messages
    assert first.text == "Plan my week"  # neither the placeholder nor the memory
    assert not first.hidden
    assert "injected_prompt_block" in (first.content_type or "")
    assert second.hidden and second.text == ""
    assert not parsed.unread_content  # a kind this version reads, not "unsupported"
    found = claude.blocks(asked)
    assert [(b.kind, b.title) for b in found] == [("injected", "memory"), ("text", None)]
    assert plain_text(found, hidden=True) == (
        "[context the app added: memory]\n"
        "The user lives in Ljubljana and prefers short answers.\n\nPlan my week"
    )
    assert claude.has_hidden_blocks(first.content_type)
    assert not claude.has_hidden_blocks("text")


def test_content_given_as_a_json_string_is_decoded() -> None:
    asked = chat("q", "human", PLACEHOLDER)
    asked["content"] = json.dumps([{"type": "text", "text": "Decoded at last"}])
    assert path_texts(conv(asked)) == ["Decoded at last"]
    broken = chat("q", "human", "The text stands in")
    broken["content"] = "[not json"
    assert path_texts(conv(broken)) == ["The text stands in"]


def test_image_and_document_blocks_name_the_files_the_export_leaves_out() -> None:
    asked = chat("q", "human", "See these")
    asked["content"] = [
        {"type": "text", "text": "See these"},
        {"type": "image", "file_uuid": "img-1"},
        {"type": "document", "file_uuid": "doc-1", "title": "Lease.pdf"},
    ]
    asked["files"] = [{"file_uuid": "img-1", "file_name": "photo.png", "file_kind": "image"}]
    found = claude.blocks(asked)
    assert [(b.kind, b.name, b.pointer) for b in found] == [
        ("text", None, None),
        ("image", "photo.png", "claude-file:img-1"),
        ("file", "Lease.pdf", "claude-file:doc-1"),
    ]  # the image once, not again from `files`
    assert claude.export_pointers(conv(asked)) == {"claude-file:img-1", "claude-file:doc-1"}
