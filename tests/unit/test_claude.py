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


def test_artifacts_read_as_documents_and_edits_never_as_tool_json() -> None:
    answer = chat("a", "assistant", "")
    answer["content"] = [
        {"type": "text", "text": "Here is the plan."},
        {"type": "tool_use", "name": "artifacts", "input": {
            "id": "plan", "type": "text/markdown", "title": "Week plan", "command": "create",
            "content": "# Monday\nHives"}},
        {"type": "tool_use", "name": "artifacts", "input": {
            "id": "code", "type": "application/vnd.ant.code", "language": "python",
            "title": "count.py", "command": "create", "content": "print(1)"}},
        {"type": "tool_use", "name": "artifacts", "input": {
            "id": "page", "type": "text/html", "title": "Page", "command": "create",
            "content": "<script>alert(1)</script>"}},
        {"type": "tool_use", "name": "artifacts", "input": {
            "id": "plan", "command": "update", "title": "Week plan",
            "old_str": "Hives", "new_str": "Hives and honey"}},
    ]  # fmt: skip
    found = claude.blocks(answer)
    assert [(b.kind, b.title, b.language) for b in found] == [
        ("text", None, None),
        ("canvas", "Week plan", "document"),
        ("canvas", "count.py", "code/python"),
        ("canvas", "Page", "code/html"),  # shown as its source, never rendered
        ("canvas_edit", "Week plan", None),
    ]
    assert found[4].text == "Replace:\nHives\nwith:\nHives and honey"
    text = parse_conversation(conv(answer)).messages[0].text
    assert "Week plan\n```document\n# Monday\nHives\n```" in text  # searchable
    assert '"command"' not in text  # no tool JSON


def test_the_apps_bookkeeping_is_not_content_and_thought_summaries_are_read() -> None:
    answer = chat("a", "assistant", "")
    answer["content"] = [
        {"type": "token_budget"},
        {"type": "thinking", "thinking": "", "summaries": [{"summary": "Weighing the hives"}],
         "cut_off": True},
        {"type": "text", "text": "Done."},
        {"type": "flag", "flag": "x"},
    ]  # fmt: skip
    parsed = parse_conversation(conv(answer))
    assert not parsed.unread_content
    assert [(b.kind, b.text) for b in claude.blocks(answer)] == [
        ("thoughts", "Weighing the hives\n\n(cut off)"),
        ("text", "Done."),
    ]
