"""Each vendor's fixture export through the installed CLI: exactly what `show`, `conversations`
and `search` print."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.test_cli import run, run_json
from tests.helpers.exports import write_zip

FIXTURES = Path(__file__).parents[1] / "fixtures"

CHATGPT_SHOWN = """\
Every content type

system:
About me:
I am a physicist.

How to respond:
Be brief.

user:
Plot sin(x) for me, please.

assistant:
[thoughts]
**Planning the plot**
Use numpy and matplotlib.

assistant:
Thought for 4 seconds

assistant:
Here is the plot of sin(x).

user:
[image: sediment://file_00000000abc]

What is in this picture?

assistant:
[unsupported content: hologram_v2]

assistant:
A sine wave — 正弦波 ✓
"""

# id -> (role, content type, text, hidden), for every message `show --all` prints
CHATGPT_ALL: dict[str, tuple[str, str, str, bool]] = {
    "sys": ("system", "text", "", True),
    "ctx": (
        "system",
        "user_editable_context",
        "About me:\nI am a physicist.\n\nHow to respond:\nBe brief.",
        False,
    ),
    "u1": ("user", "text", "Plot sin(x) for me, please.", False),
    "think": (
        "assistant",
        "thoughts",
        "[thoughts]\n**Planning the plot**\nUse numpy and matplotlib.",
        False,
    ),
    "recap": ("assistant", "reasoning_recap", "Thought for 4 seconds", False),
    "code": (
        "assistant",
        "code",
        "[tool call: python]\n```python\nimport numpy as np\nplt.plot(np.sin(x))\n```",
        True,
    ),
    "out": ("tool", "execution_output", "[tool output]\n[<matplotlib.lines.Line2D>]", True),
    "a1": ("assistant", "text", "Here is the plot of sin(x).", False),
    "u2": (
        "user",
        "multimodal_text",
        "[image: sediment://file_00000000abc]\n\nWhat is in this picture?",
        False,
    ),
    "browse": ("tool", "tether_browsing_display", "[tool output]\nSearching the web", True),
    "quote": (
        "tool",
        "tether_quote",
        "> The sine is periodic.\n> Its period is 2π.\n— Sine wave, https://example.org/sine",
        True,
    ),
    "page": (
        "tool",
        "sonic_webpage",
        "Waves\nhttps://example.org/waves\nWaves carry energy.",
        True,
    ),
    "err": ("tool", "system_error", "tool_error: The request timed out.", True),
    "future": ("assistant", "hologram_v2", "[unsupported content: hologram_v2]", False),
    "a2": ("assistant", "text", "A sine wave — 正弦波 ✓", False),
}

CLAUDE_SHOWN = """\
Bridge loads

user:
How much load can this bridge take?

[attachment: specs.txt]
Span: 40 m
Steel: S355

assistant:
[thoughts]
Check span and steel grade.

Let me compute it.

[tool call: calculator]
```json
{
  "expression": "40*355"
}
```

[tool output: calculator]
14200

Roughly 14,200 kN·m — très solide.

[unsupported content: voice_note]

user:
And with snow on it?

[image: snow.png]

assistant:
Snow adds about 2 kN/m².
"""


def fixture_zip(tmp_path: Path, name: str, **extra: Any) -> Path:
    data = (FIXTURES / name).read_text(encoding="utf-8")
    return write_zip(tmp_path / f"{name}.zip", {"conversations.json": data, **extra})


@pytest.fixture
def chatgpt(data_dir: Path, tmp_path: Path) -> Path:
    path = fixture_zip(
        tmp_path,
        "chatgpt_content_types.json",
        **{"dalle-generations/a.webp": b"RIFF", "file-x-notes.pdf": b"%PDF"},
    )
    code, report = run_json("import", str(path), data_dir=data_dir)
    assert code == 0
    assert report["unreadContent"] == {"hologram_v2": 1}
    # Both files kept, though no message points at them; the one image a message points at
    # is not in the export.
    assert report["media"] == {
        "files": 2,
        "bytes": 8,
        "kept": 2,
        "missing": 1,
        "unreferenced": 2,
        "added": 2,
        "read": True,
    }
    return path


@pytest.fixture
def claude(data_dir: Path, tmp_path: Path) -> Path:
    path = fixture_zip(
        tmp_path, "claude_conversations.json", **{"users.json": "[]", "projects.json": "[]"}
    )
    code, report = run_json("import", str(path), data_dir=data_dir)
    assert code == 0
    assert (report["added"], report["unreadContent"]) == (2, {"voice_note": 1})
    return path


def test_chatgpt_show_prints_what_the_chatgpt_ui_shows(chatgpt: Path, data_dir: Path) -> None:
    assert run("show", "chatgpt-all-types", data_dir=data_dir).stdout == CHATGPT_SHOWN


def test_chatgpt_show_all_gives_every_content_types_text_and_hidden_flag(
    chatgpt: Path, data_dir: Path
) -> None:
    code, body = run_json("show", "chatgpt-all-types", "--all", data_dir=data_dir)
    assert code == 0
    assert (body["id"], body["title"]) == ("chatgpt-all-types", "Every content type")
    got = {m["id"]: (m["role"], m["contentType"], m["text"], m["hidden"]) for m in body["messages"]}
    assert got == CHATGPT_ALL
    assert [m["id"] for m in body["messages"]] == list(CHATGPT_ALL)  # oldest first
    assert body["messages"][0]["createTime"] == "2025-01-01T00:00:03Z"


def test_show_json_gives_each_message_its_structured_blocks(
    chatgpt: Path, claude: Path, data_dir: Path
) -> None:
    """The same structured view the reader uses: kinds, code with its language."""
    _code, body = run_json("show", "chatgpt-all-types", "--all", data_dir=data_dir)
    kinds = {k for m in body["messages"] for k in (b["kind"] for b in m["blocks"])}
    assert {"text", "tool_call", "tool_output", "thoughts", "reasoning", "quote"} <= kinds
    assert all(m["blocks"] for m in body["messages"] if m["role"] != "system")
    _code, body = run_json("show", "claude-conv-1", data_dir=data_dir)
    first = body["messages"][1]["blocks"]
    assert [b["kind"] for b in first][:3] == ["thoughts", "text", "tool_call"]
    assert first[2]["language"] == "json"


def test_claude_show_follows_the_latest_branch(claude: Path, data_dir: Path) -> None:
    assert run("show", "claude-conv-1", data_dir=data_dir).stdout == CLAUDE_SHOWN
    _code, body = run_json("show", "claude-conv-1", data_dir=data_dir)
    assert [m["id"] for m in body["messages"]] == ["h1", "a1", "h2b", "a2b"]
    assert body["messages"][1]["contentType"] == "thinking+text+tool_use+tool_result+voice_note"
    assert run("show", "claude-conv-2", data_dir=data_dir).stdout == (
        "Old flat export\n\nuser:\nHello there\n\nassistant:\nHi! How can I help?\n"
    )


def test_conversations_lists_both_vendors_newest_first(
    chatgpt: Path, claude: Path, data_dir: Path
) -> None:
    code, body = run_json("conversations", data_dir=data_dir)
    assert code == 0
    assert body["conversations"] == [
        {
            "id": "claude-conv-1",
            "title": "Bridge loads",
            "vendor": "claude",
            "createTime": "2025-02-01T10:00:00Z",
            "updateTime": "2025-02-01T10:05:00Z",
            "messageCount": 5,
        },
        {
            "id": "chatgpt-all-types",
            "title": "Every content type",
            "vendor": "chatgpt",
            "createTime": "2025-01-01T00:00:00Z",
            "updateTime": "2025-01-01T00:01:39Z",
            "messageCount": 15,
        },
        {
            "id": "claude-conv-2",
            "title": "Old flat export",
            "vendor": "claude",
            "createTime": "2024-05-01T09:00:00Z",
            "updateTime": "2024-05-01T09:01:00Z",
            "messageCount": 2,
        },
    ]


def test_search_finds_both_vendors_with_snippets(
    chatgpt: Path, claude: Path, data_dir: Path
) -> None:
    code, body = run_json("search", "très", data_dir=data_dir)
    assert code == 0
    assert body["results"] == [
        {
            "id": "claude-conv-1",
            "title": "Bridge loads",
            "messageId": "a1",
            "snippet": "…14,200 kN·m — [très] solide. [unsupported content: voice_note…",
        },
    ]
    human = run("search", "sine wave", data_dir=data_dir).stdout
    assert human.startswith("Every content type  chatgpt-all-types\n")
    assert "[Sine] [wave]" in human or "[sine] [wave]" in human
    assert run("search", "nothing-like-this", data_dir=data_dir).stdout == (
        "Nothing in the archive matches 'nothing-like-this'.\n"
    )


def test_show_of_an_unknown_conversation_exits_1(data_dir: Path) -> None:
    done = run("show", "no-such-id", data_dir=data_dir)
    assert done.returncode == 1
    assert (
        done.stderr.strip()
        == "There is no conversation no-such-id in the archive of profile default."
    )
    assert (
        json.loads(run("show", "no-such-id", "--json", data_dir=data_dir).stdout)["status"]
        == "failed"
    )
