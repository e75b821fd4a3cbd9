"""DeepSeek ("Export all history"): a conversation object of `conversations.json` read once,
into its tree, its current path and each message's blocks (../shared/EXPORT_FORMATS.md,
"DeepSeek").

The tree is a `mapping` like ChatGPT's, with a null `root`; a message has no role but
`fragments`: REQUEST (the person), THINK (a thought, folded), RESPONSE (the answer) and
SEARCH (the pages the answer cites by `[citation:n]`). An older shape had `content` and
`reasoning_content` instead. The export names no current branch: the newest leaf's path
is current, and the tree (never the clock: an answer can be stamped a few milliseconds
before its prompt) orders each branch.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

from desktop_importer.basics.markdown import escape_markdown
from desktop_importer.vendors.blocks import Block, plain_text, raw, unread
from desktop_importer.vendors.parsed import (
    ParsedConversation,
    ParsedMessage,
    UnreadableConversation,
    original_json,
)
from desktop_importer.vendors.timestamps import iso_seconds
from desktop_importer.vendors.tree import current_path, mapping_tree
from desktop_importer.vendors.values import as_dict, as_int, as_list, as_text

NAME = "deepseek"
PERSON = "REQUEST"
ANSWER_KINDS = frozenset({"THINK", "RESPONSE", "SEARCH"})


def looks_like(obj: Mapping[str, Any]) -> bool:
    """A `mapping` whose messages carry `fragments` (or the older `reasoning_content`), or a
    conversation stamped `inserted_at` as DeepSeek stamps them (ChatGPT's times are
    numbers named `create_time`)."""
    mapping = obj.get("mapping")
    if not isinstance(mapping, dict):
        return False
    if isinstance(obj.get("inserted_at"), str) and "create_time" not in obj:
        return True
    for node in mapping.values():
        message = node.get("message") if isinstance(node, dict) else None
        if isinstance(message, dict):
            return "fragments" in message or "reasoning_content" in message
    return False


def has_hidden_blocks(content_type: str | None) -> bool:
    return False


def message_objects(conversation: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    """Each node id of a stored conversation's JSON to its message object."""
    return {
        key: node["message"]
        for key, node in as_dict(conversation.get("mapping")).items()
        if isinstance(node, dict) and isinstance(node.get("message"), dict)
    }


def message_pointers(message: Mapping[str, Any]) -> list[str]:
    """None: DeepSeek's export holds the text of a file, never its bytes."""
    return []


def export_pointers(conversation: Mapping[str, Any]) -> set[str]:
    return set()


def fragments(message: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [f for f in as_list(message.get("fragments")) if isinstance(f, dict)]


def role_of(message: Mapping[str, Any], depth: Callable[[], int]) -> str:
    """Who wrote a message: the person when it holds a REQUEST; in the older shape, its
    `role` where it has one, else the assistant when it reasoned, else by its turn (the
    person speaks first)."""
    kinds = {as_text(f.get("type")) for f in fragments(message)}
    if kinds:
        return "user" if PERSON in kinds else "assistant"
    named = (as_text(message.get("role")) or "").lower()
    if named in ("user", "assistant", "system"):
        return named
    if isinstance(message.get("reasoning_content"), str):
        return "assistant"
    return "user" if depth() % 2 == 1 else "assistant"


# `[citation:3]`: the answer's marker for the third page its SEARCH fragment lists.
_CITATION = re.compile(r"\[citation:(\d{1,4})\]")


def _sources(found: list[Mapping[str, Any]]) -> dict[int, Mapping[str, Any]]:
    """The pages of a message's SEARCH fragments by their cite index (1, 2… in their order
    where a page has none)."""
    pages: dict[int, Mapping[str, Any]] = {}
    for fragment in found:
        if fragment.get("type") != "SEARCH":
            continue
        for number, result in enumerate(as_list(fragment.get("results")), start=1):
            if isinstance(result, dict):
                pages.setdefault(as_int(result.get("cite_index")) or number, result)
    return pages


def _link(page: Mapping[str, Any]) -> str:
    """A cited page as inert Markdown: its title linked where its address is a web one."""
    url = as_text(page.get("url")) or ""
    words = " ".join((as_text(page.get("title")) or as_text(page.get("site_name")) or url).split())
    escaped = escape_markdown(words or "source")
    if url.startswith(("http://", "https://")) and not any(c in url for c in " <>\n"):
        return f"[{escaped}](<{url}>)"
    return escaped


def resolve_citations(text: str, pages: Mapping[int, Mapping[str, Any]]) -> str:
    """`[citation:n]` replaced by the page it points at, as the app shows a chip; a marker
    no page answers is dropped (the app shows nothing for it)."""
    if "[citation:" not in text:
        return text

    def replace(match: re.Match[str]) -> str:
        page = pages.get(int(match.group(1)))
        return f" ({_link(page)})" if page is not None else ""

    return _CITATION.sub(replace, text)


def _citation(page: Mapping[str, Any]) -> Block:
    title = as_text(page.get("title")) or as_text(page.get("site_name"))
    return Block(
        "citation",
        title=title,
        url=as_text(page.get("url")),
        text=as_text(page.get("snippet")) or "",
    )


def blocks(message: Mapping[str, Any]) -> list[Block]:
    """One message's blocks: its thought, its answer (citations resolved), the pages it
    cites, the files the person gave (their extracted text), what this version cannot
    read (kept raw)."""
    found = fragments(message)
    pages = _sources(found)
    made: list[Block] = []
    if not found:  # the older shape
        if thought := as_text(message.get("reasoning_content")):
            made.append(Block("thoughts", text=thought))
        if text := as_text(message.get("content")):
            made.append(Block("text", text=resolve_citations(text, pages)))
    for fragment in found:
        kind = as_text(fragment.get("type")) or "(none)"
        content = as_text(fragment.get("content")) or ""
        if kind == PERSON:
            made.append(Block("text", text=content))
        elif kind == "THINK":
            made.append(Block("thoughts", text=content))
        elif kind == "RESPONSE":
            made.append(Block("text", text=resolve_citations(content, pages)))
        elif kind != "SEARCH":
            made.append(Block("unknown", text=kind, raw=raw(fragment)))
    made += [_citation(page) for _, page in sorted(pages.items())]
    for file in as_list(message.get("files")):
        if isinstance(file, dict):
            made.append(
                Block(
                    "attachment",
                    name=as_text(file.get("file_name")) or as_text(file.get("name")),
                    text=as_text(file.get("content")) or "",
                )
            )
    return [b for b in made if b.kind != "text" or b.text]


def _content_type(message: Mapping[str, Any]) -> str:
    kinds: list[str] = []
    for fragment in fragments(message):
        kind = (as_text(fragment.get("type")) or "(none)").lower()
        if kind not in kinds:
            kinds.append(kind)
    return "+".join(kinds) or "text"


def model_of(conversation: Mapping[str, Any]) -> str | None:
    """The model of the conversation's latest prompt (the one the person picked)."""
    latest: tuple[float, str] | None = None
    for message in message_objects(conversation).values():
        model = as_text(message.get("model"))
        stamp = iso_seconds(message.get("inserted_at"))
        if model and (latest is None or (stamp or 0.0) >= latest[0]):
            latest = (stamp or 0.0, model)
    return latest[1] if latest else None


def url_of(conversation: Mapping[str, Any]) -> str | None:
    cid = as_text(conversation.get("id"))
    return f"https://chat.deepseek.com/a/chat/s/{cid}" if cid else None


def parse(obj: Mapping[str, Any]) -> ParsedConversation:
    conversation_id = as_text(obj.get("id"))
    if not conversation_id:
        raise UnreadableConversation("it has no conversation id")
    mapping = obj.get("mapping")
    if not isinstance(mapping, dict):
        raise UnreadableConversation("its message tree (mapping) is missing", conversation_id)
    order, parents, times, nodes = mapping_tree(mapping, _inserted_at)
    if not order:
        raise UnreadableConversation("its message tree is empty", conversation_id)
    on_path = {node: i for i, node in enumerate(current_path(order, parents, times, None))}
    unread_kinds: Counter[str] = Counter()
    raw_json, content_hash = original_json(obj)
    messages: list[ParsedMessage] = []
    for position, key in enumerate(order):
        message = nodes[key].get("message")
        parent = parents[key] if parents[key] in nodes else None
        if not isinstance(message, dict):
            root = (key, parent, position, on_path.get(key), None, None, None, "", None, True)
            messages.append(ParsedMessage(*root))
            continue
        found = blocks(message)
        unknown = unread(found)
        unread_kinds.update(b.text for b in unknown)
        messages.append(
            ParsedMessage(
                key,
                parent,
                position,
                on_path.get(key),
                role_of(message, partial(_depth, key, parents)),
                None,
                _content_type(message),
                plain_text(found),
                times[key],
                False,
                f"[{','.join(b.raw or 'null' for b in unknown)}]" if unknown else None,
            )
        )
    return ParsedConversation(
        conversation_id=conversation_id,
        vendor=NAME,
        title=as_text(obj.get("title")),
        create_time=iso_seconds(obj.get("inserted_at")),
        update_time=iso_seconds(obj.get("updated_at")),
        current_node=None,
        messages=messages,
        raw_json=raw_json,
        content_hash=content_hash,
        unread_content=unread_kinds,
    )


def _inserted_at(message: Mapping[str, Any]) -> float | None:
    return iso_seconds(message.get("inserted_at"))


def _depth(node: str, parents: Mapping[str, str | None]) -> int:
    """How many messages lie above a node (the null root counts as none)."""
    depth, seen = 0, {node}
    parent = parents.get(node)
    while parent is not None and parent in parents and parent not in seen:
        seen.add(parent)
        depth += 1
        parent = parents[parent]
    return depth
