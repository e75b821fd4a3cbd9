"""Claude's 2026 export: the manifest people drop first stands for the files downloaded
beside it, as the folder does and the files dropped together do: one import each, the same
archive; what is missing, damaged or hostile gets one sentence and touches nothing."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import pytest

from desktop_importer import library
from desktop_importer.app import App
from desktop_importer.basics.errors import FilesMissing, InvalidExport, PathProblem
from desktop_importer.importing.report import detail_lines
from desktop_importer.importing.service import check_export, profile_status, start_import
from tests.helpers.archive import visible
from tests.helpers.claude2026 import (
    LINK,
    MANIFEST,
    MEMORIES,
    download_folder,
    injected_conversation,
    talk,
    write_manifest,
)
from tests.helpers.exports import chatgpt_zip, conversation, write_zip


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
        "once) into that folder, then drop the manifest (or the folder) again."
    )
    assert raised.value.exit_code == 66
    assert isinstance(raised.value, FilesMissing)
    assert raised.value.links == (  # for the window to offer, https only
        ("conversations-000.zip", LINK.format(name="conversations-000.zip")),
    )
    assert not profile_status(app).processing  # refused before any claim
    assert library.list_page(app, "default", after=None, limit=5) == []


def archive_of(app: App, profile: str) -> list[tuple[str, list[str]]]:
    """Each conversation's id and its current branch's texts, as the reader shows them."""
    listed = library.list_page(app, profile, after=None, limit=50)
    return sorted(
        (c.conversation_id,
         [m.text for m in library.show_conversation(app, c.conversation_id, profile).messages])
        for c in listed
    )  # fmt: skip


def test_the_manifest_the_files_and_the_folder_are_one_import_and_the_same_archive(
    app: App, tmp_path: Path
) -> None:
    folder = download_folder(tmp_path / "Claude export")
    files = sorted(p for p in folder.iterdir() if p.name != MANIFEST)
    ways: dict[str, list[Path]] = {
        "manifest": [folder / MANIFEST],
        "files": files,
        "folder": [folder],
    }
    archives = {}
    for profile, given in ways.items():
        report = start_import(app, given, profile=profile)
        assert report.added == 4  # both batches' conversations, in one report
        assert report.files[:2] == ["conversations-000.zip", "conversations-001.zip"]
        assert sorted(report.files[2:]) == ["memories-000.zip", "projects-000.zip"]
        assert (report.projects, report.memories) == (1, 1)
        assert [name for name, _ in report.set_aside] == ["users.json"]
        status = profile_status(app, profile)
        assert (status.status, status.conversations) == ("complete", 4)
        assert status.source_paths == [p.resolve() for p in given]  # for "Try again"
        archives[profile] = archive_of(app, profile)
        kept = [(p.project_id, p.name) for p in library.list_projects(app, profile)]
        memory = [m.original for m in library.read_memories(app, profile)]
        assert (kept, memory) == ([("proj-1", "Beekeeping")], [MEMORIES])
    assert archives["manifest"] == archives["files"] == archives["folder"]
    assert [cid for cid, _ in archives["folder"]] == ["c1", "c2", "c3", "inj"]
    assert profile_status(app, "files").source_name == "conversations-000.zip and 4 more files"
    assert profile_status(app, "folder").source_name == "Claude export"
    again = start_import(app, [folder], profile="folder")
    assert (again.added, again.updated, again.unchanged) == (0, 0, 4)


def test_a_missing_batch_is_named_and_what_is_there_can_be_imported(
    app: App, tmp_path: Path
) -> None:
    folder = download_folder(tmp_path / "dl")
    (folder / "conversations-001.zip").unlink()
    for given in ([folder / MANIFEST], [folder]):
        with pytest.raises(FilesMissing) as raised:
            start_import(app, given)
        assert "contains no conversations" not in raised.value.message
        assert raised.value.message.startswith(
            f"{MANIFEST} is Claude's list of your export's files; conversations-001.zip is not "
            "beside it in the folder “dl”."
        )
        assert raised.value.rest  # the first batch is there
        assert raised.value.links == (
            ("conversations-001.zip", LINK.format(name="conversations-001.zip")),
        )
        assert not profile_status(app).processing
        assert library.list_page(app, "default", after=None, limit=5) == []
    report = start_import(app, [folder / MANIFEST], partial=True)
    assert report.added == 3
    assert report.files == ["conversations-000.zip", "projects-000.zip", "memories-000.zip"]


def test_a_newer_manifests_files_merge_and_a_conversation_in_two_batches_counts_once(
    app: App, tmp_path: Path
) -> None:
    start_import(app, [download_folder(tmp_path / "old")])
    newer = tmp_path / "new"
    newer.mkdir()
    write_zip(
        newer / "conversations-000.zip",
        {
            "conversations.json": [
                talk("c1", "hives, again", updated="2026-04-01T09:00:00Z"),
                talk("c4", "wax"),
            ]
        },
    )
    write_zip(
        newer / "conversations-001.zip",
        {"conversations.json": [talk("c4", "wax"), talk("c5", "pollen")]},
    )
    write_manifest(newer, "conversations-000.zip", "conversations-001.zip")
    report = start_import(app, [newer / MANIFEST])
    assert (report.conversations, report.added, report.updated, report.skipped) == (3, 2, 1, 0)
    texts = dict(archive_of(app, "default"))
    assert texts["c1"][0] == "hives, again"
    assert sorted(texts) == ["c1", "c2", "c3", "c4", "c5", "inj"]


def test_two_exports_dropped_together_are_as_if_imported_in_turn(app: App, tmp_path: Path) -> None:
    """The newer copy of a conversation wins whichever file comes first, branches merge,
    and each conversation counts once."""
    old_turn = conversation("t", [("user", "first question")], update_time=100.0)
    new_turn = conversation("t", [("user", "first question"), ("assistant", "an answer")],
                            update_time=200.0)  # fmt: skip
    older = chatgpt_zip(
        tmp_path / "older.zip", [old_turn, conversation("x")], exported=(2026, 1, 1)
    )
    newer = chatgpt_zip(tmp_path / "newer.zip", [new_turn], exported=(2026, 2, 1))
    for profile, given in (("in-order", [older, newer]), ("reversed", [newer, older])):
        report = start_import(app, given, profile=profile)
        assert (report.conversations, report.added, report.updated) == (2, 2, 0)
        shown = library.show_conversation(app, "t", profile).messages
        assert [m.text for m in shown] == ["first question", "an answer"]
    start_import(app, older, profile="in-turn")
    report = start_import(app, [older, newer], profile="in-turn")
    assert (report.updated, report.unchanged) == (1, 1)  # t was unchanged, then newer


def test_one_bad_file_among_several_refuses_them_all(app: App, tmp_path: Path) -> None:
    folder = download_folder(tmp_path / "dl")
    (folder / "conversations-001.zip").write_bytes(b"PK\x03\x04 cut off")
    with pytest.raises(InvalidExport) as raised:
        start_import(app, [folder / "conversations-000.zip", folder / "conversations-001.zip"])
    assert raised.value.message.startswith("conversations-001.zip is a damaged or incomplete ZIP")
    assert library.list_page(app, "default", after=None, limit=5) == []
    assert profile_status(app).status == "idle"


def test_a_side_file_alone_says_what_it_is(app: App, tmp_path: Path) -> None:
    folder = download_folder(tmp_path / "dl")
    with pytest.raises(InvalidExport) as raised:
        start_import(app, folder / "memories-000.zip")
    assert raised.value.message == (
        "memories-000.zip holds Claude's memory, not conversations; drop it together with the "
        "export's conversation files (or the folder they are in)."
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


def test_a_batch_of_another_account_is_kept_apart_and_named(app: App, tmp_path: Path) -> None:
    folder = tmp_path / "dl"
    folder.mkdir()
    write_zip(folder / "conversations-000.zip",
              {"conversations.json": [talk("c1", "hives"), talk("c2", "honey")]})  # fmt: skip
    other = {**talk("x1", "a stranger's question"), "account": {"uuid": "someone-else-entirely"}}
    write_zip(folder / "conversations-001.zip", {"conversations.json": [other]},
              exported=(2026, 6, 1))  # fmt: skip
    report = start_import(app, folder)
    assert report.added == 3
    assert [(a, n, f) for _, a, n, f in report.accounts] == [
        ("acct", 2, ["conversations-000.zip"]),
        ("someone-else-entirely", 1, ["conversations-001.zip"]),
    ]
    (line,) = [x for x in detail_lines(report.to_json(), named=5) if "accounts" in x]
    assert line.startswith("These files hold 2 Claude accounts (acct: 2 conversations in "
                           "conversations-000.zip; someone-…: 1 conversation in")  # fmt: skip
    # The later file is another account's: it says nothing of what the first one holds.
    rows = library.list_page(app, "default")
    assert {r.conversation_id: r.gone for r in rows} == {"c1": False, "c2": False, "x1": False}
    alone = start_import(app, folder / "conversations-000.zip")
    assert alone.accounts == []  # one account: nothing to say


def zipped_again(folder: Path, target: Path) -> Path:
    """The download folder zipped whole (as a browser or a person does): its ZIPs inside."""
    members: dict[str, Any] = {
        f"{folder.name}/{p.name}": p.read_bytes() for p in sorted(folder.iterdir())
    }
    return write_zip(target, members)


def test_a_zip_of_the_download_folder_is_read_one_level_deep(
    app: App, tmp_path: Path, data_dir: Path
) -> None:
    folder = download_folder(tmp_path / "Claude export")
    outer = zipped_again(folder, tmp_path / "Claude export.zip")
    checked = check_export(outer)  # the window's preflight: nothing unpacked
    assert checked.name == "Claude export.zip" and checked.parts == ()
    assert "Claude export/conversations-001.zip" in checked.nested
    report = start_import(app, outer, profile="zipped")
    assert (report.added, report.projects, report.memories) == (4, 1, 1)
    assert report.files[:2] == ["conversations-000.zip", "conversations-001.zip"]  # as named there
    assert [name for name, _ in report.set_aside] == []  # users.json is JSON: not unpacked
    start_import(app, folder, profile="folder")
    assert archive_of(app, "zipped") == archive_of(app, "folder")
    assert not list(data_dir.glob(".unpack-*"))  # the unpacked copies are gone


def test_a_damaged_zip_inside_the_given_one_is_named_and_nothing_is_imported(
    app: App, tmp_path: Path, data_dir: Path
) -> None:
    inner = write_zip(tmp_path / "inner.zip", {"conversations.json": [talk("c1", "x")] * 40})
    outer = write_zip(tmp_path / "outer.zip", {"dl/conversations-000.zip": inner.read_bytes()})
    data = bytearray(outer.read_bytes())
    with zipfile.ZipFile(outer) as archive:
        info = archive.getinfo("dl/conversations-000.zip")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    middle = start + info.compress_size // 2
    data[middle : middle + 8] = bytes(b ^ 0xFF for b in data[middle : middle + 8])
    outer.write_bytes(bytes(data))
    with pytest.raises(InvalidExport, match=r"^outer\.zip is damaged: dl/conversations-000\.zip "):
        start_import(app, outer)
    assert library.list_page(app, "default") == []
    assert not profile_status(app).processing
    assert not list(data_dir.glob(".unpack-*"))


def test_a_zip_in_a_zip_in_a_zip_is_refused_and_a_dead_imports_copies_are_removed(
    app: App, tmp_path: Path, data_dir: Path
) -> None:
    inner = write_zip(tmp_path / "inner.zip", {"conversations.json": [talk("c1", "x")]})
    middle = write_zip(tmp_path / "middle.zip", {"conversations-000.zip": inner.read_bytes()})
    outer = write_zip(tmp_path / "outer.zip", {"dl/middle.zip": middle.read_bytes()})
    left = data_dir / ".unpack-999999-1-abc"  # of an import whose process died
    left.mkdir()
    (left / "000.zip").write_bytes(b"PK")
    before = visible(app)
    with pytest.raises(InvalidExport) as raised:
        start_import(app, outer)
    assert raised.value.message == (
        "middle.zip, a ZIP inside the one given, holds ZIP files itself "
        "(conversations-000.zip); ZIPs inside a ZIP are read one level deep, no more. Unzip "
        "it and drop the folder it makes."
    )
    assert visible(app) == before and profile_status(app).status != "processing"
    assert not list(data_dir.glob(".unpack-*"))
