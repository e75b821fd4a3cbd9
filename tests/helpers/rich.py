"""A small export with one of everything the reader shows: Markdown with a table and code,
an edit and a regeneration (branches), thoughts, a Canvas document and an edit to it, an
image, a citation, a hidden tool call, hostile Markdown, and a Claude conversation with an
attachment. Conversation ids say what each holds."""

from __future__ import annotations

from typing import Any

from tests.helpers.exports import BASE_TIME, linked, message, node

ASSISTANT_MARKDOWN = """## Sourdough, step by step

1. Feed the starter
2. Mix and **rest**

| Flour | Water |
|---|---|
| 500 g | 350 g |

Use `autolyse` first:

```python
def hydration(flour: float, water: float) -> float:
    return water / flour  # 0.7
```

See [the guide](https://example.org/bread). TeX stays as source: $e^{i\\pi} + 1 = 0$
"""
HOSTILE = (
    "<script>alert('x')</script> <b>raw html</b> "
    "[click me](javascript:alert(1)) [local](file:///etc/passwd) "
    "![tracker](http://tracker.example/pixel.png) <img src=http://tracker.example/x.png>"
)


def _tree(conv_id: str, title: str, nodes: list[dict[str, Any]], current: str) -> dict[str, Any]:
    mapping = linked(nodes)
    return {
        "id": conv_id,
        "conversation_id": conv_id,
        "title": title,
        "create_time": BASE_TIME,
        "update_time": BASE_TIME + 500,
        "current_node": current,
        "mapping": mapping,
        "is_starred": True,
    }


def bread() -> dict[str, Any]:
    """The current branch is the second answer to an edited question:

    root - u1 (How do I bake bread?) -+- a1 (first answer)
                                      +- a1b (regenerated: the Markdown answer)  <- current
    root - u1 ... also an edit: u1x (How do I bake rye?) - a1x
    """
    t = BASE_TIME
    code = {"content_type": "code", "language": "python", "text": "print(hydration(500, 350))"}
    canvas = {
        "content_type": "code",
        "language": "json",
        "text": '{"name": "Bread plan", "type": "document", "content": "# Plan\\n\\nBake on Sunday."}',
    }
    edit = {
        "content_type": "code",
        "language": "json",
        "text": '{"updates": [{"pattern": "(a+)+$", "multiple": true, "replacement": "Monday"}]}',
    }
    thoughts = {
        "content_type": "thoughts",
        "thoughts": [{"summary": "Weighing flour", "content": "Hydration matters most."}],
    }
    image = {
        "content_type": "multimodal_text",
        "parts": [
            {
                "content_type": "image_asset_pointer",
                "asset_pointer": "file-service://file-loaf",
                "size_bytes": 1234,
                "width": 800,
                "height": 600,
            },
            "Here is my loaf. **not bold**",
        ],
    }
    nodes = [
        node("root", None, None),
        node("u1", "root", message("u1", "user", "How do I bake bread?", t=t + 1)),
        node("u1x", "root", message("u1x", "user", "How do I bake rye?", t=t + 2)),
        node("a1x", "u1x", message("a1x", "assistant", "Rye wants more water.", t=t + 3)),
        node("a1", "u1", message("a1", "assistant", "First answer: just bake it.", t=t + 4)),
        node("th", "u1", message("th", "assistant", "", t=t + 5, content=thoughts)),
        node("a1b", "th", message("a1b", "assistant", ASSISTANT_MARKDOWN, t=t + 6,
                                  metadata={"citations": [{"metadata": {"title": "Bread guide", "url": "https://example.org/bread"}}]})),
        node("u2", "a1b", message("u2", "user", "", t=t + 7, content=image)),
        node("call", "u2", message("call", "assistant", "", t=t + 8, content=code, recipient="python")),
        node("out", "call", {**message("out", "tool", "", t=t + 9, content={"content_type": "execution_output", "text": "0.7"}), "author": {"role": "tool", "name": "python"}}),
        node("cv", "out", message("cv", "assistant", "", t=t + 10, content=canvas, recipient="canmore.create_textdoc")),
        node("ce", "cv", message("ce", "assistant", "", t=t + 11, content=edit, recipient="canmore.update_textdoc")),
        node("a2", "ce", message("a2", "assistant", "Code with fences inside:\n\n````text\n```nested```\n````\n\n" + HOSTILE, t=t + 12)),
    ]  # fmt: skip
    return _tree("bread", "Baking bread", nodes, "a2")


def claude_chat() -> dict[str, Any]:
    return {
        "uuid": "claude-notes",
        "name": "Notes from Claude",
        "created_at": "2023-11-14T22:20:00Z",
        "updated_at": "2023-11-14T22:30:00Z",
        "chat_messages": [
            {
                "uuid": "c1",
                "sender": "human",
                "text": "Summarise this",
                "content": [{"type": "text", "text": "Summarise this"}],
                "created_at": "2023-11-14T22:21:00Z",
                "attachments": [
                    {"file_name": "notes.txt", "extracted_content": "Line one\nLine two"}
                ],
                "files": [],
            },
            {
                "uuid": "c2",
                "sender": "assistant",
                "text": "",
                "content": [
                    {"type": "thinking", "thinking": "The notes have two lines."},
                    {"type": "text", "text": "Two lines: **one** and **two**."},
                ],
                "created_at": "2023-11-14T22:22:00Z",
                "attachments": [],
                "files": [],
            },
        ],
    }
