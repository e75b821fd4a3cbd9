"""Reading the archive: list conversations, show one, search. Plain functions over the
same App as imports, so the CLI and the window read alike."""

from __future__ import annotations

from dataclasses import dataclass

from desktop_importer import library
from desktop_importer.app import App
from desktop_importer.errors import UnknownConversation
from desktop_importer.service import DEFAULT_PROFILE
from desktop_importer.store import queries


@dataclass(frozen=True)
class ConversationView:
    summary: queries.ConversationSummary
    messages: list[queries.PathMessage]


def show_conversation(
    app: App, conversation_id: str, profile: str = DEFAULT_PROFILE, *, include_hidden: bool = False
) -> ConversationView:
    """The conversation's current path as the vendor's UI shows it; `include_hidden` adds
    hidden messages (a tool's plumbing, system prompts)."""
    with app.store.read() as session:
        found = queries.current_path(session, profile, conversation_id)
    if found is None:
        raise UnknownConversation(
            f"There is no conversation {conversation_id} in the archive of profile {profile}."
        )
    summary, messages = found
    if not include_hidden:
        messages = [m for m in messages if not m.hidden]
    return ConversationView(summary, messages)


def search_archive(
    app: App, words: str, profile: str = DEFAULT_PROFILE, *, limit: int = 20
) -> list[queries.SearchHit]:
    """The library's search (bounded, CJK-aware), with matched words in [brackets]."""
    return [
        queries.SearchHit(
            r.conversation_id,
            r.title,
            library.plain_marks(r.snippet or r.marked_title or ""),
            r.node_id,
            r.rank,
        )
        for r in library.search(app, profile, words, limit=limit)
    ]
