"""Reading one Claude conversation: branches, blocks, timestamps, damage."""

from __future__ import annotations

from typing import Any

import pytest

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
