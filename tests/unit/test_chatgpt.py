"""Reading one ChatGPT conversation: text, placeholders, hidden messages, unreadable ones."""

from __future__ import annotations

import pytest

from desktop_importer.vendors.parsed import UnreadableConversation
from desktop_importer.vendors.registry import parse_conversation
from tests.helpers.exports import conversation, message, node


def by_id(conv_id: str, **kwargs: object) -> dict[str, object]:
    return conversation(conv_id, **kwargs)  # type: ignore[arg-type]


def test_text_and_path_of_a_linear_conversation() -> None:
    parsed = parse_conversation(conversation("c1", [("user", "Hi"), ("assistant", "Hello ✓ 你好")]))
    assert parsed.conversation_id == "c1"
    assert parsed.vendor == "chatgpt"
    assert parsed.message_count == 2
    path = sorted(
        (m for m in parsed.messages if m.path_index is not None), key=lambda m: m.path_index or 0
    )
    assert [(m.role, m.text) for m in path] == [
        (None, ""),
        ("user", "Hi"),
        ("assistant", "Hello ✓ 你好"),
    ]
    assert path[0].hidden  # the null root


def test_multimodal_parts_keep_text_and_name_their_images() -> None:
    content = {
        "content_type": "multimodal_text",
        "parts": [
            {
                "content_type": "image_asset_pointer",
                "asset_pointer": "file-service://file-abc",
                "width": 10,
            },
            "What is in this picture?",
        ],
    }
    extra = node("img", "c1-n1", message("img", "user", "", t=5.0, content=content))
    parsed = parse_conversation(conversation("c1", extra_nodes=[extra], current_node="img"))
    img = next(m for m in parsed.messages if m.node_id == "img")
    assert img.text == "[image: file-service://file-abc]\n\nWhat is in this picture?"
    assert img.path_index == 3


@pytest.mark.parametrize(
    ("role", "recipient", "metadata", "hidden"),
    [
        ("system", "all", {}, True),
        ("system", "all", {"is_user_system_message": True}, False),
        ("user", "all", {"is_visually_hidden_from_conversation": True}, True),
        ("assistant", "python", {}, True),
        ("assistant", "all", {}, False),
        ("tool", "all", {}, True),  # a tool's plain output: hidden, as the app does
        # A tool that returns a file (a chart, a generated image) is shown, whatever its name.
        ("tool", "all", {"attachments": [{"id": "file-X", "name": "plot.png"}]}, False),
    ],
)
def test_what_the_chatgpt_ui_hides_is_kept_and_marked(
    role: str, recipient: str, metadata: dict[str, object], hidden: bool
) -> None:
    extra = node(
        "x", "c1-n1", message("x", role, "body", t=9.0, recipient=recipient, metadata=metadata)
    )
    parsed = parse_conversation(conversation("c1", extra_nodes=[extra]))
    kept = next(m for m in parsed.messages if m.node_id == "x")
    attached = "\n\n[file: plot.png]" if "attachments" in metadata else ""
    assert kept.text == "body" + attached  # a file it carries is named, and found by search
    assert kept.hidden is hidden


def test_unknown_content_is_kept_raw_and_counted() -> None:
    content = {"content_type": "brand_new_thing", "payload": {"a": 1}}
    extra = node("x", "c1-n1", message("x", "assistant", "", t=9.0, content=content))
    parsed = parse_conversation(conversation("c1", extra_nodes=[extra]))
    kept = next(m for m in parsed.messages if m.node_id == "x")
    assert kept.text == "[unsupported content: brand_new_thing]"
    assert kept.raw_content is not None
    assert "brand_new_thing" in kept.raw_content
    assert parsed.unread_content == {"brand_new_thing": 1}


def test_conversation_id_falls_back_to_conversation_id_field() -> None:
    raw = conversation("c9")
    del raw["id"]
    assert parse_conversation(raw).conversation_id == "c9"


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ({"title": "x", "mapping": {}}, "no conversation id"),
        ({"id": "c1", "mapping": None}, "mapping"),
        ({"id": "c1", "mapping": {}}, "empty"),
        ([1, 2], "not a conversation"),
        ({"foo": "bar"}, "holds no messages"),
    ],
)
def test_unreadable_conversations_say_why(raw: object, reason: str) -> None:
    with pytest.raises(UnreadableConversation, match=reason):
        parse_conversation(raw)


def test_odd_field_types_degrade_instead_of_failing() -> None:
    raw = conversation("c1")
    raw["title"] = 42
    raw["update_time"] = "yesterday"
    raw["mapping"]["c1-n0"]["message"]["author"] = "not a dict"
    raw["mapping"]["c1-n1"]["message"]["content"]["parts"] = ["ok", {"odd": True}, None]
    parsed = parse_conversation(raw)
    assert parsed.title is None
    assert parsed.update_time is None
    assert next(m for m in parsed.messages if m.node_id == "c1-n1").text == "ok"


def test_the_same_conversation_hashes_the_same() -> None:
    assert (
        parse_conversation(conversation("c1")).content_hash
        == parse_conversation(conversation("c1")).content_hash
    )
    changed = conversation("c1", [("user", "other")])
    assert (
        parse_conversation(changed).content_hash
        != parse_conversation(conversation("c1")).content_hash
    )
