"""Every bad input of the catalogue (issue #5): one clear sentence, the archive exactly as it
was, and no profile left `processing`."""

from __future__ import annotations

import io
import json
import sqlite3
import stat
import zipfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from desktop_importer import library
from desktop_importer.app import App
from desktop_importer.basics.errors import (
    DesktopImporterError,
    EnvironmentProblem,
    InvalidExport,
    LimitExceeded,
    PathProblem,
)
from desktop_importer.importing import service
from desktop_importer.importing.service import open_app, profile_status, start_import
from desktop_importer.store import open_store
from tests.helpers.archive import visible
from tests.helpers.exports import chatgpt_zip, conversation, conversations, write_zip
from tests.helpers.stubs import ActingProgress

FIXTURES = Path(__file__).parents[1] / "fixtures"


def mkdir(folder: Path) -> Path:
    folder.mkdir()
    return folder


@pytest.fixture
def seeded(app: App, tmp_path: Path) -> App:
    """An archive that already holds something a failed import must not touch."""
    start_import(app, chatgpt_zip(tmp_path / "base.zip", conversations(3, prefix="base")))
    return app


def refused(app: App, path: Path, kind: type[DesktopImporterError], *, progress: Any = None) -> str:
    before = visible(app)
    with pytest.raises(kind) as error:
        start_import(app, path, progress=progress)
    sentence = error.value.message
    assert "\n" not in sentence and "Traceback" not in sentence
    assert visible(app) == before
    assert profile_status(app).status != "processing"
    return sentence


def zip_bytes(members: dict[str, Any]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, value in members.items():
            archive.writestr(name, value if isinstance(value, bytes | str) else json.dumps(value))
    return buffer.getvalue()


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def patch_central(data: bytes, name: str, offset: int, size: int, value: int) -> bytes:
    """Overwrite a field of `name`'s central-directory entry (and, for the method, its
    local header), as a hand-made hostile ZIP would have it."""
    out = bytearray(data)
    at = 0
    while (at := out.find(b"PK\x01\x02", at)) != -1:
        length = int.from_bytes(out[at + 28 : at + 30], "little")
        if bytes(out[at + 46 : at + 46 + length]).decode() == name:
            out[at + offset : at + offset + size] = value.to_bytes(size, "little")
            local = int.from_bytes(out[at + 42 : at + 46], "little")
            if offset == 10:  # the compression method sits at +8 in the local header
                out[local + 8 : local + 10] = value.to_bytes(2, "little")
        at += 46
    return bytes(out)


GOOD = [conversation("new-1"), conversation("new-2")]


@pytest.mark.parametrize(
    ("make", "kind", "sentence"),
    [
        (lambda d: write(d / "empty.zip", b""), InvalidExport, "empty.zip is empty (0 bytes); the download may not have finished."),
        (lambda d: write(d / "notes.zip", b"Dear diary"), InvalidExport, "notes.zip is neither a ZIP archive nor a conversations.json file"),
        (lambda d: write(d / "cut.zip", zip_bytes({"conversations.json": conversations(40)})[:900]), InvalidExport, "cut.zip is a damaged or incomplete ZIP archive; it may have been cut off while downloading."),
        (lambda d: write_zip(d / "locked.zip", {"conversations.json": GOOD}, encrypted={"conversations.json"}), InvalidExport, "locked.zip is password-protected; export your data again without a password."),
        (lambda d: write_zip(d / "other.zip", {"user.json": {}, "chat.html": "<p>"}), InvalidExport, "other.zip has no conversation data (no conversations.json); it contains chat.html, user.json."),
        (lambda d: write_zip(d / "nested.zip", {"Claude export/conversations-000.zip": zip_bytes({"inner.zip": zip_bytes({"conversations.json": GOOD})})}), InvalidExport, "conversations-000.zip, a ZIP inside the one given, holds ZIP files itself (inner.zip); ZIPs inside a ZIP are read one level deep, no more. Unzip it and drop the folder it makes."),
        (lambda d: write_zip(d / "two.zip", {"a/conversations.json": GOOD, "b/conversations.json": GOOD}), InvalidExport, "two.zip holds more than one export (a, b); import them one at a time."),
        (lambda d: write_zip(d / "bad.zip", {"conversations.json": json.dumps(GOOD)[:-30]}), InvalidExport, "conversations.json ends in the middle of its JSON (after byte "),
        (lambda d: write_zip(d / "num.zip", {"conversations.json": "42"}), InvalidExport, "conversations.json does not hold a list of conversations."),
        (lambda d: write_zip(d / "obj.zip", {"conversations.json": {"data": GOOD}}), InvalidExport, "obj.zip contains no conversations."),
        (lambda d: write_zip(d / "list.zip", {"conversations.json": [1, "two", None]}), InvalidExport, "Not one of the 3 conversations in list.zip could be read (the first: it is a JSON int, not a conversation)."),
        (lambda d: write_zip(d / "deep.zip", {"conversations.json": [{**conversation("d"), "extra": json.loads("[" * 300 + "]" * 300)}]}), InvalidExport, "The one conversation in deep.zip could not be read: it is nested deeper than 255 levels, the limit for one conversation."),
        (lambda d: write_zip(d / "escape.zip", {"../../.bashrc": "x", "conversations.json": GOOD}), InvalidExport, "escape.zip holds a file whose name tries to leave its folder ('../../.bashrc'); it is not a genuine export"),
        (lambda d: write_zip(d / "abs.zip", {"/etc/passwd": "x", "conversations.json": GOOD}), InvalidExport, "abs.zip holds a file whose name tries to leave its folder ('/etc/passwd')"),
        (lambda d: write_zip(d / "win.zip", {"..\\..\\evil.dll": "x", "conversations.json": GOOD}), InvalidExport, "win.zip holds a file whose name tries to leave its folder ('..\\\\..\\\\evil.dll')"),
        (lambda d: write_zip(d / "drive.zip", {"C:/Windows/x": "x", "conversations.json": GOOD}), InvalidExport, "('C:/Windows/x')"),
        (lambda d: write(d / "z.zip", patch_central(zip_bytes({"conversations.json": GOOD}), "conversations.json", 10, 2, 93)), InvalidExport, "z.zip uses a compression method this app cannot read (ZIP method 93); re-compress the export folder as a standard ZIP and import that."),
        (lambda d: write(d / "p.zip", patch_central(zip_bytes({"conversations.json": GOOD}), "conversations.json", 8, 2, 0x20)), InvalidExport, "p.zip uses a compression method this app cannot read (ZIP patched data); re-compress the export folder as a standard ZIP and import that."),
        (lambda d: write(d / "strong.zip", patch_central(zip_bytes({"conversations.json": GOOD}), "conversations.json", 8, 2, 0x40)), InvalidExport, "strong.zip is password-protected; export your data again without a password."),
        (lambda d: write(d / "bomb.zip", zip_bytes({"conversations.json": "[" + " " * 20_000_000 + "]"})), InvalidExport, "bomb.zip contains no conversations."),
        (lambda d: write(d / "liar.zip", patch_central(zip_bytes({"conversations.json": GOOD}), "conversations.json", 24, 4, 40)), InvalidExport, "liar.zip is "),
        (lambda d: d / "missing.zip", PathProblem, "missing.zip does not exist."),
        (lambda d: mkdir(d / "empty"), PathProblem, "The folder “empty” holds no files to import."),
    ],
    ids=["empty", "text", "truncated", "password", "no-data", "zips-in-a-zip", "two-exports", "malformed-json", "scalar", "object", "list-of-junk",
         "deep-nesting", "dotdot", "absolute", "backslash-dotdot", "drive-letter", "unknown-method", "patched-data", "strong-encryption", "bomb-within-limits", "lying-size", "missing", "folder"],
)  # fmt: skip
def test_each_bad_input_gets_its_sentence_and_changes_nothing(
    seeded: App,
    tmp_path: Path,
    make: Callable[[Path], Path],
    kind: type[DesktopImporterError],
    sentence: str,
) -> None:
    assert sentence in refused(seeded, make(tmp_path), kind)


@pytest.mark.parametrize(("flags", "method"), [(0x20, 8), (0x40, 8), (0, 93)])
def test_a_side_file_that_cannot_be_opened_is_passed_over(
    seeded: App, tmp_path: Path, flags: int, method: int
) -> None:
    """A file beside the conversations (ChatGPT's user.json, read to tell the account)
    that zipfile cannot open, by its flags or its method, is not read: the conversations
    are imported (it raised an uncaught error before)."""
    data = zip_bytes({"conversations.json": GOOD, "user.json": {"id": "user-1"}})
    data = patch_central(data, "user.json", 8, 2, flags)
    data = patch_central(data, "user.json", 10, 2, method)
    report = start_import(seeded, write(tmp_path / "side.zip", data))
    assert report.added == 2


def shifted_directory(data: bytes, by: int) -> bytes:
    """The end record says the central directory starts `by` bytes later than it does:
    zipfile then puts every member `by` bytes earlier, before the file's start."""
    out = bytearray(data)
    end = out.rfind(b"PK\x05\x06")
    offset = int.from_bytes(out[end + 16 : end + 20], "little")
    out[end + 16 : end + 20] = (offset + by).to_bytes(4, "little")
    return bytes(out)


@pytest.mark.parametrize(
    "members",
    [
        {"conversations.json": GOOD},
        {"chat-7c1e6a52-9d0b-4d2e-8f55-0a1b2c3d4e5f.json": [{"chatId": "c", "role": "user"}]},
    ],
    ids=["chatgpt", "le-chat"],
)
def test_members_placed_before_the_files_start_are_a_damaged_zip(
    seeded: App, tmp_path: Path, members: dict[str, Any]
) -> None:
    """A damaged central directory can place members outside the file; reading one failed
    in a seek (an uncaught OSError while telling the vendor, "failed unexpectedly" while
    reading)."""
    path = write(tmp_path / "shifted.zip", shifted_directory(zip_bytes(members), 50_000))
    assert "is a damaged or incomplete ZIP archive" in refused(seeded, path, InvalidExport)


def repetitive_log(megabytes: int) -> str:
    lines = [
        f"2026-11-30 12:00:{n % 60:02d} INFO worker-3 heartbeat ok queue=0\n" for n in range(2)
    ]
    block = "".join(lines)
    return block * (megabytes * 2**20 // len(block))


def test_a_genuine_repetitive_export_is_never_refused_for_compressing_well(
    seeded: App, tmp_path: Path
) -> None:
    """One long pasted log makes a small export's conversations.json compress hundreds to
    one; what it costs to read is its declared size, which is small."""
    paste = repetitive_log(5)
    path = chatgpt_zip(tmp_path / "log.zip", [conversation("log", [("user", paste)])])
    info = zipfile.ZipFile(path).getinfo("conversations.json")
    assert info.file_size / info.compress_size > 250  # what the old ratio test refused
    report = start_import(seeded, path)
    assert report.added == 1
    assert ("log", "log-n0", paste) in {(row[1], row[4], row[5]) for row in visible(seeded)}


@pytest.mark.parametrize(
    ("setting", "words"),
    [
        ("max_member_bytes", "the size limit for one conversations file"),
        ("max_total_bytes", "the size limit for an export's conversations"),
    ],
)
def test_a_size_refusal_names_its_limit_in_plain_words_and_can_be_lifted(
    seeded: App, tmp_path: Path, setting: str, words: str
) -> None:
    seeded.settings = replace(seeded.settings, **{setting: 1000})
    path = chatgpt_zip(tmp_path / "big.zip", conversations(30))
    before = visible(seeded)
    with pytest.raises(LimitExceeded) as error:
        start_import(seeded, path)
    assert error.value.limit == setting
    assert words in error.value.message
    assert "DESKTOP_IMPORTER" not in error.value.message
    assert visible(seeded) == before
    report = start_import(seeded, path, allow_large=True)  # "Import anyway"
    assert report.added == 30


def test_lifting_the_size_limits_keeps_the_free_disk_check(
    seeded: App, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seeded.settings = replace(seeded.settings, max_total_bytes=1000)
    monkeypatch.setattr(service, "free_bytes", lambda folder: 10 * 2**20)
    path = chatgpt_zip(tmp_path / "big.zip", conversations(30))
    with pytest.raises(EnvironmentProblem, match="Not enough free disk space"):
        start_import(seeded, path, allow_large=True)


@pytest.mark.parametrize(
    ("setting", "value", "sentence"),
    [
        ("max_member_bytes", 1000, "conversations.json would inflate to "),
        ("max_total_bytes", 1000, "would inflate to "),
    ],
)
def test_declared_sizes_are_refused_before_inflating(
    seeded: App, tmp_path: Path, setting: str, value: int, sentence: str
) -> None:
    seeded.settings = replace(seeded.settings, **{setting: value})
    message = refused(seeded, chatgpt_zip(tmp_path / "big.zip", conversations(30)), LimitExceeded)
    assert sentence in message
    assert message.endswith("(1,000 bytes); it was refused before reading.")


def test_a_bare_json_file_over_the_member_limit_is_refused(seeded: App, tmp_path: Path) -> None:
    seeded.settings = replace(seeded.settings, max_member_bytes=100)
    path = write(tmp_path / "conversations.json", json.dumps(GOOD).encode())
    assert refused(seeded, path, LimitExceeded).startswith(
        "conversations.json is 1.9 KB, more than the size limit for one conversations file "
        "(100 bytes)"
    )


def test_a_message_over_the_size_limit_skips_its_conversation(seeded: App, tmp_path: Path) -> None:
    seeded.settings = replace(seeded.settings, max_message_bytes=1000)
    big = conversation("big", [("user", "x" * 5000)])
    report = start_import(seeded, chatgpt_zip(tmp_path / "m.zip", [big, conversation("small")]))
    assert report.added == 1
    assert (
        report.skipped_details[0].reason
        == "message big-n0 is 4.9 KB, more than the limit of 1,000 bytes (max_message_bytes)"
    )


def test_a_symlink_member_is_refused(seeded: App, tmp_path: Path) -> None:
    path = tmp_path / "link.zip"
    with zipfile.ZipFile(path, "w") as archive:
        info = zipfile.ZipInfo("conversations.json")
        info.create_system = 3
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(info, "/home/someone/.ssh/id_rsa")
    assert refused(seeded, path, InvalidExport) == (
        "conversations.json in link.zip is a symbolic link, not conversation data; it is not a genuine export."
    )


def test_backslash_separators_from_windows_tools_are_understood(app: App, tmp_path: Path) -> None:
    path = write_zip(
        tmp_path / "win.zip", {"My Export\\conversations.json": GOOD, "My Export\\user.json": {}}
    )
    assert start_import(app, path).added == 2


def test_windows_deflate64_zips_are_read(app: App) -> None:
    report = start_import(app, FIXTURES / "windows_deflate64.zip")
    assert (report.added, report.skipped) == (3, 0)


def test_a_file_that_changes_while_it_is_read_is_refused(seeded: App, tmp_path: Path) -> None:
    path = chatgpt_zip(tmp_path / "growing.zip", conversations(5))

    def grow() -> None:
        with path.open("ab") as handle:
            handle.write(b"more bytes arriving")

    assert refused(seeded, path, InvalidExport, progress=ActingProgress(1, grow)) == (
        "growing.zip changed while it was being read (is it still downloading?); nothing was imported. "
        "Import it again once it is complete."
    )
    assert profile_status(seeded).status == "failed"


def test_a_file_that_disappears_while_it_is_read_is_refused(seeded: App, tmp_path: Path) -> None:
    path = chatgpt_zip(tmp_path / "gone.zip", conversations(5))

    assert refused(seeded, path, PathProblem, progress=ActingProgress(1, path.unlink)) == (
        "gone.zip disappeared while it was being imported; nothing was changed."
    )


def test_too_little_free_disk_space_is_refused_before_starting(
    seeded: App, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service, "free_bytes", lambda folder: 10 * 2**20)
    sentence = refused(seeded, chatgpt_zip(tmp_path / "x.zip", GOOD), EnvironmentProblem)
    assert sentence.startswith("Not enough free disk space for this import: it needs about ")
    assert "and 10.0 MB is free. Free some space and try again." in sentence
    assert profile_status(seeded).status == "complete"  # the claim was never made


def test_a_disk_that_fills_up_during_the_import_fails_cleanly(seeded: App, tmp_path: Path) -> None:
    """A page-count limit stands in for a full disk (root ignores file permissions)."""
    with seeded.store.read() as session:
        pages = session.connection().exec_driver_sql("PRAGMA page_count").scalar_one()
    seeded.store.engine.dispose()

    @event.listens_for(seeded.store.engine, "connect")
    def _small_disk(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages + 8}")

    seeded.settings = replace(seeded.settings, batch_conversations=5)
    big = [conversation(f"c{i}", [("user", "words " * 400)]) for i in range(60)]
    sentence = refused(seeded, chatgpt_zip(tmp_path / "big.zip", big), EnvironmentProblem)
    assert sentence == "The disk is full: free some space and try the import again."
    state = profile_status(seeded)
    assert (state.status, state.last_error) == ("failed", sentence)


def test_a_database_locked_by_another_program_is_refused(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DESKTOP_IMPORTER_BUSY_TIMEOUT_MS", "200")
    app = open_app(data_dir)
    try:
        start_import(app, chatgpt_zip(tmp_path / "base.zip", conversations(2)))
        other = sqlite3.connect(app.store.path, isolation_level=None)
        other.execute("BEGIN EXCLUSIVE")  # another program holds the write lock
        try:
            sentence = refused(app, chatgpt_zip(tmp_path / "x.zip", GOOD), EnvironmentProblem)
        finally:
            other.execute("ROLLBACK")
            other.close()
        assert sentence.startswith("The archive database is locked by another program (")
        assert sentence.endswith("close that program and try again.")
    finally:
        app.close()


def test_a_read_only_database_is_refused(data_dir: Path, tmp_path: Path) -> None:
    writable = open_app(data_dir)
    start_import(writable, chatgpt_zip(tmp_path / "base.zip", conversations(2)))
    before = visible(writable)
    writable.close()
    store = open_store(data_dir, read_only=True)
    app = App(store)
    try:
        with pytest.raises(EnvironmentProblem, match=r"The archive database is read-only \("):
            start_import(app, chatgpt_zip(tmp_path / "x.zip", GOOD))
        assert visible(app) == before
    finally:
        app.close()


def test_malformed_json_is_placed_at_its_exact_byte(seeded: App, tmp_path: Path) -> None:
    good = json.dumps(conversations(400))  # larger than one read chunk
    broken = good[:-1] + ', {"id": "x", "title": oops}]'
    at = broken.index("oops")
    sentence = refused(
        seeded, write_zip(tmp_path / "b.zip", {"conversations.json": broken}), InvalidExport
    )
    assert sentence == (
        f"conversations.json is not valid JSON (at byte {at:,}: lexical error: invalid char in json text.); "
        "the export may be damaged."
    )


def test_json_that_stops_half_way_says_the_export_is_incomplete(
    seeded: App, tmp_path: Path
) -> None:
    cut = json.dumps(conversations(5))[:-40]
    sentence = refused(
        seeded, write_zip(tmp_path / "c.zip", {"conversations.json": cut}), InvalidExport
    )
    assert sentence == (
        f"conversations.json ends in the middle of its JSON (after byte {len(cut):,}); "
        "the export is incomplete, perhaps cut off while downloading."
    )


def test_the_total_limit_holds_on_bytes_actually_read(seeded: App, tmp_path: Path) -> None:
    """Declared sizes can lie; the bytes the reader is handed are counted too."""
    seeded.settings = replace(seeded.settings, max_total_bytes=2000)
    path = write(tmp_path / "conversations.json", json.dumps(conversations(40)).encode())
    assert refused(seeded, path, LimitExceeded) == (
        "conversations.json inflated to more than 2.0 KB of conversations, the size limit for "
        "an export's conversations; nothing was imported."
    )


def test_json_the_fast_reader_leaves_to_ijson_is_imported_whole_and_counted_once(
    app: App, tmp_path: Path
) -> None:
    """A conversation nested past the fast reader's depth makes ijson read the file again
    (readers/json_stream.py): every conversation arrives once, the deep one is skipped with
    its reason, and the bytes read again do not count twice against the size limit."""
    deep = json.dumps(conversation("deep"))[:-1] + ', "extra": ' + "[" * 3000 + "]" * 3000 + "}"
    first, last = (json.dumps(conversation(name)) for name in ("first", "last"))
    body = f"[{first}, {deep}, {last}]".encode()
    app.settings = replace(app.settings, max_total_bytes=len(body) + 100)
    report = start_import(app, write(tmp_path / "conversations.json", body))
    assert (report.added, report.skipped) == (2, 1)
    assert "nested deeper than 255 levels" in report.skipped_details[0].reason
    assert {r.conversation_id for r in library.list_page(app, "default")} == {"first", "last"}
