"""Claude's projects and memory: kept with the conversations by the same import (all or
nothing), from every layout (zipped one per project, a bare or zipped memory, the older
one-ZIP export), the newer export's copy kept whichever is imported last, read by the
library and written by the export in its three formats; bad files refused in a sentence."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop_importer import library
from desktop_importer.app import App
from desktop_importer.basics.errors import InvalidExport
from desktop_importer.exporting.writing import export
from desktop_importer.importing.service import profile_status, start_import
from desktop_importer.wiring import open_app
from tests.helpers.archive import load_archive, visible
from tests.helpers.claude2026 import MEMORIES, MEMORY, PROJECT, download_folder, talk
from tests.helpers.exports import write_zip


def projects(app: App) -> list[tuple[str, str, int]]:
    return [(r.project_id, r.name, r.documents) for r in library.list_projects(app, "default")]


def test_the_download_folder_keeps_its_projects_and_memory(app: App, tmp_path: Path) -> None:
    report = start_import(app, download_folder(tmp_path / "Claude export"))
    assert (report.added, report.projects, report.memories) == (4, 1, 1)
    assert projects(app) == [("proj-1", "Beekeeping", 1)]
    view = library.read_project(app, "default", "claude", "proj-1")
    assert view is not None
    assert view.page.instructions == "Answer as a beekeeper would."
    assert [(d.name, d.content) for d in view.page.documents] == [("hives.md", "# Hives\nThree.")]
    assert view.remembered == "Three hives."
    assert view.original == PROJECT  # the vendor's object, whole
    (memory,) = library.read_memories(app, "default")
    assert memory.page.summary == MEMORY and memory.original == MEMORIES
    assert memory.project_names == {"proj-1": "Beekeeping"}
    assert [f.path for f in memory.page.files] == ["notes.md"]
    again = start_import(app, download_folder(tmp_path / "Claude export"))
    assert (again.added, again.unchanged, again.projects) == (0, 4, 1)
    assert projects(app) == [("proj-1", "Beekeeping", 1)]  # the same files change nothing


def test_the_newer_export_wins_whichever_is_imported_last(app: App, tmp_path: Path) -> None:
    def folder(name: str, day: tuple[int, int, int], project_name: str, memory: str) -> Path:
        where = tmp_path / name
        where.mkdir()
        write_zip(where / "conversations-000.zip", {"conversations.json": [talk("c1", "x")]},
                  exported=day)  # fmt: skip
        write_zip(where / "projects-000.zip",
                  {"projects/p.json": {**PROJECT, "name": project_name}}, exported=day)  # fmt: skip
        write_zip(where / "memories-000.zip",
                  {"memories.json": {**MEMORIES, "conversations_memory": memory}},
                  exported=day)  # fmt: skip
        return where

    march = folder("march", (2026, 3, 1), "Bees in March", "Three hives.")
    january = folder("january", (2026, 1, 1), "Bees in January", "One hive.")
    start_import(app, march)
    start_import(app, january)  # older: changes nothing
    assert projects(app) == [("proj-1", "Bees in March", 1)]
    assert library.read_memories(app, "default")[0].page.summary == "Three hives."
    later = folder("may", (2026, 5, 1), "Bees in May", "Five hives.")
    start_import(app, later)
    assert projects(app) == [("proj-1", "Bees in May", 1)]
    assert library.read_memories(app, "default")[0].page.summary == "Five hives."


def test_the_older_one_zip_export_keeps_its_projects_list_and_memory(
    app: App, tmp_path: Path
) -> None:
    second = {**PROJECT, "uuid": "proj-2", "name": "Tiles", "docs": []}
    export_file = write_zip(tmp_path / "claude.zip", {
        "conversations.json": [talk("c1", "x")],
        "projects.json": [PROJECT, second],
        "memories.json": [MEMORIES],  # a list of one, as older exports had it
        "users.json": [{"uuid": "a", "email_address": "a@example.org"}],
    })  # fmt: skip
    report = start_import(app, export_file)
    assert (report.added, report.projects, report.memories) == (1, 2, 1)
    assert report.files == ["claude.zip"]
    assert projects(app) == [("proj-1", "Beekeeping", 1), ("proj-2", "Tiles", 0)]


def test_a_bare_memory_file_and_a_bare_project_are_kept(app: App, tmp_path: Path) -> None:
    conversations = write_zip(tmp_path / "conversations-000.zip",
                              {"conversations.json": [talk("c1", "x")]})  # fmt: skip
    bare_memory = tmp_path / "memories.json"
    bare_memory.write_text(json.dumps(MEMORIES))
    bare_project = tmp_path / "project.json"
    bare_project.write_text(json.dumps(PROJECT))
    report = start_import(app, [conversations, bare_memory, bare_project])
    assert (report.projects, report.memories) == (1, 1)
    assert report.files == ["conversations-000.zip", "memories.json", "project.json"]


@pytest.mark.parametrize(
    ("member", "damage", "said"),
    [
        ("projects/p.json", b'{"uuid": "p", "prompt_template": "x", ', "is not valid JSON"),
        ("memories.json", b'{"conversations_memory": "x"', "is not valid JSON"),
    ],
)
def test_a_damaged_projects_or_memory_file_refuses_the_whole_import(
    app: App, tmp_path: Path, member: str, damage: bytes, said: str
) -> None:
    folder = download_folder(tmp_path / "Claude export")
    target = "projects-000.zip" if member.startswith("projects") else "memories-000.zip"
    write_zip(folder / target, {member: damage})
    before = visible(app)
    with pytest.raises(InvalidExport) as raised:
        start_import(app, folder)
    assert raised.value.message.startswith(f"{member} in {target} {said}")
    assert "Traceback" not in raised.value.message
    assert visible(app) == before and projects(app) == []
    assert profile_status(app).status == "failed"


def test_the_export_writes_projects_and_memory_in_every_format(app: App, tmp_path: Path) -> None:
    hostile = {
        **PROJECT,
        "description": "<script>alert(1)</script>",
        "docs": [{"filename": "x.md", "content": "![t](http://example.org/t.png)"}],
    }
    folder = download_folder(tmp_path / "Claude export")
    write_zip(folder / "projects-000.zip", {"projects/p.json": hostile})  # fmt: skip
    start_import(app, folder)
    out = {fmt: tmp_path / fmt for fmt in ("markdown", "html", "json")}
    for fmt, directory in out.items():
        export(app, "default", directory, fmt=fmt)
    (note,) = (out["markdown"] / "projects").glob("Beekeeping *.md")
    words = note.read_text()
    assert 'type: "project"' in words and "## Instructions" in words
    assert "<script>" not in words and "![t]" not in words  # inert in any note viewer
    assert "Claude's export does not say which conversations" in words
    memory_note = (out["markdown"] / "memory" / "Claude.md").read_text()
    assert MEMORY in memory_note and "Of the project Beekeeping" in memory_note
    (kept,) = (out["json"] / "projects").glob("*.json")
    assert json.loads(kept.read_text()) == hostile  # the vendor's own object
    assert json.loads((out["json"] / "memory" / "Claude.json").read_text()) == MEMORIES
    (page,) = (out["html"] / "projects").glob("*.html")
    assert "<script>alert" not in page.read_text() and "<img" not in page.read_text()
    # A chosen conversation is exported alone, without the projects.
    alone = tmp_path / "alone"
    export(app, "default", alone, conversation_ids=["c1"])
    assert not (alone / "projects").exists()


def test_an_archive_of_schema_13_upgraded_keeps_projects_from_then_on(
    data_dir: Path, tmp_path: Path
) -> None:
    load_archive(data_dir, 13)
    app = open_app(data_dir)
    try:
        before = len(visible(app))
        report = start_import(app, download_folder(tmp_path / "Claude export"))
        assert (report.projects, report.memories) == (1, 1)
        assert projects(app) == [("proj-1", "Beekeeping", 1)]
        assert len(visible(app)) > before  # the archive's own conversations kept beside
    finally:
        app.close()
