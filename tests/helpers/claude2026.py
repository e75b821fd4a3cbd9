"""A Claude conversation in the 2026 layout (../shared/EXPORT_FORMATS.md, "Claude since
mid-2026"), for the tests of the service and of the window alike."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from tests.helpers.exports import write_zip

if TYPE_CHECKING:
    from pathlib import Path

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


MANIFEST = "manifest-7c1e-2026-11-30-09-15-02.json"
LINK = "https://claude.ai/api/export/7c1e/{name}?sig=abc"


def talk(uuid: str, words: str, *, updated: str = "2026-03-02T09:00:00Z") -> dict[str, Any]:
    """A plain two-turn conversation (of the account "acct")."""
    return {
        "uuid": uuid,
        "name": f"Claude {uuid}",
        "created_at": "2026-03-02T08:00:00Z",
        "updated_at": updated,
        "account": {"uuid": "acct"},
        "chat_messages": [
            claude_turn(f"{uuid}-q", "human", words, 1),
            claude_turn(f"{uuid}-a", "assistant", f"About {words}: yes.", 2,
                        parent_message_uuid=f"{uuid}-q"),
        ],
    }  # fmt: skip


PROJECT = {
    "uuid": "proj-1",
    "name": "Beekeeping",
    "description": "Hives in Bohinj",
    "prompt_template": "Answer as a beekeeper would.",
    "created_at": "2026-02-01T08:00:00Z",
    "updated_at": "2026-02-02T08:00:00Z",
    "docs": [{"uuid": "doc-1", "filename": "hives.md", "content": "# Hives\nThree.",
              "created_at": "2026-02-01T08:00:00Z"}],
}  # fmt: skip
MEMORIES = {
    "conversations_memory": MEMORY,
    "memory_files": [{"path": "notes.md", "content": "Bees.", "updated_at": "2026-03-01"}],
    "project_memories": {"proj-1": "Three hives."},
}
USERS = [{"uuid": "acct", "full_name": "Ana Novak", "email_address": "ana@example.org"}]


def write_manifest(folder: Path, *names: str, **keys: Any) -> Path:
    """A manifest of `names`, each entry in the shape one importer reads (the keys beyond
    data_files and export_url are not confirmed: the tests try others too)."""
    entries = [{"export_url": LINK.format(name=name), "filename": name, **keys} for name in names]
    path = folder / MANIFEST
    path.write_text(json.dumps({"version": 1, "total_files": len(entries), "data_files": entries}))
    return path


def download_folder(folder: Path) -> Path:
    """Claude's 2026 export as downloaded: the manifest, two conversation batches, the
    projects (one JSON each, zipped), the account's details bare and the memory zipped.
    Conversations "c1", "c2" (and "inj") in the first batch, "c3" in the second."""
    folder.mkdir(exist_ok=True)
    write_zip(
        folder / "conversations-000.zip",
        {"conversations.json": [injected_conversation(), talk("c1", "hives"), talk("c2", "honey")]},
    )
    write_zip(folder / "conversations-001.zip", {"conversations.json": [talk("c3", "蜜蜂の巣箱")]})
    write_zip(folder / "projects-000.zip", {"projects/proj-1.json": PROJECT})
    write_zip(folder / "memories-000.zip", {"memories.json": MEMORIES})
    (folder / "users.json").write_text(json.dumps(USERS))
    write_manifest(
        folder,
        "conversations-000.zip",
        "conversations-001.zip",
        "projects-000.zip",
        "memories-000.zip",
        "users.json",
    )
    return folder  # fmt: skip
