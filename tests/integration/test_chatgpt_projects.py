"""ChatGPT's projects: its export knows them only as the `g-p-` id in each conversation.
The conversations of one project are grouped (the list's filter, the notes' front matter),
the person names a project once and later imports keep the name, and an archive stored
before schema 18 learns its conversations' projects in resumable steps."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from desktop_importer import library
from desktop_importer.app import App
from desktop_importer.exporting.writing import export
from desktop_importer.importing.service import start_import
from desktop_importer.upkeep.recovery import recover
from desktop_importer.wiring import open_app
from tests.helpers.exports import chatgpt_zip, conversation

KITCHEN = "g-p-67a1b2c3d4e5f60718293a4b5c6d7e8f"
GARDEN = "g-p-0f1e2d3c4b5a69788796a5b4c3d2e1f0"


def in_project(conv_id: str, project: str | None, **keys: Any) -> dict[str, Any]:
    made = conversation(conv_id, [("user", f"About {conv_id}"), ("assistant", "Yes.")])
    if project is not None:
        made.update(gizmo_id=project, gizmo_type="snorlax", **keys)
    return made


def export_of(tmp_path: Path) -> Path:
    return chatgpt_zip(tmp_path / "chatgpt.zip", [
        in_project("tiles", KITCHEN),
        in_project("grout", KITCHEN),
        in_project("roses", GARDEN),
        in_project("gpt", None, gizmo_id="g-abc123"),  # a GPT, not a project
        in_project("plain", None),
    ])  # fmt: skip


def listed(app: App, project: str | None) -> list[str]:
    rows = library.list_page(app, "default", project=project)
    return sorted(r.conversation_id for r in rows)


def test_a_projects_conversations_are_grouped_and_the_name_given_is_kept(
    app: App, tmp_path: Path
) -> None:
    start_import(app, export_of(tmp_path))
    assert listed(app, KITCHEN) == ["grout", "tiles"]
    assert listed(app, GARDEN) == ["roses"]
    assert len(listed(app, None)) == 5
    rows = {r.project_id: (r.name, r.conversations) for r in library.list_projects(app, "default")}
    assert rows == {
        KITCHEN: ("Unnamed project 67a1b2c3", 2),
        GARDEN: ("Unnamed project 0f1e2d3c", 1),
    }
    view = library.read_project(app, "default", "chatgpt", KITCHEN)
    assert view is not None and view.nameable and view.conversations == 2
    assert "names no project" in view.no_link

    library.name_project(app, "default", "chatgpt", KITCHEN, "  Kitchen tiles  ")
    start_import(app, chatgpt_zip(tmp_path / "later.zip", [in_project("sink", KITCHEN)],
                                  exported=(2026, 2, 1)))  # fmt: skip
    rows = {r.project_id: (r.name, r.conversations) for r in library.list_projects(app, "default")}
    assert rows[KITCHEN] == ("Kitchen tiles", 3)  # named once, kept across imports
    library.name_project(app, "default", "chatgpt", KITCHEN, "")
    unnamed = library.read_project(app, "default", "chatgpt", KITCHEN)
    assert unnamed is not None and unnamed.page.name.startswith("Unnamed")
    assert library.read_project(app, "default", "chatgpt", "g-p-unknown") is None


def test_the_notes_say_which_project_they_are_of(app: App, tmp_path: Path) -> None:
    start_import(app, export_of(tmp_path))
    library.name_project(app, "default", "chatgpt", KITCHEN, "Kitchen: tiles & grout")
    out = tmp_path / "notes"
    export(app, "default", out)
    (tiles,) = out.glob("Title of tiles *.md")
    assert 'project: "Kitchen: tiles & grout"' in tiles.read_text()
    assert f'project_id: "{KITCHEN}"' in tiles.read_text()
    (plain,) = out.glob("Title of plain *.md")
    assert "project" not in plain.read_text().split("---")[1]
    assert not (out / "projects").exists()  # a name only: nothing of its own to write
    library.name_project(app, "default", "chatgpt", KITCHEN, "Kitchen")
    export(app, "default", out)  # naming it again writes its notes again
    assert 'project: "Kitchen"' in tiles.read_text()


def test_an_archive_from_before_schema_18_learns_its_projects(
    data_dir: Path, tmp_path: Path
) -> None:
    app = open_app(data_dir)
    start_import(app, export_of(tmp_path))
    app.close()
    with sqlite3.connect(data_dir / "archive.sqlite3") as raw:  # as schema 17 stored them
        raw.execute("UPDATE conversations SET project_id = NULL")
        raw.execute("PRAGMA user_version = 17")
    raw.close()
    app = open_app(data_dir, recover=False)
    try:
        assert listed(app, KITCHEN) == []  # not read yet
        report = recover(app)
        assert report.finished and report.upgrade_steps >= 1
        assert listed(app, KITCHEN) == ["grout", "tiles"]
    finally:
        app.close()
