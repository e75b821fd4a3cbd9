"""`projects` and `memory`: what the window's Projects and Memory pages show, on a terminal
or as JSON, and `projects ID --name NAME`, which names a project as its page does."""

from __future__ import annotations

import argparse
from typing import Any

from desktop_importer import library
from desktop_importer.basics.clock import iso_z_from_unix
from desktop_importer.basics.errors import EXIT_OK, EXIT_OTHER, DesktopImporterError
from desktop_importer.cli.commands import opened_app
from desktop_importer.cli.terminal import emit
from desktop_importer.importing.report import plural
from desktop_importer.vendors.parsed import vendor_name


class UnknownProject(DesktopImporterError):
    """`projects ID` named a project the archive does not have."""

    exit_code = EXIT_OTHER


def cmd_projects(args: argparse.Namespace) -> int:
    with opened_app() as app:
        if args.id is None:
            rows = library.list_projects(app, args.profile)
            _list(args, rows)
            return EXIT_OK
        found = [v for v, p in library.project_names(app, args.profile) if p == args.id]
        if not found:
            raise UnknownProject(
                f"There is no project {args.id} in the archive of profile {args.profile}; "
                "`desktop-importer projects` lists them."
            )
        if args.name is not None:
            library.name_project(app, args.profile, found[0], args.id, args.name)
        view = library.read_project(app, args.profile, found[0], args.id)
    assert view is not None
    _show(args, view)
    return EXIT_OK


def _list(args: argparse.Namespace, rows: list[library.ProjectRow]) -> None:
    body = {
        "projects": [
            {"id": r.project_id, "vendor": r.vendor, "name": r.name,
             "description": r.description, "documents": r.documents,
             "conversations": r.conversations, "updateTime": iso_z_from_unix(r.updated_at)}
            for r in rows
        ]
    }  # fmt: skip
    lines = [
        f"{vendor_name(r.vendor):<7}  {r.name}  ({plural(r.documents, 'document')}, "
        f"{plural(r.conversations, 'conversation')})  {r.project_id}"
        for r in rows
    ] or [f"The archive of profile {args.profile} holds no projects."]
    emit(args, body, "\n".join(lines))


def _show(args: argparse.Namespace, view: library.ProjectView) -> None:
    page = view.page
    body: dict[str, Any] = {
        "id": page.project_id,
        "vendor": view.vendor,
        "name": page.name,
        "description": page.description,
        "instructions": page.instructions,
        "remembered": view.remembered,
        "conversations": view.conversations,
        "documents": [{"name": d.name, "content": d.content} for d in page.documents],
        "note": view.no_link,
    }
    lines = [page.name, f"{vendor_name(view.vendor)} project · {view.no_link}"]
    if page.description:
        lines += ["", page.description]
    if page.instructions:
        lines += ["", "Instructions:", page.instructions]
    if view.remembered:
        lines += ["", "What Claude remembers of this project:", view.remembered]
    if page.documents:
        lines += ["", f"Documents ({len(page.documents):,}):"]
        lines += [f"  {d.name} ({len(d.content):,} characters)" for d in page.documents]
    emit(args, body, "\n".join(lines))


def cmd_memory(args: argparse.Namespace) -> int:
    with opened_app() as app:
        memories = library.read_memories(app, args.profile)
    body = {
        "memories": [
            {"vendor": m.vendor, "account": m.account or None,
             "exportedAt": iso_z_from_unix(m.exported_at), "memory": m.original}
            for m in memories
        ]
    }  # fmt: skip
    lines: list[str] = []
    for m in memories:
        lines += [f"What {vendor_name(m.vendor)} remembers of you:", m.page.summary or "Nothing."]
        for item in m.page.files:
            lines += ["", f"{item.path}:", item.content]
        for key, remembered in m.page.projects:
            lines += ["", f"Of the project {m.project_names.get(key, key)}:", remembered]
    emit(args, body, "\n".join(lines) or f"The archive of profile {args.profile} holds no memory.")
    return EXIT_OK
