"""Claude's 2026 export: the manifest people drop first stands for the conversations file
downloaded beside it; what is missing, damaged or hostile in it gets one sentence and
touches nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from desktop_importer import library
from desktop_importer.app import App
from desktop_importer.basics.errors import FilesMissing, InvalidExport, PathProblem
from desktop_importer.importing.service import check_export, profile_status, start_import
from tests.helpers.claude2026 import injected_conversation
from tests.helpers.exports import conversation, write_zip

MANIFEST = "manifest-7c1e-2026-11-30-09-15-02.json"
LINK = "https://claude.ai/api/export/7c1e/{name}?sig=abc"


def write_manifest(folder: Path, *names: str, **keys: Any) -> Path:
    """A manifest of `names`, each entry in the shape one importer reads (the keys beyond
    data_files and export_url are not confirmed: others are tested below)."""
    entries = [{"export_url": LINK.format(name=name), "filename": name, **keys} for name in names]
    path = folder / MANIFEST
    path.write_text(json.dumps({"version": 1, "total_files": len(entries), "data_files": entries}))
    return path


def downloaded(folder: Path) -> Path:
    """The folder Claude's files were downloaded into, conversations included."""
    folder.mkdir(exist_ok=True)
    write_zip(folder / "conversations-000.zip", {"conversations.json": [injected_conversation()]})
    return folder


def test_dropping_the_manifest_imports_the_conversations_beside_it(
    app: App, tmp_path: Path
) -> None:
    folder = downloaded(tmp_path / "Claude export")
    manifest = write_manifest(folder, "conversations-000.zip", "projects-000.zip",
                              "memories-000.zip")  # fmt: skip
    assert check_export(manifest).name == "conversations-000.zip"
    report = start_import(app, manifest)
    assert report.added == 1
    assert [m.node_id for m in library.show_conversation(app, "inj").messages] == ["q", "a"]
    assert profile_status(app).source_name == "conversations-000.zip"
    again = start_import(app, manifest)
    assert (again.added, again.unchanged) == (0, 1)  # the same files change nothing


@pytest.mark.parametrize(
    "entry",
    [
        {"file_name": "conversations-000.zip"},
        {"name": "conversations-000.zip", "category": "conversations"},
        {"export_url": "https://claude.ai/dl/conversations-000.zip?X-Sig=1"},  # name from the link
    ],
)
def test_every_variant_of_the_entries_keys_is_read(
    app: App, tmp_path: Path, entry: dict[str, Any]
) -> None:
    folder = downloaded(tmp_path / "dl")
    manifest = folder / MANIFEST
    manifest.write_text(json.dumps({"data_files": [entry]}))
    assert start_import(app, manifest).added == 1


def test_a_missing_conversations_file_is_named_with_where_to_get_it(
    app: App, tmp_path: Path
) -> None:
    folder = tmp_path / "dl"
    folder.mkdir()
    manifest = write_manifest(folder, "conversations-000.zip", "projects-000.zip")
    with pytest.raises(PathProblem) as raised:
        start_import(app, manifest)
    assert raised.value.message == (
        f"{MANIFEST} is Claude's list of your export's files; conversations-000.zip is not "
        "beside it in the folder “dl”. Download it from the links in Claude's e-mail (each works "
        "once) into that folder, then drop the manifest again."
    )
    assert raised.value.exit_code == 66
    assert isinstance(raised.value, FilesMissing)
    assert raised.value.links == (  # for the window to offer, https only
        ("conversations-000.zip", LINK.format(name="conversations-000.zip")),
    )
    assert not profile_status(app).processing  # refused before any claim
    assert library.list_page(app, "default", after=None, limit=5) == []


def test_a_manifest_never_says_it_contains_no_conversations(app: App, tmp_path: Path) -> None:
    folder = downloaded(tmp_path / "dl")
    two = write_manifest(folder, "conversations-000.zip", "conversations-001.zip")
    (folder / "conversations-001.zip").write_bytes((folder / "conversations-000.zip").read_bytes())
    with pytest.raises(InvalidExport) as raised:
        start_import(app, two)
    assert "contains no conversations" not in raised.value.message
    assert raised.value.message == (
        f"{MANIFEST} lists 2 conversation files (conversations-000.zip and "
        "conversations-001.zip); this version imports one file at a time: drop each of them "
        "in turn."
    )


@pytest.mark.parametrize(
    ("body", "sentence"),
    [
        (b'{"data_files": [', f"{MANIFEST} is not valid JSON; download the manifest from "
         "Claude's e-mail again."),
        (json.dumps({"data_files": [{"filename": f"f{i}.zip"} for i in range(1000)]}).encode(),
         f"{MANIFEST} lists 1,000 files, more than the 200 a Claude export has; it was not used."),
        (json.dumps({"data_files": [{"filename": "../secrets/conversations-000.zip",
                                     "category": "conversations"},
                                    {"filename": "/etc/conversations.zip"},
                                    {"filename": "C:conversations.zip"}]}).encode(),
         f"{MANIFEST} is Claude's list of an export's files, but it lists no conversations "
         "file."),
    ],
)  # fmt: skip
def test_a_bad_manifest_gets_one_sentence_and_no_path_is_followed(
    app: App, tmp_path: Path, body: bytes, sentence: str
) -> None:
    folder = downloaded(tmp_path / "dl")
    (tmp_path / "secrets").mkdir()
    write_zip(tmp_path / "secrets" / "conversations-000.zip", {"conversations.json": []})
    manifest = folder / MANIFEST
    manifest.write_bytes(body)
    with pytest.raises(InvalidExport) as raised:
        start_import(app, manifest)
    assert raised.value.message == sentence
    assert library.list_page(app, "default", after=None, limit=5) == []


def test_a_conversations_file_that_mentions_data_files_is_no_manifest(
    app: App, tmp_path: Path
) -> None:
    talk = conversation("talk", [("user", 'Why is "data_files" empty in my config?')])
    wrapped = tmp_path / "conversations.json"
    wrapped.write_text(json.dumps({"conversations": [talk]}))  # the wrapped form
    assert start_import(app, wrapped).added == 1
