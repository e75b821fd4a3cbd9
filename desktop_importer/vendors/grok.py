"""Grok (xAI's data export): an item of `prod-grok-backend.json`'s `conversations`, read once
into its tree, its current path and each response's blocks; and an Imagine post of its
`media_posts`, read as a conversation of its prompt and the picture (../shared/
EXPORT_FORMATS.md, "Grok").

A conversation item wraps twice: `{conversation: {...}, responses: [{response: {...}}]}`.
Responses form a tree by `parent_response_id` (the first turn's parent is a root the export
does not hold); the export names no current leaf, so the newest leaf's path is current.
An answer's text carries Grok's own markup: inline citations (`<grok:render …>`), resolved
into the pages its cards name and never shown raw, and artifacts (`<xaiArtifact …>`), shown
as documents. Its files are assets (`prod-mc-asset-server/<id>/content`), whose type only
their bytes tell.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import orjson

from desktop_importer.basics.markdown import escape_markdown, is_safe_link
from desktop_importer.vendors.blocks import Block, plain_text, raw, unread
from desktop_importer.vendors.parsed import (
    STARRED,
    ParsedConversation,
    ParsedMessage,
    UnreadableConversation,
    original_json,
)
from desktop_importer.vendors.timestamps import any_time
from desktop_importer.vendors.tree import current_path
from desktop_importer.vendors.values import as_dict, as_list, as_text

NAME = "grok"
PEOPLE = frozenset({"human", "user"})
POSTS = "media_posts"  # the backend file's list of Imagine posts, read after conversations


def looks_like(obj: Mapping[str, Any]) -> bool:
    return (isinstance(obj.get("conversation"), dict) and "responses" in obj) or is_post(obj)


def is_post(obj: Mapping[str, Any]) -> bool:
    """An Imagine post: a prompt and the picture or video it made."""
    return "original_prompt" in obj and "media_type" in obj


def has_hidden_blocks(content_type: str | None) -> bool:
    return False


def responses(conversation: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The conversation's responses (each unwrapped from its `{response: …}`)."""
    found: list[Mapping[str, Any]] = []
    for item in as_list(conversation.get("responses")):
        response = item.get("response") if isinstance(item, dict) else None
        if isinstance(response, dict):
            found.append(response)
    return found


def node_id_of(response: Mapping[str, Any], index: int) -> str:
    return as_text(response.get("_id")) or as_text(response.get("id")) or f"response-{index}"


def message_objects(conversation: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    if is_post(conversation):  # the prompt as the person's turn, the picture as Grok's
        prompt = {"message": as_text(conversation.get("original_prompt")) or "", "sender": "human"}
        return {POST_PROMPT: prompt, POST_MEDIA: {POST_KEY: conversation}}
    found: dict[str, Mapping[str, Any]] = {}
    for index, response in enumerate(responses(conversation)):
        found.setdefault(node_id_of(response, index), response)
    return found


# -- files --------------------------------------------------------------------------------

_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def _asset(value: Any) -> str | None:
    """An asset's id: a string that is one, or the uuid in a generated image's address."""
    text = as_text(value)
    if not text or len(text) > 2000:
        return None
    if "/" not in text and len(text) <= 200:
        return text
    found = _UUID.findall(text)
    return found[-1] if found else None


def message_pointers(message: Mapping[str, Any]) -> list[str]:
    """The assets a response points at: the files the person attached, the images Grok
    made; an Imagine post's picture (the asset named by the post's id)."""
    if POST_KEY in message:
        post = as_text(as_dict(message[POST_KEY]).get("id"))
        return [post] if post else []
    found = [a for v in as_list(message.get("file_attachments")) if (a := _asset(v))]
    found += [a for v in as_list(message.get("generated_image_urls")) if (a := _asset(v))]
    return list(dict.fromkeys(found))


def export_pointers(conversation: Mapping[str, Any]) -> set[str]:
    if is_post(conversation):
        return set(message_pointers({POST_KEY: conversation}))
    return {p for r in responses(conversation) for p in message_pointers(r)}


# -- a response's blocks ------------------------------------------------------------------

_RENDER = re.compile(r"<grok:render\b[^>]*?(?:/>|>.*?</grok:render>)", re.DOTALL)
_CARD_ID = re.compile(r"""card_id\s*=\s*["']([^"']{1,200})["']""")
_OTHER_TAG = re.compile(r"</?(?:grok|xai):[\w-]+\b[^>]*>")
_ARTIFACT = re.compile(r"<xaiArtifact\b([^>]*)>(.*?)(?:</xaiArtifact>|\Z)", re.DOTALL)
_ATTRIBUTE = re.compile(r"""([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def _cards(response: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    """The response's cards by id (each a JSON string in the export)."""
    cards: dict[str, Mapping[str, Any]] = {}
    for item in as_list(response.get("card_attachments_json")):
        card: Any = item
        if isinstance(item, str):
            try:
                card = orjson.loads(item)
            except orjson.JSONDecodeError:
                continue
        if isinstance(card, dict) and (card_id := as_text(card.get("id"))):
            cards[card_id] = card
    return cards


def _pages(response: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [p for p in as_list(response.get("cited_web_search_results")) if isinstance(p, dict)]


def _link(url: str, title: str | None) -> str:
    """A page as inert Markdown: its title (else its site) linked where the address is a web
    one, else its words."""
    words = " ".join((title or urlsplit(url).hostname or url).split())
    escaped = escape_markdown(words or "source")
    if is_safe_link(url) and not any(c in url for c in " <>\n"):
        return f"[{escaped}](<{url}>)"
    return escaped


def resolve_markup(text: str, response: Mapping[str, Any]) -> str:
    """Grok's inline citations replaced by the pages their cards name (as the app shows a
    chip), any other Grok tag taken out: none of it is ever shown raw."""
    if "<grok:" not in text and "<xai:" not in text:
        return text
    cards = _cards(response)
    titles = {as_text(p.get("url")): as_text(p.get("title")) for p in _pages(response)}

    def replace(match: re.Match[str]) -> str:
        found = _CARD_ID.search(match.group(0))
        card = cards.get(found.group(1)) if found else None
        url = as_text(card.get("url")) if card else None
        return f" ({_link(url, titles.get(url))})" if url else ""

    return _OTHER_TAG.sub("", _RENDER.sub(replace, text))


def _artifact(attributes: str, content: str) -> Block:
    """An artifact as the app shows it beside the answer: a document, or code in its
    language; never run or rendered."""
    found = {
        m.group(1).lower(): m.group(2) or m.group(3) or "" for m in _ATTRIBUTE.finditer(attributes)
    }
    kind = html.unescape(found.get("contenttype", "")).lower()
    title = html.unescape(found.get("title", "")) or "Untitled artifact"
    if kind in ("text/markdown", "text/plain", ""):
        form = "document"
    else:
        language = kind.rsplit("/", 1)[-1].removeprefix("x-")
        form = f"code/{language or 'text'}"
    return Block("canvas", title=title, language=form, text=content.strip("\n"))


def _text_blocks(text: str, response: Mapping[str, Any]) -> list[Block]:
    """The answer's text, its artifacts cut out as documents in their places."""
    if "<xaiArtifact" not in text:
        return [Block("text", text=resolve_markup(text, response))]
    found: list[Block] = []
    at = 0
    for match in _ARTIFACT.finditer(text):
        before = text[at : match.start()].strip("\n")
        found.append(Block("text", text=resolve_markup(before, response)))
        found.append(_artifact(match.group(1), match.group(2)))
        at = match.end()
    found.append(Block("text", text=resolve_markup(text[at:].strip("\n"), response)))
    return [b for b in found if b.kind != "text" or b.text.strip()]


_TOOL_NAME = re.compile(r"<xai:tool_name>([^<]{1,100})</xai:tool_name>")
_TOOL_ARGS = re.compile(r"<xai:tool_args>(.*?)</xai:tool_args>", re.DOTALL)


def _steps(response: Mapping[str, Any]) -> list[Block]:
    """What Grok did on the way (searched, read pages), folded as tool calls."""
    found = []
    for step in as_list(response.get("steps")):
        if not isinstance(step, dict):
            continue
        words = as_text(step.get("tagged_text")) or as_text(step.get("text")) or ""
        tool = _TOOL_NAME.search(words)
        arguments = _TOOL_ARGS.search(words)
        if tool:
            words = arguments.group(1) if arguments else _TOOL_NAME.sub("", words)
        shown = "\n".join(p.strip() for p in _OTHER_TAG.split(words) if p.strip())
        if shown or tool:
            found.append(Block("tool_call", name=tool.group(1) if tool else "step", text=shown))
    return found


def blocks(message: Mapping[str, Any]) -> list[Block]:
    """A response's blocks: its thinking (folded), the steps it took, its answer with the
    citations resolved and artifacts as documents, the pages it cites, its files."""
    if POST_KEY in message:
        return _post_media(as_dict(message[POST_KEY]))
    made: list[Block] = []
    if thought := as_text(message.get("thinking_trace")):
        made.append(Block("thoughts", text=thought))
    made += _steps(message)
    text = as_text(message.get("message"))
    if text:
        made += _text_blocks(text, message)
    elif "message" in message and message.get("message") is not None:
        made.append(Block("unknown", text="message", raw=raw(message.get("message"))))
    seen: set[str] = set()
    for page in _pages(message):
        url = as_text(page.get("url"))
        if url and url not in seen:
            seen.add(url)
            made.append(
                Block(
                    "citation",
                    title=as_text(page.get("title")),
                    url=url,
                    text=as_text(page.get("preview")) or "",
                )
            )
    generated = {a for v in as_list(message.get("generated_image_urls")) if (a := _asset(v))}
    for pointer in message_pointers(message):
        made.append(Block("image" if pointer in generated else "file", pointer=pointer))
    return [b for b in made if b.kind != "text" or b.text]


POST_PROMPT, POST_MEDIA = "prompt", "media"  # an Imagine post's two messages
POST_KEY = "imagine_post"  # the media message's object: the post it shows


def _post_media(post: Mapping[str, Any]) -> list[Block]:
    kind = (as_text(post.get("media_type")) or "").lower()
    caption = as_text(post.get("original_prompt")) or ""
    return [
        Block(
            "image" if "video" not in kind else "file",
            pointer=pointer,
            text=caption,
            name="Imagine " + ("video" if "video" in kind else "image"),
        )
        for pointer in message_pointers({POST_KEY: post})
    ]


# -- the conversation ---------------------------------------------------------------------


def model_of(conversation: Mapping[str, Any]) -> str | None:
    """The model that gave the latest answer (`resolved_model`; `model` holds the picker's
    name, such as "build", where the export has nothing better)."""
    latest: tuple[float, str] | None = None
    for response in responses(conversation):
        metadata = as_dict(as_dict(response.get("metadata")).get("request_metadata"))
        model = as_text(metadata.get("resolved_model")) or as_text(response.get("model"))
        stamp = any_time(response.get("create_time")) or 0.0
        if model and (latest is None or stamp >= latest[0]):
            latest = (stamp, model)
    return latest[1] if latest else None


def url_of(conversation: Mapping[str, Any]) -> str | None:
    if is_post(conversation):
        link = as_text(conversation.get("link"))
        return link if link and is_safe_link(link) else None
    cid = as_text(as_dict(conversation.get("conversation")).get("id"))
    return f"https://grok.com/chat/{cid}" if cid else None


def _role(response: Mapping[str, Any]) -> str:
    """`human` in any case is the person; `assistant`, `ASSISTANT` or a model's name is
    Grok."""
    sender = (as_text(response.get("sender")) or "").strip().lower()
    return "user" if sender in PEOPLE else "assistant"


def parse(obj: Mapping[str, Any]) -> ParsedConversation:
    if is_post(obj):
        return _parse_post(obj)
    head = as_dict(obj.get("conversation"))
    conversation_id = as_text(head.get("id"))
    if not conversation_id:
        raise UnreadableConversation("it has no conversation id")
    listed = responses(obj)
    if not listed:
        raise UnreadableConversation("it has no responses", conversation_id)
    order: list[str] = []
    parents: dict[str, str | None] = {}
    times: dict[str, float | None] = {}
    by_id: dict[str, Mapping[str, Any]] = {}
    linked = any("parent_response_id" in r for r in listed)
    previous: str | None = None
    for index, response in enumerate(listed):
        node_id = node_id_of(response, index)
        if node_id in by_id:
            continue
        parent = as_text(response.get("parent_response_id")) if linked else previous
        order.append(node_id)
        parents[node_id] = parent if parent != node_id else None
        times[node_id] = any_time(response.get("create_time"))
        by_id[node_id] = response
        previous = node_id
    parents = {n: p if p in by_id else None for n, p in parents.items()}  # the unseen root
    current = as_text(head.get("leaf_response_id"))
    on_path = {n: i for i, n in enumerate(current_path(order, parents, times, current))}
    unread_kinds: Counter[str] = Counter()
    raw_json, content_hash = original_json(obj)
    messages: list[ParsedMessage] = []
    for position, node_id in enumerate(order):
        response = by_id[node_id]
        found = blocks(response)
        unknown = unread(found)
        unread_kinds.update(b.text for b in unknown)
        messages.append(
            ParsedMessage(
                node_id,
                parents[node_id],
                position,
                on_path.get(node_id),
                _role(response),
                None,
                "+".join(dict.fromkeys(b.kind for b in found)) or "text",
                plain_text(found),
                times[node_id],
                False,
                f"[{','.join(b.raw or 'null' for b in unknown)}]" if unknown else None,
            )
        )
    return ParsedConversation(
        conversation_id=conversation_id,
        vendor=NAME,
        title=as_text(head.get("title")),
        create_time=any_time(head.get("create_time")),
        update_time=any_time(head.get("modify_time")),
        current_node=current,
        messages=messages,
        raw_json=raw_json,
        content_hash=content_hash,
        unread_content=unread_kinds,
        flags=STARRED if head.get("starred") is True else 0,
    )


def _parse_post(post: Mapping[str, Any]) -> ParsedConversation:
    """An Imagine post as a conversation: the prompt the person wrote, and what it made."""
    post_id = as_text(post.get("id"))
    if not post_id:
        raise UnreadableConversation("it is an Imagine post without an id")
    prompt = as_text(post.get("original_prompt")) or ""
    made = any_time(post.get("create_time"))
    raw_json, content_hash = original_json(post)
    media = _post_media(post)
    kind = "+".join(dict.fromkeys(b.kind for b in media)) or "text"
    messages = [
        ParsedMessage(POST_PROMPT, None, 0, 0, "user", None, "text", prompt, made, False),
        ParsedMessage(
            POST_MEDIA, POST_PROMPT, 1, 1, "assistant", None, kind, plain_text(media), made, False
        ),
    ]
    title = " ".join(prompt.split())
    return ParsedConversation(
        conversation_id=post_id,
        vendor=NAME,
        title=f"Imagine: {title[:80]}" if title else "Imagine",
        create_time=made,
        update_time=made,
        current_node=POST_MEDIA,
        messages=messages,
        raw_json=raw_json,
        content_hash=content_hash,
    )
