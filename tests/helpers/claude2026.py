"""A Claude conversation in the 2026 layout (../shared/EXPORT_FORMATS.md, "Claude since
mid-2026"), for the tests of the service and of the window alike."""

from __future__ import annotations

from typing import Any

MEMORY = "The user keeps bees in Bohinj and prefers short answers."
PLACEHOLDER = "This block is not supported on your current device yet."


def claude_turn(uuid: str, sender: str, words: str, minute: int, **extra: Any) -> dict[str, Any]:
    return {
        "uuid": uuid,
        "sender": sender,
        "text": words,
        "content": [{"type": "text", "text": words}],
        "created_at": f"2026-03-01T10:{minute:02d}:00Z",
        **extra,
    }


def injected_conversation() -> dict[str, Any]:
    """A memory snapshot injected into the first turn (whose `text` is the placeholder), a
    turn that is injected context alone, and the answer."""
    asked = claude_turn("q", "human", PLACEHOLDER, 1)
    asked["content"] = [
        {"type": "injected_prompt_block", "prompt": MEMORY, "injection_source": "memory"},
        {"type": "text", "text": "Plan my week"},
    ]
    dated = claude_turn("d", "human", "", 2, parent_message_uuid="q")
    dated["content"] = [{"type": "injected_prompt_block", "prompt": "Today is Monday."}]
    answer = claude_turn("a", "assistant", "Monday: the hives.", 3, parent_message_uuid="d")
    return {
        "uuid": "inj",
        "name": "Claude inj",
        "created_at": "2026-03-01T10:00:00Z",
        "updated_at": "2026-03-01T11:00:00Z",
        "account": {"uuid": "acct"},
        "chat_messages": [asked, dated, answer],
    }
