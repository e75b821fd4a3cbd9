"""Search's reads: the full-text index asked for a bounded set of candidates (a thousand
an index), ranked; the excerpts' texts; the words found in one conversation. Prefixes can
still cost most of a second, so the window runs search on a worker.

Each class of query (dense, rare, prefix, CJK, titles) has its own bounded plan, measured in
docs/ARCHITECTURE.md, and they share the candidates' ranking. What is read once the hits are
ranked (their excerpts' texts and titles, the matches in one conversation) is in
store/matches.py.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import text

from desktop_importer.basics.cjk import has_cjk
from desktop_importer.store.listing import SORT_KEY, page

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from sqlalchemy.orm import Session

# -- search -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Hit:
    conversation_id: str
    node_id: str | None  # None when only the title matched
    rank: float  # bm25: lower is better
    rowid: int | None  # the message's rowid, for its excerpt


# FTS5 walks a term's document list in rowid order, so the newest CANDIDATES matches cost
# the same whether a word occurs 5,000 or 5,000,000 times. Ranking every hit before the
# LIMIT took 1.1 s for 'the' on a 1 GB archive.
CANDIDATES = 1000
# bm25 weighs each word by how few rows hold it, and learns that by walking the word's whole
# document list: 21 ms for 'the' (in 825,000 of 1.1 million messages), whatever the LIMIT.
# Where the newest CANDIDATES matches of the query (or of each of its words) lie within
# CANDIDATES * DENSE rows, the words are in at least one row of DENSE and bm25 would only
# learn that they say little: such a query lists the newest conversations that hold it
# instead (`newest_matching`), as a mail client lists its results.
DENSE = 10
WALK = 100  # conversations looked at a time, newest first, for such a query
WALK_MOST = 2000  # and at most this many (a dense query is in most conversations)
GAP = 2000  # message rows between two conversations' rows read through rather than skipped
# bm25's walk costs about 40 ns a match (10 ms for 'with', in 238,000 messages; two common
# words pay it for each). Where the newest CANDIDATES matches suggest more than WEIGH_MOST
# matches in all, the query is walked newest first too, though it is not dense.
WEIGH_MOST = 50_000


def _visible(version: str, vendor: bool) -> str:
    """The joins that keep a candidate of the profile's visible conversations, and of one
    vendor when asked (a join more, ~9 ms for 'the' at 1 GB, so only then)."""
    joins = f"JOIN conversation_heads h ON h.version_id = {version} AND h.user_id = :user_id "
    if vendor:
        joins += "JOIN conversations c ON c.id = h.version_id AND c.vendor = :vendor "
    return joins


def newest_matches(session: Session, table: str, query: str) -> list[int]:
    """The rowids of the newest CANDIDATES matches of the query, newest first."""
    return list(
        session.execute(
            text(
                f"SELECT rowid FROM {table} WHERE {table} MATCH :query "
                "ORDER BY rowid DESC LIMIT :candidates"
            ),
            {"query": query, "candidates": CANDIDATES},
        )
        .scalars()
        .all()
    )


def too_common_to_rank(newest: list[int]) -> bool:
    """Whether a query's newest CANDIDATES matches (`newest_matches`) lie within CANDIDATES *
    DENSE rows (then most conversations hold it, and a walk finds the newest quickly), or
    suggest more than WEIGH_MOST matches below them (bm25 would walk them all)."""
    if len(newest) < CANDIDATES:
        return False
    span = max(1, newest[0] - newest[-1])
    return span < CANDIDATES * DENSE or newest[0] * len(newest) > WEIGH_MOST * span


# What search finds: every message the person wrote or was shown, and what the app keeps
# behind a fold (the code a tool ran, its output, custom instructions); not the vendor's own
# hidden system prompts. A hit in a hidden message opens with hidden messages shown.
SEARCHABLE = "(m.hidden = 0 OR m.role <> 'system')"

_MESSAGE_CANDIDATES = {
    vendor: text(
        "WITH found AS (SELECT rowid, bm25(message_fts) AS rank FROM message_fts "
        "WHERE message_fts MATCH :query ORDER BY rowid DESC LIMIT :candidates) "
        "SELECT h.conversation_id, m.node_id, found.rank, found.rowid FROM found "
        "JOIN messages m ON m.rowid = found.rowid "
        + _visible("m.version_id", vendor)
        + f"WHERE {SEARCHABLE}"
    )
    for vendor in (False, True)
}
_TITLE_CANDIDATES = {
    vendor: text(
        "WITH found AS (SELECT rowid, bm25(title_fts) AS rank FROM title_fts "
        "WHERE title_fts MATCH :query ORDER BY rowid DESC LIMIT :candidates) "
        "SELECT h.conversation_id, NULL, found.rank, NULL FROM found "
        + _visible("found.rowid", vendor)
    )
    for vendor in (False, True)
}


def message_candidates(
    session: Session, user_id: str, query: str, *, vendor: str | None = None
) -> list[Hit]:
    """The visible conversations' SEARCHABLE messages among the newest CANDIDATES matches,
    by bm25."""
    params = {"user_id": user_id, "query": query, "candidates": CANDIDATES, "vendor": vendor}
    rows = session.execute(_MESSAGE_CANDIDATES[vendor is not None], params).all()
    return [_hit(row) for row in rows]


_NEWEST_OF = {
    vendor: text(
        # SQLite takes node_id from the row that gives min(): the conversation's first match.
        f"SELECT h.conversation_id, m.node_id, {SORT_KEY} AS sort_key, min(m.rowid) "
        "FROM json_each(:rowids) found CROSS JOIN messages m ON m.rowid = found.value "
        + _visible("m.version_id", vendor)
        + ("" if vendor else "JOIN conversations c ON c.id = m.version_id ")
        + f"WHERE {SEARCHABLE} GROUP BY h.conversation_id "
        "ORDER BY sort_key DESC, c.id DESC LIMIT :want"
    )
    for vendor in (False, True)
}


def newest_of(
    session: Session, user_id: str, rowids: list[int], *, vendor: str | None, want: int
) -> list[Hit]:
    """The newest `want` visible conversations among the messages `rowids` (a query's
    `newest_matches`), one hit each, newest first. bm25 would ask the index for them again:
    for a prefix, every word it starts (60 ms for 'sourdough star*', 460 for 'sta*')."""
    params = {"user_id": user_id, "rowids": json.dumps(rowids), "vendor": vendor, "want": want}
    rows = session.execute(_NEWEST_OF[vendor is not None], params).all()
    # Ranked below bm25's scores (which are negative), in order, as in `newest_matching`.
    return [Hit(row[0], row[1], -1.0 + i * 1e-6, row[3]) for i, row in enumerate(rows)]


def title_candidates(
    session: Session,
    user_id: str,
    query: str,
    *,
    vendor: str | None = None,
    title_words: list[str] | None = None,
) -> list[Hit]:
    """The visible conversations among the newest CANDIDATES title matches. `title_words`:
    match the titles that could hold CJK (`cjk_titles`) by substring instead (CJK: titles
    are not indexed as pairs)."""
    if title_words is not None:
        return _titles_containing(session, user_id, title_words, vendor)
    params = {"user_id": user_id, "query": query, "candidates": CANDIDATES, "vendor": vendor}
    return [
        _hit(row) for row in session.execute(_TITLE_CANDIDATES[vendor is not None], params).all()
    ]


@dataclass(frozen=True)
class Titles:
    """Titles joined into one string with their version ids: finding a word in 2,500 titles
    is then one str.find, not 2,500 tests in Python."""

    ids: list[int]
    starts: list[int]  # where each title begins in `joined`
    joined: str  # the titles, each followed by NUL (a typed word never holds one)

    @classmethod
    def of(cls, rows: list[tuple[int, str]]) -> Titles:
        starts, at = [], 0
        for _, title in rows:
            starts.append(at)
            at += len(title) + 1
        return cls([r[0] for r in rows], starts, "".join(f"{r[1]}\0" for r in rows))

    def holding(self, word: str) -> Iterator[tuple[int, str]]:
        """(version id, title) of each title that holds `word` as written."""
        at = self.joined.find(word)
        while at != -1:
            index = bisect_right(self.starts, at) - 1
            end = self.joined.index("\0", at)
            yield self.ids[index], self.joined[self.starts[index] : end]
            at = self.joined.find(word, end + 1)


def cjk_titles(session: Session, user_id: str) -> Titles:
    """The profile's titles that could hold CJK (those with any character beyond ASCII),
    kept with the connection until anything writes (`PRAGMA data_version` counts other
    connections' commits, `total_changes()` this one's: reads and writes share a pool):
    typing a CJK word searches them at every keystroke, and reading them is a scan of every
    title (10 ms for 53,000; a GLOB of the CJK ranges took 130). SQLite learns of another
    connection's commit when a read begins, so the read comes first: the version is then
    the snapshot's, the same the rows are read from."""
    connection = session.connection()
    connection.exec_driver_sql("SELECT 1 FROM sqlite_master LIMIT 1").all()
    version = (
        connection.exec_driver_sql("PRAGMA data_version").scalar(),
        connection.exec_driver_sql("SELECT total_changes()").scalar(),
    )
    cache: dict[str, tuple[object, Titles]] = connection.info.setdefault("cjk_titles", {})
    cached = cache.get(user_id)
    if cached is not None and cached[0] == version:
        return cached[1]
    rows = session.execute(
        text(
            "SELECT id, title FROM conversations INDEXED BY ix_conversations_title "
            "WHERE user_id = :user_id AND length(CAST(title AS BLOB)) > length(title)"
        ),
        {"user_id": user_id},
    ).all()
    titles = Titles.of([(int(row[0]), str(row[1])) for row in rows])
    cache[user_id] = (version, titles)
    return titles


def newest_matching(
    session: Session,
    user_id: str,
    query: str,
    *,
    vendor: str | None,
    want: int,
    title_words: list[str] | None = None,
    newest: list[int],
) -> tuple[list[Hit], list[Hit]]:
    """For a query too common to rank: the newest conversations (in the list's order, WALK
    at a time) whose title or messages match, until `want` are found. (title hits, message
    hits: the first matching message of each), ranked newest first.

    Newest by date, not by the order of import: an export that lists its newest
    conversations first gives them the lowest row ids. `title_words`: titles match by
    substring (CJK, as in `title_candidates`). `newest`: the query's `newest_matches`,
    which answer for the rows they cover without asking the index again."""
    titles: list[Hit] = []
    messages: list[Hit] = []
    after: tuple[float, int] | None = None
    found = looked = 0
    title_holds = _title_test(title_words) if title_words is not None else None
    while found < want and looked < WALK_MOST:
        rows = page(session, user_id, vendor=vendor, after=after, limit=WALK)
        versions = [row.cursor[1] for row in rows]
        ids = json.dumps(versions)
        if title_holds is not None:
            titled = {row.cursor[1] for row in rows if title_holds(row.title)}
        else:  # a range, read through: looking each id up in the index cost 125 us an id
            titled = set(
                session.execute(
                    text(
                        "SELECT rowid FROM title_fts WHERE title_fts MATCH :query "
                        "AND rowid BETWEEN :low AND :high"
                    ),
                    {
                        "query": query,
                        "low": min(versions, default=0),
                        "high": max(versions, default=0),
                    },
                ).scalars()
            )
        first = _first_matches(session, query, ids, newest, whole=query.endswith("*"))
        for row in rows:
            version = row.cursor[1]
            rank = -1.0 + found * 1e-6  # below bm25's scores, which are negative, in order
            if version in titled:
                titles.append(Hit(row.conversation_id, None, rank, None))
            if version in first:
                node_id, rowid = first[version]
                messages.append(Hit(row.conversation_id, node_id, rank, rowid))
            found += version in titled or version in first
        looked += len(rows)
        if len(rows) < WALK:
            break
        after = rows[-1].cursor
    return titles, messages


def _title_test(words: list[str]) -> Callable[[str | None], bool]:
    """Whether a title holds every word: CJK as typed, other words in any case."""
    exact = [w for w in words if has_cjk(w)]
    folded = [w.lower() for w in words if not has_cjk(w)]

    def holds(title: str | None) -> bool:
        title = title or ""
        if not all(w in title for w in exact):
            return False
        lowered = title.lower() if folded else ""
        return all(w in lowered for w in folded)

    return holds


_FIRST_MATCHES = text(
    # SQLite takes node_id from the row that gives min(): the first match.
    "SELECT m.version_id, m.node_id, min(m.rowid) FROM message_fts f "
    "CROSS JOIN messages m ON m.rowid = f.rowid "
    "WHERE message_fts MATCH :query AND f.rowid BETWEEN :low AND :high "
    f"AND {SEARCHABLE} GROUP BY m.version_id"
)
_FIRST_KNOWN = text(
    "SELECT m.version_id, m.node_id, min(m.rowid) FROM json_each(:rowids) k "
    f"CROSS JOIN messages m ON m.rowid = k.value WHERE {SEARCHABLE} GROUP BY m.version_id"
)


def _first_matches(
    session: Session, query: str, ids: str, newest: list[int], *, whole: bool = False
) -> dict[int, tuple[str, int]]:
    """version id -> (node id, rowid) of its first matching message, for
    the versions in `ids`. A version's messages are written together, so their rows lie
    close: the index is read over those spans only. `whole`: over one span from the first
    to the last (a prefix query: FTS5 gathers its every word whatever the range asked)."""
    spans = sorted(
        (int(row[0]), int(row[1]))
        for row in session.execute(
            text(
                "SELECT min(rowid), max(rowid) FROM messages "
                "WHERE version_id IN (SELECT value FROM json_each(:ids)) GROUP BY version_id"
            ),
            {"ids": ids},
        )
    )
    merged: list[list[int]] = []
    for low, high in spans:
        if merged and (whole or low <= merged[-1][1] + GAP):
            merged[-1][1] = max(merged[-1][1], high)
        else:
            merged.append([low, high])
    wanted = set(json.loads(ids))
    # Every match at or above the oldest of the newest CANDIDATES is among them.
    covered = newest[-1] if len(newest) >= CANDIDATES else 0
    first: dict[int, tuple[str, int]] = {}
    for low, high in merged:
        if newest and low >= covered:
            known = [rowid for rowid in newest if low <= rowid <= high]
            rows = session.execute(_FIRST_KNOWN, {"rowids": json.dumps(known)}).all()
        else:
            params = {"query": query, "low": low, "high": high}
            rows = session.execute(_FIRST_MATCHES, params).all()
        for version, node_id, rowid in rows:
            if version in wanted and version not in first:
                first[version] = (node_id, rowid)
    return first


def _titles_containing(
    session: Session, user_id: str, words: list[str], vendor: str | None
) -> list[Hit]:
    holds = _title_test(words)
    first = max((w for w in words if has_cjk(w)), key=len)
    titles = cjk_titles(session, user_id)
    ids = [version for version, title in titles.holding(first) if holds(title)]
    rows = session.execute(
        text(
            "SELECT h.conversation_id, NULL, -1.0, NULL FROM json_each(:ids) found CROSS "
            + _visible("found.value", vendor is not None)
            + "LIMIT :candidates"
        ),
        {"user_id": user_id, "ids": json.dumps(ids), "candidates": CANDIDATES, "vendor": vendor},
    )
    return [_hit(row) for row in rows.all()]


def _hit(row: Any) -> Hit:
    return Hit(row[0], row[1], float(row[2]), row[3])
