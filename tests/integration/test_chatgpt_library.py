"""ChatGPT's library (`library_files.json`, 2026): generated documents and images that no
message points at, each with the message that made it. They are kept by their id, under
their own name, and the reader shows each in that message; the export's notes link them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from desktop_importer import library
from desktop_importer.app import App
from desktop_importer.exporting.writing import export
from desktop_importer.importing.service import start_import
from tests.helpers.exports import chatgpt_zip, conversation
from tests.helpers.media import png

CHART, PLAN = "file_00000000aa11bb22cc33", "file_00000000dd44ee55ff66"


def entry(file_id: str, name: str, mime: str, kind: str, message: str = "made-n1") -> Any:
    return {"file_id": file_id, "file_name": name, "mime_type": mime,
            "library_artifact_type": kind, "origination_message_id": message,
            "origination_thread_id": "made", "version": 1}  # fmt: skip


def library_export(path: Path, entries: list[Any] | None = None) -> Path:
    made = conversation("made", [("user", "Draw the chart"), ("assistant", "Here it is.")])
    return chatgpt_zip(path, [made], files={
        "library_files.json": entries if entries is not None else [
            entry(CHART, "Sales chart.png", "image/png", "image"),
            entry(PLAN, "Kitchen plan.md", "text/markdown", "writing_block"),
        ],
        f"{CHART}.dat": png(4, 3),
        f"{PLAN}.dat": "# Plan\nTiles first.",
    })  # fmt: skip


def test_each_library_file_appears_in_the_message_that_made_it(app: App, tmp_path: Path) -> None:
    report = start_import(app, library_export(tmp_path / "chatgpt.zip"))
    assert report.library == 2
    assert report.media_unreferenced == 0  # each belongs somewhere now
    view = library.read_conversation(app, "default", "made")
    answer = next(m for m in view.messages if m.node_id == "made-n1")
    made = [(b.kind, b.name) for b in answer.blocks if b.kind in ("image", "file")]
    assert made == [("image", "Sales chart.png"), ("file", "Kitchen plan.md")]
    chart = view.file_for(CHART)
    assert chart is not None and chart.mime_type == "image/png" and chart.name == "Sales chart.png"
    plan = view.file_for(PLAN)
    assert plan is not None and plan.path.read_bytes() == b"# Plan\nTiles first."
    asked = next(m for m in view.messages if m.node_id == "made-n0")
    assert not [b for b in asked.blocks if b.kind in ("image", "file")]

    again = start_import(app, library_export(tmp_path / "chatgpt.zip"))
    assert (again.unchanged, again.library) == (1, 2)
    answer = next(
        m for m in library.read_conversation(app, "default", "made").messages
        if m.node_id == "made-n1"
    )  # fmt: skip
    assert len([b for b in answer.blocks if b.kind in ("image", "file")]) == 2  # not twice


def test_a_library_entry_of_a_message_not_in_the_archive_shows_nowhere(
    app: App, tmp_path: Path
) -> None:
    entries = [entry(CHART, "Lost.png", "image/png", "image", message="gone-n9"),
               {"file_id": 7, "origination_message_id": "made-n1"}, "not an entry"]  # fmt: skip
    report = start_import(app, library_export(tmp_path / "chatgpt.zip", entries))
    assert report.library == 1  # the malformed entries are passed over
    view = library.read_conversation(app, "default", "made")
    assert not [b for m in view.messages for b in m.blocks if b.kind in ("image", "file")]


def test_the_notes_link_the_files_the_library_placed(app: App, tmp_path: Path) -> None:
    start_import(app, library_export(tmp_path / "chatgpt.zip"))
    out = tmp_path / "notes"
    export(app, "default", out)
    (note,) = out.glob("Title of made *.md")
    words = note.read_text()
    assert "Sales%20chart.png" in words or "Sales chart.png" in words
    assert len(list((out / "media").iterdir())) == 2
