"""Le Chat's export: each chat-<id>.json (told by its content) one conversation, its
messages put in time order, titled by the first request; reasoning and tool calls folded,
the answer shown once, references as citations, canvases as documents, the person's files
kept from chat-<id>-files/, generated images on Mistral's servers named as missing; found
by search, written in the three formats, merged with a newer export."""

from __future__ import annotations

import copy
import json
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest

from desktop_importer import library
from desktop_importer.app import App
from desktop_importer.basics.errors import InvalidExport
from desktop_importer.exporting import export
from desktop_importer.importing.service import profile_status, start_import
from tests.helpers.exports import write_zip
from tests.helpers.lechat import FIRST, NOTES, PHOTO, SECOND, chats, lechat_zip


@pytest.fixture
def imported(app: App, tmp_path: Path) -> App:
    report = start_import(app, lechat_zip(tmp_path / "chat-export-1777712400000.zip"))
    assert (report.added, report.skipped) == (2, 0)
    assert (report.media_files, report.media_kept, report.media_missing) == (2, 2, 0)
    assert report.unread_content == {"custom_element": 1}
    return app


def test_messages_in_time_order_titled_by_the_first_request(imported: App) -> None:
    view = library.read_conversation(imported, "default", FIRST)
    assert view.vendor == "lechat" and view.title == "Quelle est la hauteur de la tour Eiffel ?"
    assert [m.node_id for m in view.messages] == ["m1", "m2", "m3", "m4"]
    assert [m.role for m in view.messages] == ["user", "assistant", "user", "assistant"]
    assert [r.title for r in library.list_page(imported, "default")] == [
        "Quelle est la hauteur de la tour Eiffel ?",
        "Bonjour",
    ]


def test_an_answer_reads_as_le_chat_showed_it(imported: App) -> None:
    view = library.read_conversation(imported, "default", FIRST)
    answer = view.messages[1]
    kinds = [b.kind for b in answer.blocks]
    assert kinds == ["thoughts", "tool_call", "text", "citation", "citation", "image", "unknown",
                     "canvas"]  # fmt: skip
    thought, call, text, page, hostile, image, _, canvas = answer.blocks
    assert thought.text == "The person asks about height; check a source."
    assert (call.name, json.loads(call.text)) == ("web_search", {"query": "hauteur tour Eiffel"})
    assert text.text == "La tour Eiffel mesure 330 m. Voici un plan."  # once, not twice
    assert (page.title, page.url) == ("La tour Eiffel", "https://example.org/eiffel")
    assert hostile.url == "javascript:alert(1)"  # kept as it was; shown as words, never a link
    assert view.file_for(image.pointer) is None and "Mistral's servers" in (image.name or "")
    assert (canvas.title, canvas.language) == ("Plan de visite", "document")
    assert canvas.text.startswith("# Plan")
    follow_up = view.messages[2]
    assert [b.kind for b in follow_up.blocks] == ["text", "quote"]


def test_the_persons_files_are_kept_from_the_chats_folder(imported: App) -> None:
    view = library.read_conversation(imported, "default", FIRST)
    photo, notes = view.messages[0].blocks[1:]
    assert (photo.kind, photo.name, notes.kind, notes.name) == (
        "image",
        "photo tour.png",
        "file",
        "notes.txt",
    )
    kept_photo, kept_notes = view.file_for(photo.pointer), view.file_for(notes.pointer)
    assert kept_photo is not None and kept_photo.path.read_bytes() == PHOTO
    assert kept_photo.mime_type == "image/png" and kept_photo.name == "photo tour.png"
    assert kept_notes is not None and kept_notes.path.read_bytes() == NOTES


def test_search_finds_le_chat_text_cjk_included(imported: App) -> None:
    assert [h.conversation_id for h in library.search_archive(imported, "東京タワー")] == [FIRST]
    assert [h.conversation_id for h in library.search_archive(imported, "Bonjour")] == [SECOND]


@pytest.mark.parametrize("fmt", ["markdown", "html", "json"])
def test_every_export_format_writes_it(imported: App, tmp_path: Path, fmt: str) -> None:
    export(imported, "default", tmp_path / fmt, fmt=fmt)
    (page,) = [p for p in (tmp_path / fmt).iterdir() if "Eiffel" in p.name]
    written = page.read_text(encoding="utf-8")
    if fmt == "json":
        assert json.loads(written) == chats()[FIRST]  # the vendor's own array, as it was
        return
    assert "La tour Eiffel mesure 330 m. Voici un plan." in written
    assert written.count("Voici un plan.") == 1
    assert not re.search(r"(?<!\\)<img src=x", written)  # escaped in Markdown, never a tag
    assert 'href="javascript' not in written
    assert sorted(p.read_bytes() for p in (tmp_path / fmt / "media").iterdir()) == sorted(
        [PHOTO, NOTES]
    )
    if fmt == "markdown":
        assert f'url: "https://chat.mistral.ai/chat/{FIRST}"' in written


def test_the_same_export_again_changes_nothing_and_a_newer_one_merges(
    imported: App, tmp_path: Path
) -> None:
    again = start_import(imported, lechat_zip(tmp_path / "again.zip"))
    assert (again.added, again.updated, again.unchanged) == (0, 0, 2)
    newer = chats()
    newer[FIRST] = [m for m in newer[FIRST] if m["id"] != "m4"]  # deleted online
    newer[FIRST].append({**newer[FIRST][0], "id": "m5", "role": "user", "contentChunks": None,
                         "content": "Merci !", "createdAt": "2026-05-09T10:00:00.000Z"})  # fmt: skip
    later = start_import(imported, lechat_zip(tmp_path / "later.zip", newer, (2026, 5, 10)))
    assert (later.added, later.updated, later.unchanged) == (0, 1, 1)
    view = library.read_conversation(imported, "default", FIRST)
    assert [m.node_id for m in view.messages] == ["m1", "m2", "m3", "m5"]
    kept = library.read_conversation(imported, "default", FIRST, choices={"m3": "m4"})
    assert [(m.node_id, m.in_export) for m in kept.messages][-1] == ("m4", False)
    export(imported, "default", tmp_path / "j", fmt="json")
    (written,) = [p for p in (tmp_path / "j").iterdir() if "Eiffel" in p.name]
    assert json.loads(written.read_bytes()) == newer[FIRST]  # the newer export's, as it was


def test_chat_files_are_told_by_their_content(app: App, tmp_path: Path) -> None:
    impostor = write_zip(tmp_path / "impostor.zip", {f"chat-{FIRST}.json": {"not": "a chat"}})
    with pytest.raises(InvalidExport, match="has no conversation data"):
        start_import(app, impostor)
    assert not profile_status(app).processing
    bare = tmp_path / f"chat-{SECOND}.json"
    bare.write_text(json.dumps(chats()[SECOND]), encoding="utf-8")
    assert start_import(app, bare).added == 1  # one chat file on its own


def test_files_among_the_chats_that_are_not_chats_are_passed_over(app: App, tmp_path: Path) -> None:
    """Before the first chat (told while the export is opened) and after it (told by the
    reading process), in name order; a folder with fewer chats is not the export."""
    others = {
        "chat-0-settings.json": {"theme": "dark"},  # sorts before the chats
        "chat-zzzz.json": [{"id": "m1", "text": "not a chat"}],  # after them, an array too
        "zz-notes.json": "[]",
    }
    report = start_import(app, lechat_zip(tmp_path / "mixed.zip", extra=others))
    assert (report.added, report.skipped, report.skipped_details) == (2, 0, [])
    assert len(library.list_page(app, "default")) == 2
    others["older/chat-old.json"] = chats()[SECOND]  # another folder, one chat only
    report = start_import(app, lechat_zip(tmp_path / "two folders.zip", extra=others))
    assert (report.added, report.unchanged, report.skipped) == (0, 2, 0)


def test_a_chat_file_written_twice_in_the_zip_is_imported_once(app: App, tmp_path: Path) -> None:
    """The reading process walks the ZIP's directory: the second entry of one name holds the
    same chat, which the report names as given twice (the first kept)."""
    path = lechat_zip(tmp_path / "twice.zip")
    with pytest.warns(UserWarning, match="Duplicate name"), zipfile.ZipFile(path, "a") as archive:
        archive.writestr(f"chat-{SECOND}.json", json.dumps(chats()[SECOND]))
    report = start_import(app, path)
    assert (report.added, report.skipped) == (2, 1)
    assert "appears twice in this export" in str(report.skipped_details)
    assert not profile_status(app).processing


def _spoil(value: Any) -> list[Any]:
    return [None, 7, "x", [], {}, True] if not isinstance(value, str) else [None, 7, [], {}]


def test_wrong_types_in_every_field_cost_at_most_that_conversation(
    app: App, tmp_path: Path
) -> None:
    base = chats()[FIRST]
    spoiled: dict[str, list[dict[str, Any]]] = {}
    for index, message in enumerate(base):
        fields: list[list[Any]] = [[key] for key in message]
        for number, chunk in enumerate(message.get("contentChunks") or []):
            fields += [["contentChunks", number, key] for key in chunk]
        for path in fields:
            holder: Any = message
            for step in path[:-1]:
                holder = holder[step]
            for bad in _spoil(holder[path[-1]]):
                chat = copy.deepcopy(base)
                target: Any = chat[index]
                for step in path[:-1]:
                    target = target[step]
                target[path[-1]] = bad
                chat_id = f"spoiled-{len(spoiled)}"
                for each in chat:
                    if path != ["chatId"] or each is not chat[index]:
                        each["chatId"] = chat_id
                spoiled[chat_id] = chat
    spoiled[SECOND] = chats()[SECOND]
    report = start_import(app, lechat_zip(tmp_path / "spoiled.zip", spoiled))
    assert report.added + report.skipped == len(spoiled)
    assert report.added == len(spoiled)  # a wrong value costs a field, never the chat
    assert not profile_status(app).processing
    for row in library.list_page(app, "default", limit=1000):
        library.read_conversation(app, "default", row.conversation_id)
