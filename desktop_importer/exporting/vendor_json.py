"""A conversation as the vendor exported it (its stored original JSON)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import orjson

from desktop_importer.importing.merge import KEPT_MARKER, response_id
from desktop_importer.vendors import gemini, lechat

if TYPE_CHECKING:
    pass

# -- the vendor's JSON --------------------------------------------------------------------


def vendor_json(document: Mapping[str, Any]) -> bytes:
    """The conversation as its latest export wrote it: the nodes kept from earlier exports
    (merge.py) taken out again."""
    data = dict(document)
    if isinstance(data.get("mapping"), dict):
        data["mapping"] = dict(data["mapping"])
    kept = set(data.pop(KEPT_MARKER, None) or [])
    if kept:
        mapping = data.get("mapping")
        if isinstance(mapping, dict):
            for node_id in kept:
                mapping.pop(node_id, None)
        messages = data.get("chat_messages")
        if isinstance(messages, list):
            data["chat_messages"] = [
                m for m in messages if not (isinstance(m, dict) and m.get("uuid") in kept)
            ]
        responses = data.get("responses")  # Grok's
        if isinstance(responses, list):
            data["responses"] = [r for r in responses if response_id(r) not in kept]
        chat = data.get(lechat.WRAPPED)
        if isinstance(chat, list):
            data[lechat.WRAPPED] = [
                m for m in chat if not (isinstance(m, dict) and m.get("id") in kept)
            ]
    if gemini.looks_like(data):  # Takeout's entries, newest first (the latest Takeout's)
        entries = gemini.unwrapped({**data, gemini.GROUPED: _latest_entries(data, kept)})
        return orjson.dumps(entries, option=orjson.OPT_INDENT_2) + b"\n"
    if lechat.looks_like(data):  # Le Chat's file is the bare array
        return orjson.dumps(lechat.unwrapped(data), option=orjson.OPT_INDENT_2) + b"\n"
    return orjson.dumps(data, option=orjson.OPT_INDENT_2) + b"\n"


def _latest_entries(data: Mapping[str, Any], kept: set[str]) -> list[Any]:
    """A Gemini conversation's entries without those kept from earlier Takeouts only."""
    if not kept:
        return gemini.entries_of(data)
    return [
        entry for entry in gemini.entries_of(data)
        if not all(node in kept for node, *_ in gemini.message_nodes({gemini.GROUPED: [entry]}))
    ]  # fmt: skip
