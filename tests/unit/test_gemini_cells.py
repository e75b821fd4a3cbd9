"""A cell of Takeout's HTML log read once: the entry `read_cell` makes beside the JSON
shape is the one `entry_of` reads back from that shape (the reading process uses the first,
a re-import from the archive the second), for the fixtures' cells and for cells cut and
patched at random."""

from __future__ import annotations

import io
import random
from pathlib import Path

import orjson

from desktop_importer.importing import activity
from desktop_importer.vendors import gemini

FIXTURES = Path(__file__).parent.parent / "fixtures" / "gemini"
PIECES = [
    "<br>", "<br/>", "<BR >", "&nbsp;", "\xa0", "&amp;", '<a href="x.png">x</a>',
    '<img src="image_agent_tag_1.png">', '<img src="a.jpg">', "</div>", "  ", "\n",
    "Prompted", "Poslali ste poziv:", "Created Gemini Canvas titled", "=", "<p>", "</p>",
    "Ustvarjeno platno Gemini z naslovom", "Aug 8, 2026, 6:39:27\u202fPM CEST", "12:00:00",
    "1 attached file.", "<script>x</script>", '<div class="content-cell mdl-cell',
    'mdl-typography--text-right">', "mdl-typography--caption", "word ", "中文",
    "https://gemini.google.com/app/abcdef12",
]  # fmt: skip


def _ignore(count: int) -> None:
    pass


def cells() -> list[str]:
    found = []
    for path in sorted(FIXTURES.glob("*.html")):
        for chunk in activity.html_cells(io.BytesIO(path.read_bytes()), path.name, _ignore):
            found += [chunk.data[start:end].decode() for start, end in chunk.spans()]
    return found


def test_a_cell_is_read_as_its_json_shape_reads() -> None:
    originals = cells()
    assert len(originals) >= 10
    rng = random.Random(5)
    patched = []
    for _ in range(3000):
        characters = list(rng.choice(originals))
        for _ in range(rng.randint(1, 4)):
            at = rng.randrange(len(characters) + 1)
            if rng.random() < 0.7:
                characters[at:at] = rng.choice(PIECES)
            else:
                del characters[at : at + rng.randint(1, 30)]
        patched.append("".join(characters))
    compared = 0
    for cell in originals + patched:
        found = gemini.read_cell(cell)
        if found is not None:
            compared += 1
            shape, entry = found
            assert entry == gemini.entry_of(shape), cell
    assert compared > 2000
    kinds = {found[1].kind for cell in originals if (found := gemini.read_cell(cell))}
    assert kinds == {"exchange", "canvas", "activity"}  # the fixtures hold each kind


def test_a_grouped_conversation_parses_as_its_json_does() -> None:
    """What the reading process parses (entries read once) is what a re-import parses
    from the archive's JSON of it."""
    read = [found for cell in cells() if (found := gemini.read_cell(cell))]
    grouped = gemini.Grouped({gemini.KEY: "abc123", gemini.GROUPED: [s for s, _ in read]})
    grouped.read = [entry for _, entry in read]
    plain = orjson.loads(orjson.dumps(grouped))
    assert type(plain) is dict
    assert gemini.parse(grouped) == gemini.parse(plain)
