"""Projects and memory as the window, the command line and the export read them: Claude's
projects (name, description, instructions, documents) and what Claude remembers, from the
newest export that held them; ChatGPT's projects, which its export knows only by id in each
conversation, under the name the person gave them.

    for row in list_projects(app, "default"): ...
    view = read_project(app, "default", row.vendor, row.project_id)
    memory = read_memories(app, "default")
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import orjson

from desktop_importer.store import projects as sql
from desktop_importer.vendors.claude_projects import (
    NO_LINK,
    MemoryPage,
    ProjectPage,
    memory_page,
    project_page,
)

if TYPE_CHECKING:
    from desktop_importer.app import App


NO_NAMES = (
    "ChatGPT's export names no project, only which conversations belong to one: give this "
    "one a name here, and later imports keep it."
)


unnamed = sql.unnamed


@dataclass(frozen=True)
class ProjectRow:
    vendor: str
    project_id: str
    name: str
    description: str
    documents: int
    updated_at: float | None
    conversations: int = 0  # the visible conversations that say they belong to it


@dataclass(frozen=True)
class ProjectView:
    vendor: str
    page: ProjectPage
    remembered: str  # what the memory holds of this project ("" if nothing)
    exported_at: float  # the export it is from
    no_link: str  # why no conversations are listed with it
    original: Any  # the vendor's own object (the JSON export gives it back)
    conversations: int = 0  # those the list shows for it (where the export says)
    nameable: bool = False  # its name is the person's to give (the export has none)


@dataclass(frozen=True)
class MemoryView:
    vendor: str
    account: str
    page: MemoryPage
    project_names: dict[str, str]  # the ids the page names, as the projects kept call them
    exported_at: float
    original: Any


def _json(raw: bytes | None) -> Any:
    return orjson.loads(zlib.decompress(raw)) if raw else {}


def kept_counts(app: App, profile: str) -> tuple[int, int]:
    """How many projects and memories the archive keeps."""
    with app.store.read() as session:
        return sql.counts(session, profile)


def list_projects(app: App, profile: str) -> list[ProjectRow]:
    """Every project kept, named or that conversations belong to, by name."""
    with app.store.read() as session:
        kept = sql.projects(session, profile)
        counted = sql.conversation_projects(session, profile)
    rows = []
    for project in kept:
        key = (project.vendor, project.project_id)
        page = project_page(_json(project.raw_zlib)) if project.raw_zlib else None
        rows.append(
            ProjectRow(
                project.vendor,
                project.project_id,
                project.given_name or (page.name if page else unnamed(project.project_id)),
                page.description if page else "",
                len(page.documents) if page else 0,
                page.updated_at if page else None,
                counted.pop(key, 0),
            )
        )
    rows += [
        ProjectRow(vendor, project_id, unnamed(project_id), "", 0, None, count)
        for (vendor, project_id), count in counted.items()
    ]
    return sorted(rows, key=lambda r: (r.name.casefold(), r.project_id))


def name_project(app: App, profile: str, vendor: str, project_id: str, name: str) -> None:
    """Give a project the person's name ("" takes it back); kept across imports."""
    with app.store.write() as session:
        sql.give_name(session, profile, vendor, project_id, name.strip()[:200] or None)


def project_names(app: App, profile: str) -> dict[tuple[str, str], str]:
    """(vendor, project id) -> the name shown, for every project, by name: no project's
    JSON is read (the Projects page's chooser, the export and the command line ask)."""
    with app.store.read() as session:
        named = sql.project_names(session, profile)
        counted = sql.conversation_projects(session, profile)
    names = {**{key: unnamed(key[1]) for key in counted}, **named}
    return dict(sorted(names.items(), key=lambda item: (item[1].casefold(), item[0][1])))


def grouped_projects(app: App, profile: str) -> list[tuple[str, str, int]]:
    """(project id, name, conversations) of each project conversations belong to, by
    name: the list's filter."""
    with app.store.read() as session:
        named = sql.project_names(session, profile)
        counted = sql.conversation_projects(session, profile)
    found = [(p, named.get((v, p)) or unnamed(p), n) for (v, p), n in counted.items()]
    return sorted(found, key=lambda row: (row[1].casefold(), row[0]))


def read_project(app: App, profile: str, vendor: str, project_id: str) -> ProjectView | None:
    """One project's page, or None if the archive holds no such project."""
    with app.store.read() as session:
        found = sql.project(session, profile, vendor, project_id)
        memories = sql.memories(session, profile)
        count = sql.conversation_projects(session, profile).get((vendor, project_id), 0)
    if found is None and not count:
        return None
    if found is None or found.raw_zlib is None:  # known by its id only (ChatGPT's)
        name = found.given_name if found is not None and found.given_name else None
        page = ProjectPage(project_id, name or unnamed(project_id), "", "", None, None, ())
        seen = found.seen_at if found is not None else 0.0
        return ProjectView(vendor, page, "", seen, NO_NAMES, None, count, nameable=True)
    original = _json(found.raw_zlib)
    remembered = next(
        (
            text
            for kept_vendor, _, _, raw in memories
            if kept_vendor == vendor
            for key, text in memory_page(_json(raw)).projects
            if key == project_id
        ),
        "",
    )
    page = project_page(original)
    if found.given_name:
        page = replace(page, name=found.given_name)
    return ProjectView(vendor, page, remembered, found.seen_at, NO_LINK, original, count)


def read_memories(app: App, profile: str) -> list[MemoryView]:
    """What each assistant remembers (one memory per vendor and account)."""
    with app.store.read() as session:
        kept = sql.memories(session, profile)
        names = sql.project_names(session, profile)
    views = []
    for vendor, account, seen_at, raw in kept:
        original = _json(raw)
        page = memory_page(original)
        named = {
            key: names.get((vendor, key)) or "A project not in the archive"
            for key, _ in page.projects
        }
        views.append(MemoryView(vendor, account, page, named, seen_at, original))
    return views
