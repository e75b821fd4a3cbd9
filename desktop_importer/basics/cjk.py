"""Chinese, Japanese and Korean in the full-text index. Those scripts put no spaces between
words, and FTS5's unicode61 tokenizer keeps a whole run of them as one token, so `学习`
would never find `我们讨论了机器学习模型`. The importer therefore indexes each run as its
overlapping pairs of characters (plus the run's last character alone), and a query is split
the same way: a word of two or more characters becomes the phrase of its pairs, which
matches wherever those characters stand together; a single character matches as the start
of a pair, or as a run's last character.
"""

from __future__ import annotations

import re

# Han (with extension A), Hiragana and Katakana, Hangul syllables.
RANGES = "\u3400-\u4dbf\u4e00-\u9fff\u3040-\u30ff\uac00-\ud7af"
RUN = re.compile(f"[{RANGES}]+")
# The same ranges as an SQLite GLOB, to find the rows an older archive must index again.
GLOB = f"*[{RANGES.replace(chr(92), '')}]*"


# Every character of RANGES is three bytes in UTF-8 with a lead byte from E3 to ED: one
# look at a conversation's JSON bytes rules CJK out for all its messages, much faster than
# a regular expression over each message's text (0.34 s of the reader's time per 100 MB).
# Each lead byte is looked for on its own (`in` on bytes is memchr: about 10 GB/s for the
# eleven on accented Latin text), where a regular expression's character class scanned
# 0.5 GB/s, 7 % of an import without CJK in a sampling profile (issue #23).
_LEAD_BYTES = tuple(bytes([lead]) for lead in range(0xE3, 0xEE))


def maybe_in_utf8(data: bytes) -> bool:
    """Whether UTF-8 `data` may hold CJK (False: it certainly holds none)."""
    return any(lead in data for lead in _LEAD_BYTES)


def has_cjk(text: str) -> bool:
    return RUN.search(text) is not None


def tokens(run: str) -> list[str]:
    """A run's index tokens: its overlapping pairs, and its last character alone."""
    if len(run) == 1:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)] + [run[-1]]


class _RunForms(dict[str, str]):
    """Each run's index form, remembered for short runs (words recur: 你好, 学习, 日本語)."""

    def __missing__(self, run: str) -> str:
        form = " " + " ".join(tokens(run)) + " "
        if len(run) <= _REMEMBERED_RUN and len(self) < _REMEMBERED_RUNS:
            self[run] = form
        return form


_REMEMBERED_RUN, _REMEMBERED_RUNS = 16, 4096  # characters; runs (well under 1 MB)
_RUN_FORMS = _RunForms()
_RUN_FORMS[""] = ""  # no run between two stretches of other text (see index_form)
# What lies between the runs: splitting on it is what costs least. A split on the runs
# themselves looks for one at every character (0.53 s for the 31 M characters of a 100 MB
# export's messages); a split on the rest consumes each stretch of it in one tight loop
# (0.33 s), and most of a message is not CJK.
_BETWEEN_RUNS = re.compile(f"([^{RANGES}]+)")


def index_form(text: str) -> str | None:
    """The text as the index should see it, or None when it has no CJK (then the text
    itself is indexed). One split at C speed, then the runs' forms looked up: 40 % less
    than a substitution calling back into Python for each run, and half of that again by
    splitting on what is not CJK (issue #23): the runs are then every other part, the first
    and the last included, an empty one where the text starts or ends with other text."""
    if text.isascii():  # most English messages: one look at the string's kind
        return None
    parts = _BETWEEN_RUNS.split(text)
    if len(parts) == 1:  # all of it one run
        return _RUN_FORMS[text]
    if len(parts) == 3 and not parts[0] and not parts[2]:  # none of it CJK
        return None
    parts[0::2] = [_RUN_FORMS[run] for run in parts[0::2]]
    return "".join(parts)


def indexed(text: str) -> str:
    """What the full-text index holds for a message: its index form, or the text itself.
    The archive stores the text only and derives this wherever the index is written
    (schema 14: an SQL function, `FTS_FUNCTION`, for the triggers that take entries out)."""
    form = index_form(text)
    return text if form is None else form


def query_terms(word: str) -> list[tuple[str, bool]]:
    """A typed word as FTS5 terms: (term, is_phrase_of_pairs). Latin parts stay words."""
    terms: list[tuple[str, bool]] = []
    at = 0
    for match in RUN.finditer(word):
        if match.start() > at:
            terms.append((word[at : match.start()], False))
        run = match.group()
        terms.append((" ".join(tokens(run)[:-1]) if len(run) > 1 else run, True))
        at = match.end()
    if at < len(word):
        terms.append((word[at:], False))
    return terms
