"""Le Chat's export as Mistral ships it (`chat-export-<ms>.zip`): one chat-<id>.json per
conversation (tests/fixtures/lechat/), and the person's files in chat-<id>-files/."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.helpers.exports import write_zip
from tests.helpers.media import png

FIXTURES = Path(__file__).parents[1] / "fixtures" / "lechat"
FIRST, SECOND = "7c1e6a52-9d0b-4d2e-8f55-0a1b2c3d4e5f", "7c1e6a52-9d0b-4d2e-8f55-0a1b2c3d4e60"
PHOTO, NOTES = png(seed=21), b"Bring water.\n"


def chats() -> dict[str, list[dict[str, Any]]]:
    return {
        chat: json.loads((FIXTURES / f"chat-{chat}.json").read_text(encoding="utf-8"))
        for chat in (FIRST, SECOND)
    }


def lechat_zip(
    path: Path,
    data: dict[str, Any] | None = None,
    exported: tuple[int, int, int] = (2026, 5, 3),
    extra: dict[str, Any] | None = None,
) -> Path:
    members: dict[str, Any] = {
        f"chat-{chat}.json": messages for chat, messages in (data or chats()).items()
    }
    members[f"chat-{FIRST}-files/photo tour.png"] = PHOTO
    members[f"chat-{FIRST}-files/notes.txt"] = NOTES
    return write_zip(path, {**members, **(extra or {})}, exported=exported)
