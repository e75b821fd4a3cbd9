"""The reading process leaves a share of a Gemini log's answers for the importing process to
convert (reading_process._Balance): what is stored is the same whichever process converts
an answer, an answer with an image or too long for the check of its size is always
converted where it is read, and the share follows the time the reader waits to send."""

from __future__ import annotations

import io
from collections import Counter
from pathlib import Path

from desktop_importer.importing import activity
from desktop_importer.importing.reading_process import _Balance
from desktop_importer.importing.records import ROW_FIELDS, ROW_WIDTH, ROWS, convert_unconverted
from desktop_importer.importing.records import record_fields as fields_of
from desktop_importer.vendors import gemini
from desktop_importer.vendors.parsed import UNCONVERTED_HTML

FIXTURES = Path(__file__).parent.parent / "fixtures" / "gemini"
TYPE = ROW_FIELDS.index("content_type")


def _ignore(count: int) -> None:
    pass


def _conversations() -> list[gemini.Grouped]:
    found: list[gemini.Grouped] = []
    for path in sorted(FIXTURES.glob("*.html")):
        cells = activity.html_cells(io.BytesIO(path.read_bytes()), path.name, _ignore)
        found += [
            c for c in activity.conversations(cells, Counter()) if isinstance(c, gemini.Grouped)
        ]
    answer = "<p>Kyoto <strong>in spring</strong>: <code>花見</code></p><ul><li>Path</li></ul>"
    for extra in (answer, answer.replace("</ul>", '</ul><IMG src="image_agent_tag_1">')):
        entry = {"header": "Gemini Apps", "title": "Prompted q", "time": "2026-08-08T10:00:00Z",
                 "safeHtmlItem": [{"html": extra}, {"html": extra + "<p>draft</p>"}]}  # fmt: skip
        read = gemini.entry_of(entry)
        grouped = gemini.Grouped({gemini.KEY: gemini.group_key(read), gemini.GROUPED: [entry]})
        grouped.read = [read]
        found.append(grouped)
    return found


def _types(fields: tuple[object, ...]) -> list[object]:
    rows = fields[ROWS]
    assert isinstance(rows, list)
    return rows[TYPE::ROW_WIDTH]


def test_an_answer_converted_by_the_importing_process_is_stored_as_if_read_here() -> None:
    left = 0
    for conversation in _conversations():
        here = fields_of(gemini.parse(conversation))
        conversation.later = lambda characters: True
        later = fields_of(gemini.parse(conversation))
        left += _types(later).count(UNCONVERTED_HTML)
        for kind in ("text+image", "canvas"):  # an image's answer and a Canvas: read here
            assert _types(later).count(kind) == _types(here).count(kind)
        convert_unconverted(later)
        assert later == here
    assert left >= 6  # the fixtures' answers and both drafts of the made-up one


def test_the_share_left_follows_the_time_waited_to_send() -> None:
    balance = _Balance(max_message_bytes=64 * 2**20)
    start = balance.share
    balance.sent(waited=0.0, elapsed=0.02)  # the importing process waits: leave it more
    assert balance.share > start
    for _ in range(20):
        balance.sent(waited=0.015, elapsed=0.02)  # this process waits: keep more here
    assert balance.share == 0.0
    assert not any(balance.later(400) for _ in range(100))
    for _ in range(40):
        balance.sent(waited=0.0, elapsed=0.02)
    assert balance.share == 1.0
    assert all(balance.later(400) for _ in range(100))
    balance.share = 0.25
    assert sum(balance.later(400) for _ in range(400)) == 100
    # An answer whose Markdown could pass the size limit is checked, so converted, here.
    assert not balance.later(balance.longest + 1) and balance.longest == 2**20


def test_a_message_stored_without_its_blocks_is_what_its_blocks_say() -> None:
    """`parse` stores a prompt or an answer without building its blocks where they would
    hold only text: every message of the fixtures (prompts with and without files, answers
    with and without images, drafts, Canvas documents, activity) is stored as its blocks
    read as text say."""
    from desktop_importer.vendors.blocks import plain_text

    kinds: Counter[str] = Counter()
    for conversation in _conversations():
        for _, _, _, draft, entry in gemini.message_nodes(conversation):
            found = gemini._blocks(entry, draft)
            kind = "+".join(dict.fromkeys(b.kind for b in found)) or "text"
            assert gemini._content(entry, draft) == (kind, plain_text(found))
            kinds[kind] += 1
    assert {"text", "text+image", "canvas"} <= set(kinds)
