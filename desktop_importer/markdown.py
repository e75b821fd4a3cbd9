"""Small Markdown helpers shared by the readers, the window and the export."""

from __future__ import annotations

# The links a view may follow and an export keeps as links; any other (file:, javascript:,
# an app's own scheme) is shown as its words.
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})


def is_safe_link(url: str) -> bool:
    scheme, colon, _ = url.partition(":")
    return bool(colon) and scheme.lower() in SAFE_SCHEMES


def escape_markdown(words: str) -> str:
    """Words that Markdown shows as they are (link text, titles, names)."""
    return "".join(f"\\{c}" if c in "\\`*_[]()<>#!|" else c for c in words)
