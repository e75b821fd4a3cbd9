"""Claude's projects and memory: what its export holds beside the conversations
(../shared/EXPORT_FORMATS.md, "Claude since mid-2026").

A project: `uuid`, `name`, `description`, `prompt_template` (the instructions),
`created_at`, `updated_at`, `creator`, `docs[{uuid, filename, content, created_at}]` (the
project's knowledge). The export does not say which conversations belong to a project.

The memory: one object (older exports: a list of one), `conversations_memory` (text),
`memory_files[{path, content, updated_at}]`, `project_memories{project uuid: text}`.

Each is told by its keys, never by its file's name; the original object is kept whole (the
JSON export gives it back), and the pages below are read from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from desktop_importer.vendors.claude import timestamp
from desktop_importer.vendors.values import as_dict, as_list, as_text

NAME = "claude"
PROJECT, MEMORY, ACCOUNT = "project", "memory", "account"
MEMORY_KEYS = ("conversations_memory", "memory_files", "project_memories")
PROJECT_KEYS = ("prompt_template", "docs", "is_starter_project")
ACCOUNT_KEYS = ("email_address", "full_name", "verified_phone_number")
NO_LINK = (
    "Claude's export does not say which conversations belong to a project, so they are "
    "in the library with the others."
)


def kind_of(obj: Any) -> str | None:
    """What an object of a side file is (PROJECT, MEMORY, ACCOUNT), or None."""
    if not isinstance(obj, dict):
        return None
    if "chat_messages" in obj:
        return None
    if any(key in obj for key in MEMORY_KEYS):
        return MEMORY
    if isinstance(obj.get("uuid"), str) and any(key in obj for key in PROJECT_KEYS):
        return PROJECT
    if any(key in obj for key in ACCOUNT_KEYS):
        return ACCOUNT
    return None


@dataclass(frozen=True)
class Document:
    name: str
    content: str
    created_at: float | None


@dataclass(frozen=True)
class ProjectPage:
    """A project as its page shows it."""

    project_id: str
    name: str
    description: str
    instructions: str
    created_at: float | None
    updated_at: float | None
    documents: tuple[Document, ...]


def project_page(obj: Any) -> ProjectPage:
    project = as_dict(obj)
    documents = tuple(
        Document(
            as_text(doc.get("filename")) or as_text(doc.get("title")) or "Untitled document",
            as_text(doc.get("content")) or "",
            timestamp(doc.get("created_at")),
        )
        for doc in map(as_dict, as_list(project.get("docs")))
    )
    return ProjectPage(
        as_text(project.get("uuid")) or "",
        project_name(project),
        as_text(project.get("description")) or "",
        as_text(project.get("prompt_template")) or "",
        timestamp(project.get("created_at")),
        timestamp(project.get("updated_at")),
        documents,
    )


def project_name(obj: Any) -> str:
    return (as_text(as_dict(obj).get("name")) or "").strip() or "Untitled project"


@dataclass(frozen=True)
class MemoryFile:
    path: str
    content: str
    updated_at: str  # as exported: a date, or a date and time


@dataclass(frozen=True)
class MemoryPage:
    """What Claude remembers, as the Memory page shows it."""

    summary: str  # conversations_memory
    files: tuple[MemoryFile, ...]
    projects: tuple[tuple[str, str], ...]  # (project uuid, what it remembers of it)


def memory_page(obj: Any) -> MemoryPage:
    memory = as_dict(obj)
    files = tuple(
        MemoryFile(
            as_text(item.get("path")) or "memory",
            as_text(item.get("content")) or "",
            as_text(item.get("updated_at")) or "",
        )
        for item in map(as_dict, as_list(memory.get("memory_files")))
    )
    projects = tuple(
        (key, value)
        for key, value in as_dict(memory.get("project_memories")).items()
        if isinstance(value, str) and value.strip()
    )
    return MemoryPage(as_text(memory.get("conversations_memory")) or "", files, projects)


def memory_account(obj: Any) -> str:
    """The account a memory is of, where it says (else one memory per profile)."""
    memory = as_dict(obj)
    nested = as_dict(memory.get("account")).get("uuid")
    return as_text(memory.get("account_uuid")) or as_text(nested) or ""
