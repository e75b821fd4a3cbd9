"""Finding and streaming the conversation data in every shape real exports come in."""

from __future__ import annotations

import json
import zipfile
from typing import TYPE_CHECKING, Any

import pytest

from desktop_importer.app import App
from desktop_importer.basics.errors import InvalidExport, PathProblem
from desktop_importer.importing.export_set import open_exports
from desktop_importer.importing.objects import iter_objects
from desktop_importer.importing.service import start_import
from desktop_importer.importing.source import ExportFile, open_export
from tests.helpers.exports import conversation, conversations, write_zip

if TYPE_CHECKING:
    from pathlib import Path


def ids(export: ExportFile) -> list[str]:
    return [obj["id"] for obj in iter_objects(export, lambda _: None)]


def test_a_single_conversations_json(tmp_path: Path) -> None:
    export = open_export(
        write_zip(
            tmp_path / "e.zip", {"conversations.json": conversations(3), "chat.html": "<html>"}
        )
    )
    assert export.members == ("conversations.json",)
    assert ids(export) == ["conv-0", "conv-1", "conv-2"]


def test_the_wrapped_form(tmp_path: Path) -> None:
    export = open_export(
        write_zip(tmp_path / "e.zip", {"conversations.json": {"conversations": conversations(2)}})
    )
    assert ids(export) == ["conv-0", "conv-1"]


def test_split_files_are_read_in_numeric_order(tmp_path: Path) -> None:
    members: dict[str, Any] = {
        f"conversations-{n:03d}.json": [conversation(f"c{n}")] for n in (10, 2, 1, 0)
    }
    export = open_export(write_zip(tmp_path / "e.zip", members))
    assert export.members == tuple(f"conversations-{n:03d}.json" for n in (0, 1, 2, 10))
    assert ids(export) == ["c0", "c1", "c2", "c10"]


def test_the_manifest_list_wins(tmp_path: Path) -> None:
    manifest = {"files": [{"path": "conversations-001.json"}, {"path": "conversations-000.json"}]}
    members = {
        "export_manifest.json": manifest,
        "conversations-000.json": [conversation("zero")],
        "conversations-001.json": [conversation("one")],
        "conversations-002.json": [conversation("not listed")],
    }
    assert ids(open_export(write_zip(tmp_path / "e.zip", members))) == ["one", "zero"]


def test_a_manifest_naming_a_missing_file_is_refused(tmp_path: Path) -> None:
    members = {"export_manifest.json": ["conversations-000.json", "conversations-001.json"],
               "conversations-000.json": [conversation("zero")]}  # fmt: skip
    with pytest.raises(InvalidExport) as raised:
        open_exports([write_zip(tmp_path / "e.zip", members)])
    assert raised.value.message == (
        "The export's manifest lists conversations-001.json, but e.zip does not contain it and "
        "no other file given does; the export is incomplete (drop all its parts together)."
    )


def test_a_multi_part_zip_export_is_read_whole_when_its_parts_are_given_together(
    tmp_path: Path,
) -> None:
    first = write_zip(tmp_path / "part-1.zip", {
        "export_manifest.json": {"export_files": [{"path": f"conversations-00{n}.json"}
                                                  for n in range(3)]},
        "conversations-000.json": [conversation("zero")],
        "conversations-001.json": [conversation("one")],
    })  # fmt: skip
    second = write_zip(tmp_path / "part-2.zip", {"conversations-002.json": [conversation("two")]})
    export = open_exports([first, second])
    assert [part.members for part in export.parts] == [
        ("conversations-000.json", "conversations-001.json"),
        ("conversations-002.json",),
    ]


def test_a_bare_conversations_json(tmp_path: Path) -> None:
    path = tmp_path / "conversations.json"
    path.write_text("\ufeff" + json.dumps(conversations(2)), encoding="utf-8")  # with a BOM
    export = open_export(path)
    assert export.members is None
    assert ids(export) == ["conv-0", "conv-1"]


def test_an_export_recompressed_under_one_folder(tmp_path: Path) -> None:
    members = {
        "My Export/conversations.json": conversations(2),
        "My Export/user.json": {},
        "__MACOSX/My Export/._conversations.json": b"\x00\x05\x16\x07junk",
        "My Export/.DS_Store": b"junk",
    }
    export = open_export(write_zip(tmp_path / "e.zip", members))
    assert export.members == ("My Export/conversations.json",)
    assert ids(export) == ["conv-0", "conv-1"]


def test_deeper_folders_do_not_count(tmp_path: Path) -> None:
    with pytest.raises(InvalidExport, match="no conversation data"):
        open_export(write_zip(tmp_path / "e.zip", {"a/b/conversations.json": conversations(1)}))


def test_two_exports_in_one_zip_are_refused(tmp_path: Path) -> None:
    members = {
        "one/conversations.json": conversations(1),
        "two/conversations.json": conversations(1),
    }
    with pytest.raises(
        InvalidExport, match=r"more than one export \(one, two\); import them one at a time"
    ):
        open_export(write_zip(tmp_path / "e.zip", members))


def test_a_zip_without_conversations_says_what_it_found(tmp_path: Path) -> None:
    members = {"user.json": {}, "chat.html": "<html>", "file-abc-photo.png": b"\x89PNG"}
    with pytest.raises(
        InvalidExport,
        match=r"no conversation data .*it contains chat.html, file-abc-photo.png, user.json",
    ):
        open_export(write_zip(tmp_path / "e.zip", members))


def test_a_password_protected_zip_is_refused(tmp_path: Path) -> None:
    path = write_zip(
        tmp_path / "e.zip", {"conversations.json": []}, encrypted={"conversations.json"}
    )
    with pytest.raises(InvalidExport, match="password-protected"):
        open_export(path)


def test_a_truncated_zip_is_refused(tmp_path: Path) -> None:
    whole = write_zip(
        tmp_path / "whole.zip", {"conversations.json": conversations(50)}
    ).read_bytes()
    cut = tmp_path / "cut.zip"
    cut.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(InvalidExport, match="damaged or incomplete ZIP"):
        open_export(cut)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"hello, this is text", "neither a ZIP archive nor a conversations.json"),
    ],
)
def test_files_that_are_not_exports(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "thing.zip"
    path.write_bytes(content)
    with pytest.raises(InvalidExport, match=message):
        open_export(path)


def test_a_top_level_value_that_is_not_a_list(tmp_path: Path) -> None:
    path = write_zip(tmp_path / "e.zip", {"conversations.json": "42"})
    with pytest.raises(InvalidExport, match="does not hold a list of conversations"):
        list(iter_objects(open_export(path), lambda _: None))


def test_missing_paths_and_folders(tmp_path: Path) -> None:
    with pytest.raises(PathProblem, match="does not exist"):
        open_export(tmp_path / "nope.zip")
    with pytest.raises(PathProblem, match="is a folder"):
        open_export(tmp_path)


def test_progress_counts_every_uncompressed_byte(tmp_path: Path) -> None:
    path = write_zip(
        tmp_path / "e.zip",
        {f"conversations-00{n}.json": conversations(40, prefix=str(n)) for n in range(3)},
    )
    export = open_export(path)
    seen: list[int] = []
    list(iter_objects(export, seen.append))
    with zipfile.ZipFile(path) as archive:
        assert sum(seen) == export.data_bytes == sum(i.file_size for i in archive.infolist())


def test_branches_and_damaged_trees_import_with_the_right_path(app: App, tmp_path: Path) -> None:
    from tests.helpers.exports import message, node

    branched = conversation("branched", [("user", "q"), ("assistant", "first answer")])
    branched["mapping"]["regen"] = node(
        "regen", "branched-n0", message("regen", "assistant", "second answer", t=1.0)
    )
    branched["current_node"] = "branched-n1"  # the user went back to the first answer
    dangling = conversation("dangling", [("user", "q"), ("assistant", "a")], current_node="nowhere")
    looped = conversation("looped", [("user", "q"), ("assistant", "a")])
    looped["mapping"]["looped-n0"]["parent"] = "looped-n1"  # n0 <-> n1
    orphan = conversation("orphan", [("user", "q"), ("assistant", "a")])
    orphan["mapping"]["orphan-n0"]["parent"] = "missing-parent"
    del orphan["mapping"]["client-created-root"]
    path = write_zip(
        tmp_path / "e.zip", {"conversations.json": [branched, dangling, looped, orphan]}
    )

    report = start_import(app, path)
    assert (report.added, report.skipped) == (4, 0)
    from sqlalchemy import text

    def current(conv_id: str) -> list[str]:
        with app.store.read() as session:
            return list(
                session.scalars(
                    text(
                        "SELECT m.text FROM conversation_heads h "
                        "JOIN messages m ON m.version_id = h.version_id "
                        "WHERE h.conversation_id = :c AND m.path_index IS NOT NULL "
                        "AND m.role IS NOT NULL ORDER BY m.path_index"
                    ),
                    {"c": conv_id},
                )
            )

    assert current("branched") == ["q", "first answer"]
    assert current("dangling") == ["q", "a"]
    assert current("looped") == ["q", "a"]  # the latest message, its loop cut
    assert current("orphan") == ["q", "a"]
