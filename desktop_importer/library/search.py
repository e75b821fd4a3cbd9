"""Search as you type: the best conversations for what is typed, their excerpts with the
words marked, and finding the words inside one open conversation."""

from __future__ import annotations

import re
import unicodedata
from collections import deque
from dataclasses import dataclass
from itertools import islice
from typing import TYPE_CHECKING

from desktop_importer.app import DEFAULT_PROFILE
from desktop_importer.basics import cjk
from desktop_importer.store import search as sql
from desktop_importer.store.matches import matches_in_version, texts_for_excerpts, titles_of

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from sqlalchemy.orm import Session

    from desktop_importer.app import App

# -- search -------------------------------------------------------------------------------

SHORT_PREFIX = 3  # a last word shorter than this matches titles only, until it grows
TITLE_WEIGHT = 2.0  # a word in the title says more about a conversation than one in a message
MATCH_START, MATCH_END = "\x02", "\x03"  # around each matched word in snippets and titles
EXCERPT_WORDS = 14  # words of context in a snippet
SEARCH_LIMIT = 50  # conversations a search shows at most, best first


@dataclass(frozen=True)
class SearchResult:
    conversation_id: str
    title: str | None
    node_id: str | None  # the best matching message (None: the title matched)
    snippet: str  # the matched words between MATCH_START and MATCH_END
    marked_title: str | None  # the title with its matched words marked, if it matched
    rank: float


def words_of(typed: str) -> list[str]:
    return re.findall(r"\w+", typed)


def fts_query(words: list[str], *, prefix: bool = True) -> str:
    """Every word must occur, the last may be the start of a word (as when typing; not
    with `prefix=False`); FTS5 syntax typed by a user is taken as words. CJK is split as the
    index splits it: a run of two or more characters is the phrase of its pairs, one
    character a pair's start."""
    quoted: list[str] = []
    for position, word in enumerate(words):
        terms = cjk.query_terms(word)
        for index, (term, cjk_run) in enumerate(terms):
            last = prefix and position == len(words) - 1 and index == len(terms) - 1
            single = cjk_run and len(term) == 1  # one character: the start of a pair
            # A run of CJK is complete pairs, never the start of a longer token.
            quoted.append(f'"{term}"' + ("*" if (last and not cjk_run) or single else ""))
    return " ".join(quoted)


def _fold(word: str) -> str:
    """A word as the index compares it (unicode61 remove_diacritics 2): case and accents
    folded."""
    if word.isascii():
        return word.lower()
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _matcher(words: list[str]) -> Callable[[str], bool]:
    whole = {_fold(w) for w in words[:-1]}
    last = _fold(words[-1])
    return lambda token: (folded := _fold(token)) in whole or folded.startswith(last)


def _tokens(text: str, words: list[str]) -> Iterator[re.Match[str]]:
    """Words of `text`, with the CJK parts of the query cut out of the runs that hold them
    (a run of CJK is one word to a regular expression)."""
    runs = [run for word in words for run in cjk.RUN.findall(word)]
    if not runs:
        return re.finditer(r"\w+", text)
    pattern = "|".join(re.escape(run) for run in sorted(runs, key=len, reverse=True))
    return re.finditer(rf"{pattern}|\w+?(?={pattern})|\w+", text)


def _around_first(
    tokens: Iterator[re.Match[str]], matches: Callable[[str], bool], context: int
) -> list[re.Match[str]]:
    """`context` tokens around the first that matches (a third of them before it), read no
    further than they need: an excerpt of a long message costs its first match, not its
    length."""
    before: deque[re.Match[str]] = deque(maxlen=context // 3)
    for token in tokens:
        if matches(token.group()):
            return [*before, token, *islice(tokens, context - len(before) - 1)]
        before.append(token)
    return []


def mark(text: str, words: list[str], *, context: int | None = None) -> str:
    """`text` with the words the query matched between MATCH_START and MATCH_END; with
    `context`, only that many words around the first match (an excerpt)."""
    matches = _matcher(words)
    tokens = _tokens(text, words)
    if context is not None:
        tokens_in = _around_first(tokens, matches, context)
        if not tokens_in:
            return " ".join(text[:200].split())
        start, end = tokens_in[0].start(), tokens_in[-1].end()
        prefix = "…" if start > 0 else ""
        suffix = "…" if end < len(text) else ""
    else:
        tokens_in, start, end, prefix, suffix = list(tokens), 0, len(text), "", ""
    pieces, at = [], start
    for token in tokens_in:
        if matches(token.group()):
            pieces += [text[at : token.start()], MATCH_START, token.group(), MATCH_END]
            at = token.end()
    pieces.append(text[at:end])
    return prefix + " ".join("".join(pieces).split()) + suffix


def search(
    app: App, profile: str, typed: str, *, vendor: str | None = None, limit: int = SEARCH_LIMIT
) -> list[SearchResult]:
    """The best `limit` conversations for what was typed (of one `vendor`, if given), best
    first, one row each with an excerpt of its best message. Bounded: ranks the newest
    candidates of each index."""
    # Over 60 lines: the query's classes (title only, dense, ranked, CJK) each bounded
    # in turn; the budget is easier to check read in one place.
    words = words_of(typed)
    if not words:
        return []
    query = fts_query(words)
    # A word of one or two CJK characters is a whole word; one or two letters is not yet.
    titles_only = len(words[-1]) < SHORT_PREFIX and not cjk.has_cjk(words[-1])
    title_words = words if any(cjk.has_cjk(w) for w in words) else None
    # The last word as typed first: FTS5 expands a prefix into every term it starts (`the*`:
    # 200 ms on a 1 GB archive, where `the` takes 25 ms). A word that is itself common
    # fills the candidates; its longer words are not needed.
    exact = fts_query(words, prefix=False)
    with app.store.read() as session:
        message_hits: list[sql.Hit] = []
        walk: tuple[str, list[int]] | None = None
        if not titles_only:
            message_hits, walk = _messages_or_walk(
                session, profile, exact, query, vendor=vendor, limit=limit, cjk=bool(title_words)
            )
        if walk is not None:
            title_hits, message_hits = sql.newest_matching(
                session,
                profile,
                walk[0],
                vendor=vendor,
                want=limit,
                title_words=title_words,
                newest=walk[1],
            )
        else:
            title_hits = sql.title_candidates(
                session, profile, query, vendor=vendor, title_words=title_words
            )
        best: dict[str, sql.Hit] = {}
        for hit in message_hits:
            known = best.get(hit.conversation_id)
            if known is None or hit.rank < known.rank:
                best[hit.conversation_id] = hit
        title_rank = {hit.conversation_id: hit.rank * TITLE_WEIGHT for hit in title_hits}

        def score(cid: str) -> tuple[bool, float]:
            # Titles count more: a conversation whose title matches comes before those that
            # match only in their messages; within each, by bm25 (titles weighted double).
            message = best[cid].rank if cid in best else 0.0
            return (cid not in title_rank, title_rank.get(cid, 0.0) + message)

        ranked = sorted({*best, *title_rank}, key=score)[:limit]
        titles = titles_of(session, profile, ranked)
        rowids = [best[cid].rowid for cid in ranked if cid in best]
        texts = texts_for_excerpts(session, [r for r in rowids if r is not None])
    results = []
    for cid in ranked:
        message = best.get(cid)
        title = titles.get(cid)
        excerpt = ""
        if message is not None and message.rowid is not None:
            excerpt = mark(texts.get(message.rowid, ""), words, context=EXCERPT_WORDS)
        results.append(
            SearchResult(
                cid,
                title,
                message.node_id if message else None,
                excerpt,
                mark(title or "", words) if cid in title_rank else None,
                score(cid)[1],
            )
        )
    return results


@dataclass(frozen=True)
class SearchHit:
    """A search result as the command line gives it: the matched words in [brackets]."""

    conversation_id: str
    title: str | None
    snippet: str
    node_id: str | None  # None when only the title matched
    rank: float


def search_archive(
    app: App, words: str, profile: str = DEFAULT_PROFILE, *, limit: int = 20
) -> list[SearchHit]:
    """`search` for the command line: the same results, their marks in brackets."""
    return [
        SearchHit(
            r.conversation_id,
            r.title,
            plain_marks(r.snippet or r.marked_title or ""),
            r.node_id,
            r.rank,
        )
        for r in search(app, profile, words, limit=limit)
    ]


def _messages_or_walk(
    session: Session,
    profile: str,
    exact: str,
    query: str,
    *,
    vendor: str | None,
    limit: int,
    cjk: bool,
) -> tuple[list[sql.Hit], tuple[str, list[int]] | None]:
    """The message hits for what was typed (`exact`: its last word whole; `query`: as a
    prefix), or, for a query too common to rank, the query to list newest first instead,
    with its newest matches."""
    newest = sql.newest_matches(session, "message_fts", exact)
    if sql.too_common_to_rank(newest):
        return [], (exact, newest)
    # CJK is asked as typed only (a run is complete pairs); Latin first as the word itself.
    hits = [] if cjk else sql.message_candidates(session, profile, exact, vendor=vendor)
    enough = len({hit.conversation_id for hit in hits}) >= limit
    if enough or (query == exact and not cjk):
        return hits, None
    if query != exact:
        newest = sql.newest_matches(session, "message_fts", query)
    if sql.too_common_to_rank(newest):
        return [], (query, newest)
    if query.endswith("*"):  # the words it starts, after the word itself: newest first
        return hits + sql.newest_of(session, profile, newest, vendor=vendor, want=2 * limit), None
    return sql.message_candidates(session, profile, query, vendor=vendor), None


def match_spans(text: str, words: list[str]) -> list[tuple[int, int]]:
    """(start, end) of every word of `text` that the query `words` matches, as search
    matches them (case and accents folded, the last word as a prefix, CJK inside runs):
    what the reader marks, never markup put into the text."""
    if not words:
        return []
    matches = _matcher(words)
    return [(t.start(), t.end()) for t in _tokens(text, words) if matches(t.group())]


@dataclass(frozen=True)
class FoundInConversation:
    """The messages of the branch shown that hold the words, in reading order, each with
    how many times."""

    words: list[str]
    messages: list[tuple[str, int]]  # (node id, matches in its text)


def find_in_conversation(
    app: App, profile: str, conversation_id: str, typed: str, node_ids: list[str]
) -> FoundInConversation:
    """Where `typed` occurs in one conversation (the search's tokenizer, CJK included),
    among `node_ids` (the branch the reader shows, in order), also in messages the reader
    has not built yet."""
    words = words_of(typed)
    if not words:
        return FoundInConversation([], [])
    with app.store.read() as session:
        found = matches_in_version(session, profile, conversation_id, fts_query(words))
    messages = [
        (node_id, len(match_spans(found[node_id], words)) or 1)
        for node_id in node_ids
        if node_id in found
    ]
    return FoundInConversation(words, messages)


def plain_marks(marked: str, start: str = "[", end: str = "]") -> str:
    return marked.replace(MATCH_START, start).replace(MATCH_END, end)
