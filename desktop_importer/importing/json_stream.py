"""The items of a top-level JSON array, one at a time, by the standard library's C scanner.

ijson, which reads any JSON as a stream of events, took 0.92 s for a 100 MB export whose
text the C scanner decodes and parses in 0.65 s: this is the reading process's fast path,
which every import waits for (issue #23). It reads the array a buffer at a time and hands
each item to `json.JSONDecoder.raw_decode`, growing the buffer while an item runs past it.

It only ever yields what ijson would have yielded. Where the two could differ it does not
guess: JSON that is not clean (a syntax error, a file cut short, bytes that are not UTF-8,
trailing data, NaN) raises `NotClean`, and the caller reads the file again with ijson,
which skips the items already yielded and says what is wrong exactly as it always has. An
item that holds what ijson reads differently (a lone surrogate escape, which ijson turns
into "?"; an integer too large for 64 bits or a float beyond range, which it refuses) is
parsed by ijson on its own.
"""

from __future__ import annotations

import codecs
import io
import json
import math
import re
from typing import TYPE_CHECKING, Any, Protocol

import ijson

if TYPE_CHECKING:
    from collections.abc import Iterator

CHUNK = 256 * 1024
_SPACE = re.compile(r"[ \t\n\r]*")
# Where ijson and the C scanner part ways: a high surrogate escape not followed by a low
# one, or a low one not preceded by a high one (looked for only in an item whose source has
# a surrogate escape at all), an integer of more than 18 digits (it may exceed 64 bits), a
# float beyond range. Text that merely looks so costs an item parsed by ijson, no more.
_SURROGATE = ("\\ud", "\\uD")
_LONE_SURROGATE = re.compile(
    r"\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F])"
    r"|(?<![dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F]"
)
_NEAR_THE_END = 32  # characters: an error this close to the buffer's end may be a cut
_PLAIN = json.JSONDecoder()


class Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


class NotClean(Exception):
    """The JSON needs ijson from here on (its `yielded` items were fine)."""


class _Divergent(Exception):
    """This item is read by ijson."""


def _refuse(constant: str) -> Any:
    raise NotClean(constant)


def _integer(digits: str) -> int:
    if len(digits) > 18:
        raise _Divergent()
    return int(digits)


def _float(number: str) -> float:
    value = float(number)
    if value in (math.inf, -math.inf):
        raise _Divergent()
    return value


class _Buffer:
    """Decoded text of the stream not yet parsed: `text[at:]`."""

    def __init__(self, stream: Readable) -> None:
        self.stream = stream
        self.utf8 = codecs.getincrementaldecoder("utf-8")()
        self.text, self.at, self.ended = "", 0, False

    def more(self) -> bool:
        """Read as much again as is left unparsed (so an item that runs past many buffers is
        parsed a few times, not once per chunk, and the buffer holds at most twice the item
        it is parsing); False at the end."""
        if self.ended:
            return False
        wanted = max(CHUNK, len(self.text) - self.at)
        data = self.stream.read(wanted)
        try:
            decoded = self.utf8.decode(data, final=not data)
        except UnicodeDecodeError:
            raise NotClean("not UTF-8") from None
        self.text, self.at = self.text[self.at :] + decoded, 0
        self.ended = not data
        return True

    def skip_space(self) -> bool:
        """Move past white space; False if the text ended first."""
        while True:
            self.at = _SPACE.match(self.text, self.at).end()  # type: ignore[union-attr]
            if self.at < len(self.text):
                return True
            if not self.more():
                return False


def _decoder() -> json.JSONDecoder:
    return json.JSONDecoder(parse_float=_float, parse_int=_integer, parse_constant=_refuse)


def array_items(stream: Readable) -> Iterator[Any]:
    """The items of the array `stream` holds (its first significant byte is `[`); raises
    NotClean where ijson must take over."""
    buffer = _Buffer(stream)
    if not buffer.skip_space() or buffer.text[buffer.at] != "[":
        raise NotClean("no array")
    yield from _array(_decoder(), buffer)
    if buffer.skip_space():
        raise NotClean("data after the array")


def object_lists(stream: Readable, names: tuple[str, ...]) -> Iterator[tuple[str, Any]]:
    """The items of the arrays that the object `stream` holds under `names`, each with its
    name, in the file's order (Grok's `{"conversations": [...], "media_posts": [...]}`);
    its other values are read past. Raises NotClean where ijson must take over."""
    decoder = _decoder()
    buffer = _Buffer(stream)
    if not buffer.skip_space() or buffer.text[buffer.at] != "{":
        raise NotClean("no object")
    buffer.at += 1
    if not buffer.skip_space():
        raise NotClean("cut short")
    if buffer.text[buffer.at] == "}":
        buffer.at += 1
    else:
        while True:
            key = _item(decoder, buffer)
            if not isinstance(key, str) or not buffer.skip_space():
                raise NotClean("no key")
            if buffer.text[buffer.at] != ":":
                raise NotClean("no colon")
            buffer.at += 1
            if not buffer.skip_space():
                raise NotClean("cut short")
            if key in names and buffer.text[buffer.at] == "[":
                yield from ((key, item) for item in _array(decoder, buffer))
            else:
                _item(decoder, buffer)  # another value (Grok's projects, tasks): not read
            if not buffer.skip_space():
                raise NotClean("cut short")
            following = buffer.text[buffer.at]
            buffer.at += 1
            if following == "}":
                break
            if following != "," or not buffer.skip_space():
                raise NotClean("no comma")
    if buffer.skip_space():
        raise NotClean("data after the object")


def _array(decoder: json.JSONDecoder, buffer: _Buffer) -> Iterator[Any]:
    """The items of the array at the buffer (at its `[`), up to and past its `]`."""
    buffer.at += 1
    if not buffer.skip_space():
        raise NotClean("cut short")
    if buffer.text[buffer.at] == "]":
        buffer.at += 1
        return
    while True:
        yield _item(decoder, buffer)
        if not buffer.skip_space():
            raise NotClean("cut short")
        following = buffer.text[buffer.at]
        buffer.at += 1
        if following == "]":
            return
        if following != "," or not buffer.skip_space():
            raise NotClean("no comma")


def _item(decoder: json.JSONDecoder, buffer: _Buffer) -> Any:
    while True:
        start = buffer.at
        try:
            try:
                item, end = decoder.raw_decode(buffer.text, start)
            except _Divergent:  # read by ijson, once its end is known
                _, end = _PLAIN.raw_decode(buffer.text, start)
                item = _Divergent
        except json.JSONDecodeError as error:
            cut = error.pos >= len(buffer.text) - _NEAR_THE_END or error.msg.startswith(
                "Unterminated string"
            )
            if cut and buffer.more():
                continue
            raise NotClean(error.msg) from None
        except RecursionError:
            raise NotClean("nested too deeply") from None
        near_the_end = end >= len(buffer.text) - _NEAR_THE_END
        number = isinstance(item, int | float) or (
            item is _Divergent and buffer.text[start] in "-0123456789"
        )
        if number and near_the_end and buffer.more():
            continue  # a number at the very end may go on in the next chunk: parse it whole
        buffer.at = end
        if item is _Divergent:
            return _as_ijson_reads(buffer.text[start:end])
        escaped = buffer.text.find("\\u", start, end) >= 0 and any(  # most items: no escape
            buffer.text.find(escape, start, end) >= 0 for escape in _SURROGATE
        )
        if escaped and _LONE_SURROGATE.search(buffer.text, start, end):
            return _as_ijson_reads(buffer.text[start:end])
        return item


def _as_ijson_reads(source: str) -> Any:
    try:
        return next(ijson.items(io.BytesIO(source.encode()), "", use_float=True))
    except Exception:  # whatever ijson makes of it, it says so reading the whole file
        raise NotClean("ijson refuses it") from None
