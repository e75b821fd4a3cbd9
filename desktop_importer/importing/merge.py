"""Merging a newer export's version of a conversation with the one the archive holds.

Exports are cumulative but people delete branches online and still want them here: the
newer tree wins node by node, nodes it lacks are kept and marked as no longer in the
export, and the current path is the newer export's.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

import orjson

from desktop_importer.vendors import gemini
from desktop_importer.vendors.lechat import WRAPPED as LECHAT_MESSAGES
from desktop_importer.vendors.parsed import ParsedConversation, ParsedMessage

KEPT_MARKER = "desktop_importer_kept_nodes"


def _keep_chatgpt_nodes(new: dict[str, Any], old: dict[str, Any], kept: set[str]) -> None:
    mapping, old_mapping = new.get("mapping"), old.get("mapping")
    if isinstance(mapping, dict) and isinstance(old_mapping, dict):
        for node_id in kept:
            if node_id in old_mapping:
                mapping[node_id] = old_mapping[node_id]


def _keep_claude_messages(new: dict[str, Any], old: dict[str, Any], kept: set[str]) -> None:
    messages, old_messages = new.get("chat_messages"), old.get("chat_messages")
    if isinstance(messages, list) and isinstance(old_messages, list):
        messages.extend(m for m in old_messages if isinstance(m, dict) and m.get("uuid") in kept)


def _keep_grok_responses(new: dict[str, Any], old: dict[str, Any], kept: set[str]) -> None:
    items, old_items = new.get("responses"), old.get("responses")
    if isinstance(items, list) and isinstance(old_items, list):
        items.extend(i for i in old_items if response_id(i) in kept)


def response_id(item: object) -> object:
    """A Grok item's response id (`{response: {_id}}`), else None."""
    response = item.get("response") if isinstance(item, dict) else None
    return response.get("_id") if isinstance(response, dict) else None


def _keep_lechat_messages(new: dict[str, Any], old: dict[str, Any], kept: set[str]) -> None:
    messages, old_messages = new.get(LECHAT_MESSAGES), old.get(LECHAT_MESSAGES)
    if isinstance(messages, list) and isinstance(old_messages, list):
        messages.extend(m for m in old_messages if isinstance(m, dict) and m.get("id") in kept)


RAW_MERGERS: dict[str, Callable[[dict[str, Any], dict[str, Any], set[str]], None]] = {
    "chatgpt": _keep_chatgpt_nodes,
    "deepseek": _keep_chatgpt_nodes,  # the same `mapping` tree
    "claude": _keep_claude_messages,
    "grok": _keep_grok_responses,
    "lechat": _keep_lechat_messages,
    "gemini": gemini.keep_entries,
}


def merge(
    incoming: ParsedConversation, stored: Sequence[ParsedMessage], stored_raw: bytes
) -> ParsedConversation:
    """The incoming conversation plus every stored node it lacks (kept, marked, off-path).

    The original JSON is merged the same way and lists the kept nodes, so that a later
    reader re-deriving the archive from it finds the same tree. The content hash stays the
    incoming export's, which is what later exports are compared with.
    """
    arriving = {m.node_id for m in incoming.messages}
    base = len(incoming.messages)
    kept = [
        m._replace(in_export=False, path_index=None, position=base + i)
        for i, m in enumerate(m for m in stored if m.node_id not in arriving)
    ]
    if not kept:
        return incoming
    kept_ids = {m.node_id for m in kept}
    raw = orjson.loads(incoming.raw_json)
    old = orjson.loads(stored_raw)
    merger = RAW_MERGERS.get(incoming.vendor)
    if merger is not None and isinstance(raw, dict) and isinstance(old, dict):
        merger(raw, old, kept_ids)
        raw[KEPT_MARKER] = sorted(kept_ids)
        if incoming.vendor == gemini.NAME:  # a log's window moved: the old entries come first
            whole = gemini.parse(raw)
            return replace(
                incoming,
                title=whole.title,
                create_time=whole.create_time,
                current_node=whole.current_node,
                messages=[m._replace(in_export=m.node_id not in kept_ids) for m in whole.messages],
                raw_json=orjson.dumps(raw),
            )
    return replace(
        incoming,
        messages=[*incoming.messages, *kept],
        raw_json=orjson.dumps(raw),
    )
