"""The library: what the window shows of the archive. A page of the conversation list, one
conversation as the vendor's app shows it (its branches, each message's blocks), and search
as you type. Plain functions over the same App as imports; every call is bounded.

    rows = list_page(app, "default", after=rows[-1].cursor)
    view = read_conversation(app, "default", conversation_id, choices={parent: child})
    results = search(app, "default", "sourdough star")
"""

from __future__ import annotations

import mimetypes
import re
import shutil
import tempfile
import unicodedata
from collections import deque
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from desktop_importer.app import DEFAULT_PROFILE
from desktop_importer.basics import cjk, media
from desktop_importer.basics.errors import EnvironmentProblem, UnknownConversation
from desktop_importer.store import library as sql
from desktop_importer.store import media as media_sql
from desktop_importer.vendors.blocks import Block
from desktop_importer.vendors.parsed import vendor_name
from desktop_importer.vendors.registry import vendor_named

if TYPE_CHECKING:
    from collections.abc import Callable, Generator, Iterable, Iterator, Mapping

    from sqlalchemy.orm import Session

    from desktop_importer.app import App

PAGE = 200
ListRow = sql.ListRow


def list_page(
    app: App,
    profile: str,
    *,
    vendor: str | None = None,
    after: tuple[float, int] | None = None,
    limit: int = PAGE,
) -> list[ListRow]:
    """Up to `limit` conversations, newest first, after `after` (the last row's cursor)."""
    with app.store.read() as session:
        return sql.page(session, profile, vendor=vendor, after=after, limit=limit)


def every_conversation(app: App, profile: str) -> Iterator[ListRow]:
    """Every row of the list, in its order (newest first: the window's list, the command
    line's `conversations` and the export all read this one order), a page at a time:
    53,000 rows held at once took 32 MB."""
    after: tuple[float, int] | None = None
    while True:
        page = list_page(app, profile, after=after)
        yield from page
        if len(page) < PAGE:
            return
        after = page[-1].cursor


def list_conversations(app: App, profile: str = DEFAULT_PROFILE) -> list[ListRow]:
    return list(every_conversation(app, profile))


def vendors(app: App, profile: str) -> list[str]:
    with app.store.read() as session:
        return sql.vendors(session, profile)


# -- reading one conversation -------------------------------------------------------------


@dataclass
class ReaderMessage:
    node_id: str
    parent_id: str | None
    role: str
    author_name: str | None
    create_time: float | None
    hidden: bool  # hidden by the vendor's app (a tool's plumbing, injected context)
    in_export: bool  # False: kept from an earlier export, gone from the latest
    siblings: tuple[str, ...]  # this message and its alternatives (edits, regenerations)
    text_bytes: int
    vendor: str
    source: Mapping[str, Any] | None  # the message's object in the original JSON
    _blocks: list[Block] | None = None

    @property
    def blocks(self) -> list[Block]:
        """The structured view, built when first asked for (as the reader builds each
        message's widget: a 2,000-message conversation opens without building them all)."""
        if self._blocks is None:
            self._blocks = (
                vendor_named(self.vendor).blocks(self.source) if self.source is not None else []
            )
        return self._blocks

    @property
    def sibling_index(self) -> int:
        return self.siblings.index(self.node_id)


ROLE_NAMES = {"user": "You", "system": "Instructions", "tool": "Tool"}


def speaker(message: ReaderMessage, vendor: str) -> str:
    """Who a message is from, as the reader and the export name it."""
    if message.role == "assistant" or (message.role == "tool" and not message.hidden):
        # A tool's message that the app shows (a generated image, a chart) is part of the
        # assistant's turn there, not a "Tool: t2uay3k.sj1i4kz" of its own.
        return vendor_name(vendor)
    if message.role == "tool" and message.author_name:
        return f"Tool: {message.author_name}"
    return ROLE_NAMES.get(message.role, message.role.capitalize())


@dataclass(frozen=True)
class MediaFile:
    """A file of the archive a message points at."""

    asset_id: str
    name: str
    mime_type: str
    bytes: int
    sha256: str
    width: int | None
    height: int | None
    path: Path  # read it, never write it: one copy serves every message that points at it


@dataclass(frozen=True)
class MediaRef:
    """What a message points at: its file, or None where the archive has none (missing)."""

    asset_id: str
    name: str  # the file's name, or what the message calls it, or the id
    file: MediaFile | None

    def to_json(self) -> dict[str, Any]:
        kept = self.file
        return {
            "name": self.name,
            "mimeType": kept.mime_type if kept else None,
            "bytes": kept.bytes if kept else None,
            "sha256": kept.sha256 if kept else None,
            "kept": kept is not None,
        }


@dataclass(frozen=True)
class ReaderConversation:
    conversation_id: str
    title: str | None
    vendor: str
    create_time: float | None
    update_time: float | None
    messages: list[ReaderMessage]  # the chosen branch, oldest first
    hidden_count: int  # messages of that branch left out (without include_hidden)
    choices: dict[str, str]  # the branch shown: a parent's node id -> the child followed
    include_hidden: bool  # hidden messages are shown
    media: dict[str, MediaFile] = field(default_factory=dict)  # file id -> the kept file
    # The stored original JSON, parsed (the export reads its model, URL and JSON from it).
    document: Mapping[str, Any] = field(default_factory=dict)

    def media_of(self, message: ReaderMessage) -> list[MediaRef]:
        """The files a message points at, in order, kept or missing."""
        if message.source is None:
            return []
        named = {media.asset_id(b.pointer): b.name for b in message.blocks if b.pointer and b.name}
        return [
            MediaRef(
                asset,
                kept.name if (kept := self.media.get(asset)) else named.get(asset) or asset,
                kept,
            )
            for asset in vendor_named(self.vendor).message_pointers(message.source)
        ]

    def file_for(self, pointer: str | None) -> MediaFile | None:
        """The kept file of a block's pointer, if the archive holds it."""
        asset = media.asset_id(pointer)
        return self.media.get(asset) if asset else None


def _children(nodes: list[sql.Node]) -> dict[str | None, list[sql.Node]]:
    """Each node's children, oldest first (by time, then by place in the file)."""
    known = {n.node_id for n in nodes}
    children: dict[str | None, list[sql.Node]] = {}
    for node in nodes:
        parent = node.parent_id if node.parent_id in known else None
        children.setdefault(parent, []).append(node)
    for group in children.values():
        group.sort(key=lambda n: (n.create_time is None, n.create_time or 0.0, n.position))
    return children


def _latest(group: list[sql.Node]) -> sql.Node:
    timed = [n for n in group if n.create_time is not None]
    return max(timed, key=lambda n: (n.create_time or 0.0, n.position)) if timed else group[-1]


def branch(
    children: dict[str | None, list[sql.Node]], choices: Mapping[str, str]
) -> list[sql.Node]:
    """The path from the root: at each node the chosen child, else the one on the current
    path, else the newest (as the vendor's app opens a branch it has not shown before)."""
    roots = children.get(None, [])
    if not roots:
        return []
    node = next((n for n in roots if n.path_index is not None), roots[0])
    path, seen = [node], {node.node_id}
    while group := [c for c in children.get(node.node_id, []) if c.node_id not in seen]:
        chosen = choices.get(node.node_id)
        picked = next((c for c in group if c.node_id == chosen), None)
        if picked is None:
            picked = next((c for c in group if c.path_index is not None), None) or _latest(group)
        node = picked
        path.append(node)
        seen.add(node.node_id)
    return path


def _choices_through(by_id: Mapping[str, sql.Node], node_id: str) -> dict[str, str]:
    """The choices that make the branch pass through `node_id`: each ancestor's child on
    the way down to it."""
    choices: dict[str, str] = {}
    node = by_id.get(node_id)
    while node is not None and (parent := node.parent_id) in by_id and parent not in choices:
        assert parent is not None
        choices[parent] = node.node_id
        node = by_id[parent]
    return choices


def read_conversation(
    app: App,
    profile: str,
    conversation_id: str,
    *,
    choices: Mapping[str, str] | None = None,
    include_hidden: bool = False,
    through: str | None = None,
) -> ReaderConversation:
    """One conversation's branch as the vendor's app shows it: the current one, or the one
    `choices` (a parent's node id -> the child to follow) leads to. `through` a message
    (a search hit) shows the branch that holds it, and hidden messages if it is one."""
    with app.store.read() as session:
        view = _read(session, app, profile, conversation_id, choices, include_hidden, through)
    if view is None:
        raise UnknownConversation(
            f"There is no conversation {conversation_id} in the archive of profile {profile}."
        )
    return view


@dataclass(frozen=True)
class ShownMessage:
    """A message of `show_conversation`: its stored text, as the command line prints it."""

    node_id: str
    role: str
    content_type: str | None
    text: str
    create_time: float | None
    hidden: bool


@dataclass(frozen=True)
class ShownConversation:
    view: ReaderConversation  # the same branch the window shows
    messages: list[ShownMessage]

    @property
    def conversation_id(self) -> str:
        return self.view.conversation_id

    @property
    def title(self) -> str | None:
        return self.view.title


def show_conversation(
    app: App, conversation_id: str, profile: str = DEFAULT_PROFILE, *, include_hidden: bool = False
) -> ShownConversation:
    """The conversation's current branch as the window shows it (`read_conversation`), each
    message with its stored text; `include_hidden` adds hidden messages (a tool's plumbing,
    system prompts)."""
    view = read_conversation(app, profile, conversation_id, include_hidden=include_hidden)
    with app.store.read() as session:
        texts = sql.stored_texts(session, profile, conversation_id)
    messages = [
        ShownMessage(m.node_id, m.role, content_type, text, m.create_time, m.hidden)
        for m in view.messages
        for text, content_type in [texts.get(m.node_id, ("", None))]
    ]
    return ShownConversation(view, messages)


def read_conversations(
    app: App, profile: str, conversation_ids: Iterable[str], *, per_read: int = 100
) -> Generator[ReaderConversation | None, None, None]:
    """The current branch of each conversation named (None: not in the archive), in
    order, `per_read` to a read transaction: one transaction each cost a third of reading
    them (0.85 -> 0.60 ms a conversation), which an export of 53,000 pays in full. One is
    held at a time (a hundred parsed at once raised an export's peak RSS by 25 MB); close
    the iterator to end its transaction early."""
    ids = list(conversation_ids)
    for start in range(0, len(ids), per_read):
        with app.store.read() as session:
            for cid in ids[start : start + per_read]:
                yield _read(session, app, profile, cid)


def _read(
    session: Session,
    app: App,
    profile: str,
    conversation_id: str,
    choices: Mapping[str, str] | None = None,
    include_hidden: bool = False,
    through: str | None = None,
) -> ReaderConversation | None:
    stored = sql.conversation(session, profile, conversation_id)
    if stored is None:
        return None
    by_id = {n.node_id: n for n in stored.nodes}
    chosen = dict(choices or {})
    if through in by_id:
        chosen.update(_choices_through(by_id, through))
        include_hidden = include_hidden or by_id[through].hidden
    document = orjson.loads(stored.original_json)
    objects = vendor_named(stored.vendor).message_objects(document)
    children = _children(stored.nodes)
    messages: list[ReaderMessage] = []
    hidden_count = 0
    for node in branch(children, chosen):
        if node.role is None:  # the null root and other message-less nodes
            continue
        hidden = node.hidden  # the reader's rule (vendors/chatgpt.is_hidden), stored
        if hidden and not include_hidden:
            hidden_count += 1
            continue
        parent = node.parent_id if node.parent_id in by_id else None
        group = [c.node_id for c in children.get(parent, []) if c.role is not None]
        messages.append(
            ReaderMessage(
                node_id=node.node_id,
                parent_id=parent,
                role=node.role,
                author_name=node.author_name,
                create_time=node.create_time,
                hidden=hidden,
                in_export=node.in_export,
                siblings=tuple(group) if node.node_id in group else (node.node_id,),
                text_bytes=node.text_bytes,
                vendor=stored.vendor,
                source=objects.get(node.node_id),
            )
        )
    pointed_at = {
        asset
        for message in messages
        if message.source is not None
        for asset in vendor_named(stored.vendor).message_pointers(message.source)
    }
    return ReaderConversation(
        stored.conversation_id,
        stored.title,
        stored.vendor,
        stored.create_time,
        stored.update_time,
        messages,
        hidden_count,
        chosen,
        include_hidden,
        _kept_files(session, app, profile, pointed_at),
        document if isinstance(document, dict) else {},
    )


def _kept_files(
    session: Session, app: App, profile: str, asset_ids: set[str]
) -> dict[str, MediaFile]:
    if not asset_ids:
        return {}
    found = media_sql.resolve(session, profile, asset_ids)
    folder = app.media_folder()
    return {
        asset: MediaFile(
            asset,
            f.name,
            f.mime_type,
            f.bytes,
            f.sha256,
            f.width,
            f.height,
            folder.path(f.sha256),
        )
        for asset, f in found.items()
    }


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
        titles = sql.titles_of(session, profile, ranked)
        rowids = [best[cid].rowid for cid in ranked if cid in best]
        texts = sql.texts_for_excerpts(session, [r for r in rowids if r is not None])
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
        found = sql.matches_in_version(session, profile, conversation_id, fts_query(words))
    messages = [
        (node_id, len(match_spans(found[node_id], words)) or 1)
        for node_id in node_ids
        if node_id in found
    ]
    return FoundInConversation(words, messages)


def plain_marks(marked: str, start: str = "[", end: str = "]") -> str:
    return marked.replace(MATCH_START, start).replace(MATCH_END, end)


# -- media files --------------------------------------------------------------------------

SHOWN_IMAGES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
# Never handed to the system to open (they could run something): saved only.
RISKY_TYPES = frozenset(
    {
        "text/html",
        "application/xhtml+xml",
        "image/svg+xml",
        "application/javascript",
        "text/javascript",
        "application/x-msdownload",
        "application/x-msdos-program",
        "application/x-executable",
        "application/x-sh",
        "application/x-shellscript",
        "application/java-archive",
        "application/octet-stream",
    }
)
RISKY_EXTENSIONS = frozenset(
    {
        ".app",
        ".bat",
        ".cmd",
        ".com",
        ".command",
        ".cpl",
        ".desktop",
        ".exe",
        ".hta",
        ".htm",
        ".html",
        ".jar",
        ".js",
        ".lnk",
        ".msi",
        ".pif",
        ".ps1",
        ".py",
        ".reg",
        ".scr",
        ".sh",
        ".svg",
        ".vbs",
        ".ws",
        ".wsf",
        ".xhtml",
    }
)
_private_folder: Path | None = None


def safe_to_open(file: MediaFile) -> bool:
    """Whether "Open" may hand the file to the system: not HTML, SVG, a script or a program
    (by its type and by its name), nor bytes of unknown type."""
    suffix = Path(file.name).suffix.lower()
    return file.mime_type not in RISKY_TYPES and suffix not in RISKY_EXTENSIONS


def safe_file_name(name: str) -> str:
    """A name to suggest in a save dialog: the file's name without folders or characters
    Windows forbids (the person still chooses where it goes)."""
    cleaned = re.sub(r'[\x00-\x1f<>:"/\\|?*]', "_", name).strip(" .")
    return cleaned[:200] or "file"


def temporary_copy(file: MediaFile) -> Path:
    """A copy of the file to hand to another application, in a folder only this user can
    read (0700), named from its hash and its type, never from a name in the export."""
    global _private_folder
    try:
        if _private_folder is None or not _private_folder.is_dir():
            _private_folder = Path(tempfile.mkdtemp(prefix="desktop-importer-"))  # 0700
        extension = mimetypes.guess_extension(file.mime_type) or ".bin"
        copy = _private_folder / f"{file.sha256[:16]}{extension}"
        if not copy.exists():
            shutil.copyfile(file.path, copy)
            copy.chmod(0o600)
        return copy
    except OSError as e:
        raise EnvironmentProblem(
            f"{file.name} could not be copied for opening ({e.strerror or e})."
        ) from None


def save_copy(file: MediaFile, target: Path) -> None:
    """Save a copy of the file where the person chose."""
    try:
        shutil.copyfile(file.path, target)
    except OSError as e:
        raise EnvironmentProblem(
            f"{file.name} could not be saved to {target} ({e.strerror or e})."
        ) from None
