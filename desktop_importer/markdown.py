"""Small Markdown helpers shared by the readers and the views built on them."""

from __future__ import annotations


def escape_markdown(words: str) -> str:
    """Words that Markdown shows as they are (link text, titles, names)."""
    return "".join(f"\\{c}" if c in "\\`*_[]()<>#!|" else c for c in words)
