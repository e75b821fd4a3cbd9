"""The reading process's fast path over a JSON array yields exactly what ijson yields, and
hands over to ijson (which says what is wrong, as it always has) wherever it is not sure."""

from __future__ import annotations

import contextlib
import io
import json

import ijson
import pytest

from desktop_importer.importing import json_stream
from desktop_importer.importing.json_stream import NotClean, array_items


def ijson_reads(data: bytes) -> list[object]:
    return list(ijson.items(io.BytesIO(data), "item", use_float=True))


def conversation(n: int, text: str) -> dict[str, object]:
    return {"id": f"c{n}", "title": text, "mapping": {"a": {"message": {"parts": [text] * 3}}}}


TEXTS = ["plain", "Grüße, naïve café", "机器学习模型 and 日本語", "🙂 🚀 emoji", "x" * 3000]


@pytest.mark.parametrize("chunk", [7, 64, 1000, 256 * 1024])
@pytest.mark.parametrize("ensure_ascii", [False, True])
def test_items_across_buffer_ends_are_what_ijson_reads(
    monkeypatch: pytest.MonkeyPatch, chunk: int, ensure_ascii: bool
) -> None:
    """Items, multibyte characters, escapes and numbers cut by a buffer's end come out
    whole and the same (a small CHUNK puts a cut everywhere)."""
    monkeypatch.setattr(json_stream, "CHUNK", chunk)
    items: list[object] = [conversation(n, TEXTS[n % len(TEXTS)]) for n in range(40)]
    items += [12345678, 3.25e10, -0.5, "a string", None, True, [], {}, [1, [2, [3]]]]
    # Read by ijson (19 digits), and cut by a buffer's end whole or within its item.
    items += [1234567890123456789, {"id": 1234567890123456789, "text": "x" * 300}]
    data = json.dumps(items, ensure_ascii=ensure_ascii, indent=1).encode()
    assert list(array_items(io.BytesIO(data))) == ijson_reads(data) == json.loads(data)


@pytest.mark.parametrize(
    "data",
    [
        b'[{"a": "\\ud83d\\ude00 a pair"}]',  # a surrogate pair: one character, both ways
        b'[{"a": "\\ud800 alone"}, {"b": "\\udc00 too"}]',  # ijson reads lone ones as "?"
        b'[{"a": 12345678901234567890123}]',  # beyond 64 bits: ijson refuses it
        b'[{"a": 1.5e400}]',  # beyond a float's range: likewise
        b'[{"a": 1234567890123456789}]',  # 19 digits that fit: read by ijson, the same
    ],
)
def test_what_ijson_reads_differently_is_read_by_ijson(data: bytes) -> None:
    try:
        expected: object = ijson_reads(data)
    except Exception:  # ijson refuses it: then it reads the file again, and says why
        expected = NotClean
    try:
        got: object = list(array_items(io.BytesIO(data)))
    except NotClean:
        got = NotClean
    assert got == expected


@pytest.mark.parametrize(
    "data",
    [
        b'[{"a": 1}, {"b": oops}]',  # a syntax error
        b'[{"a": 1}, {"b": "cut sh',  # cut short inside a string
        b'[{"a": 1}, {"b": 12345678901234567890, "c": "cut sh',  # the same, in one for ijson
        b'[{"a": 1}, {"b": 2}',  # cut short before the end of the array
        b'[{"a": 1} {"b": 2}]',  # no comma
        b'[{"a": NaN}]',  # not JSON, though Python's json reads it
        b'[{"a": "\xff"}]',  # not UTF-8
        b'[{"a": "a\nb"}]',  # a raw control character in a string
        b'[{"a": 1}] trailing',
        b"[" + b"[" * 5000 + b"]" * 5000 + b"]",  # nested past the scanner's recursion
    ],
)
def test_unclean_json_is_left_to_ijson_after_the_good_items(data: bytes) -> None:
    """What the fast path yielded first is what ijson yields first (ijson skips those)."""
    good: list[object] = []
    with pytest.raises(NotClean):
        good.extend(array_items(io.BytesIO(data)))
    before_the_error: list[object] = []
    with contextlib.suppress(Exception):  # ijson's own error, whatever it is
        before_the_error.extend(ijson.items(io.BytesIO(data), "item", use_float=True))
    assert good == before_the_error[: len(good)]
    assert len(good) <= 2


def test_an_empty_array_has_no_items() -> None:
    assert list(array_items(io.BytesIO(b" [ \n ] \n"))) == []
