"""A conversation as a standalone HTML page, and the index page; every text from the
export escaped, links only of the safe schemes."""

from __future__ import annotations

import functools
import html
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from desktop_importer import library
from desktop_importer.basics.clock import iso_z_from_unix
from desktop_importer.basics.markdown import inert_markdown
from desktop_importer.exporting.names import MediaLinks
from desktop_importer.exporting.notes import block_markdown, turn
from desktop_importer.vendors.blocks import Block, fence, heading
from desktop_importer.vendors.parsed import vendor_name

if TYPE_CHECKING:
    pass

# -- HTML ---------------------------------------------------------------------------------

STYLE = """
:root { color-scheme: light dark; --fg: #1d1d1f; --bg: #ffffff; --muted: #6e6e73;
  --box: #f5f5f7; --line: #d2d2d7; --link: #0b57d0; }
@media (prefers-color-scheme: dark) { :root { --fg: #f2f2f2; --bg: #1c1c1e; --muted: #a1a1a6;
  --box: #2c2c2e; --line: #48484a; --link: #8ab4f8; } }
body { font: 16px/1.55 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg);
  background: var(--bg); margin: 0; }
main { max-width: 46rem; margin: 0 auto; padding: 2rem 1rem 4rem; }
a { color: var(--link); }
.meta, .when { color: var(--muted); font-size: 0.9em; }
section.message { border: 1px solid var(--line); border-radius: 10px; padding: 0.2rem 1rem;
  margin: 1rem 0; }
section.user { background: var(--box); }
pre { background: var(--box); border: 1px solid var(--line); border-radius: 6px;
  padding: 0.7rem; overflow-x: auto; }
code { font: 0.9em/1.4 ui-monospace, "SF Mono", Menlo, Consolas, monospace; }
table { border-collapse: collapse; }
td, th { border: 1px solid var(--line); padding: 0.3rem 0.6rem; }
img { max-width: 100%; height: auto; border-radius: 6px; }
details { margin: 0.6rem 0; } summary { cursor: pointer; color: var(--muted); }
blockquote { border-left: 3px solid var(--line); margin: 0.6rem 0; padding: 0 0.8rem;
  color: var(--muted); }
.user-text { white-space: pre-wrap; }
li.conversation { margin: 0.4rem 0; }
"""


@functools.cache
def markdown_it() -> Any:
    """CommonMark with tables; raw HTML off (shown as text); markdown-it refuses
    javascript:, vbscript:, file: and data: links by itself."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


def standalone_page(title: str, body: str) -> bytes:
    return (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "img-src 'self'; style-src 'unsafe-inline'\">\n"
        f"<title>{html.escape(title)}</title>\n<style>{STYLE}</style>\n</head>\n"
        f"<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n"
    ).encode()


def _block_html(block: Block, view: library.ReaderConversation, user: bool, files: MediaLinks,
                md: Any) -> str:  # fmt: skip
    kind = block.kind
    if kind == "text":
        if user:
            return f'<div class="user-text">{html.escape(block.text)}</div>'
        return str(md.render(inert_markdown(block.text)))
    if kind in ("thoughts", "tool_call", "tool_output", "canvas_edit", "instructions",
                "quote", "webpage", "attachment", "unknown"):  # fmt: skip
        if kind in ("tool_call", "unknown"):
            inner = md.render(fence(block.raw or block.text, block.language or "json"))
        elif kind == "thoughts":
            inner = md.render(inert_markdown(block.text))
        else:
            inner = f'<div class="user-text">{html.escape(block.text)}</div>'
            if block.url and block.url.startswith(("http://", "https://")):
                inner += f'<p><a href="{html.escape(block.url)}">{html.escape(block.url)}</a></p>'
        return f"<details><summary>{html.escape(heading(block))}</summary>{inner}</details>"
    # Everything else: the Markdown of the note, rendered (code, media, citations, Canvas).
    return str(md.render(block_markdown(block, view, user, files)))


def page_html(
    view: library.ReaderConversation,
    files: MediaLinks,
    branches: list[tuple[str, list[library.ReaderMessage]]] | None = None,
) -> bytes:
    md = markdown_it()
    updated = iso_z_from_unix(view.update_time or view.create_time)
    meta = vendor_name(view.vendor) + (
        f" · {updated[:16].replace('T', ' ')} UTC" if updated else ""
    )
    out = [
        f"<h1>{html.escape(view.title or 'Untitled')}</h1>",
        f'<p class="meta">{html.escape(meta)}</p>',
    ]

    def messages(items: list[library.ReaderMessage]) -> None:
        for message in items:
            who, when = turn(message, view.vendor)
            role = "user" if message.role == "user" else "other"
            out.append(f'<section class="message {role}">')
            stamp = f' <span class="when">{html.escape(when)}</span>' if when else ""
            out.append(f"<h2>{html.escape(who)}{stamp}</h2>")
            for block in message.blocks:
                out.append(_block_html(block, view, message.role == "user", files, md))
            out.append("</section>")

    messages(view.messages)
    for label, items in branches or []:
        out.append(f"<h2>{html.escape(label)}</h2>")
        messages(items)
    return standalone_page(view.title or "Untitled", "\n".join(out))


def index_html(entries: list[tuple[str, str, str, str | None]]) -> bytes:
    """(file name, title, vendor, updated) of every conversation exported, newest first."""
    rows = [
        f'<li class="conversation"><a href="{html.escape(quote(name))}">{html.escape(title)}</a> '
        f'<span class="meta">{html.escape(vendor_name(vendor))}'
        f"{' · ' + html.escape(updated[:10]) if updated else ''}</span></li>"
        for name, title, vendor, updated in entries
    ]
    body = f"<h1>Conversations</h1>\n<ul>\n{chr(10).join(rows)}\n</ul>"
    return standalone_page("Conversations", body)
