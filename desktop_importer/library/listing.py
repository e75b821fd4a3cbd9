"""The conversation list: a page at a time, newest first, as the window and the command
line list it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from desktop_importer.app import DEFAULT_PROFILE
from desktop_importer.store import listing as sql

if TYPE_CHECKING:
    from collections.abc import Iterator

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
    project: str | None = None,
    since: float | None = None,
    until: float | None = None,
    active: tuple[float, float] | None = None,
) -> list[ListRow]:
    """Up to `limit` conversations, newest first, after `after` (the last row's cursor);
    of one vendor, of one project (its id), last changed in [since, until), with a message
    in [active[0], active[1]) (Unix seconds), if asked."""
    with app.store.read() as session:
        return sql.page(
            session, profile, vendor=vendor, after=after, limit=limit, project=project,
            since=since, until=until, active=active,
        )  # fmt: skip


def published_version(app: App, profile: str, conversation_id: str) -> int | None:
    """The id of the conversation's published version, None if there is none: a cheap
    way to know that what was read of it is still what is published."""
    with app.store.read() as session:
        return sql.head_version(session, profile, conversation_id)


def conversation_heads(app: App, profile: str, conversation_ids: list[str]) -> dict[str, ListRow]:
    """The list's row of each conversation named, by id (those that exist)."""
    with app.store.read() as session:
        return sql.heads(session, profile, conversation_ids)


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
