"""Projects and memory as the window, the command line and the export read them: Claude's
projects (name, description, instructions, documents) and what Claude remembers, from the
newest export that held them.

    for row in list_projects(app, "default"): ...
    view = read_project(app, "default", row.vendor, row.project_id)
    memory = read_memories(app, "default")
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
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


@dataclass(frozen=True)
class ProjectRow:
    vendor: str
    project_id: str
    name: str
    description: str
    documents: int
    updated_at: float | None


@dataclass(frozen=True)
class ProjectView:
    vendor: str
    page: ProjectPage
    remembered: str  # what the memory holds of this project ("" if nothing)
    exported_at: float  # the export it is from
    no_link: str  # why no conversations are listed with it
    original: Any  # the vendor's own object (the JSON export gives it back)


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
    """Every project kept, by name."""
    with app.store.read() as session:
        kept = sql.projects(session, profile)
    rows = []
    for project in kept:
        page = project_page(_json(project.raw_zlib))
        rows.append(
            ProjectRow(
                project.vendor,
                project.project_id,
                project.given_name or page.name,
                page.description,
                len(page.documents),
                page.updated_at,
            )
        )
    return rows


def read_project(app: App, profile: str, vendor: str, project_id: str) -> ProjectView | None:
    """One project's page, or None if the archive holds no such project."""
    with app.store.read() as session:
        found = sql.project(session, profile, vendor, project_id)
        memories = sql.memories(session, profile)
    if found is None:
        return None
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
    return ProjectView(vendor, page, remembered, found.seen_at, NO_LINK, original)


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
