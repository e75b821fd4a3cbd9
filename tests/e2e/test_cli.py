"""The installed `desktop-importer` command, run as a user would: exit codes, JSON, sentences."""

from __future__ import annotations

import argparse
import io
import json
import os
import pty
import re
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from desktop_importer.basics.progress import ProgressUpdate
from desktop_importer.cli import build_parser
from desktop_importer.cli.terminal import TextBar
from tests.helpers.claude2026 import MANIFEST, download_folder
from tests.helpers.exports import chatgpt_zip, conversation, conversations, write_zip

CLI = str(Path(sys.executable).with_name("desktop-importer"))


def run(*args: str, data_dir: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {**os.environ, "DESKTOP_IMPORTER_DATA_DIR": str(data_dir), **env}
    return subprocess.run(
        [CLI, *args], capture_output=True, text=True, env=environ, timeout=120, check=False
    )


def run_json(*args: str, data_dir: Path) -> tuple[int, dict[str, Any]]:
    done = run(*args, "--json", data_dir=data_dir)
    assert "Traceback" not in done.stderr
    return done.returncode, json.loads(done.stdout)


@pytest.fixture
def export(tmp_path: Path) -> Path:
    return chatgpt_zip(tmp_path / "My Export ✓.zip", conversations(3))


def test_import_reports_in_json_and_in_words(data_dir: Path, export: Path) -> None:
    code, body = run_json("import", str(export), data_dir=data_dir)
    assert code == 0
    assert body == {
        "status": "complete",
        "conversations": 3,
        "messages": 6,
        "added": 3,
        "updated": 0,
        "unchanged": 0,
        "skipped": 0,
        "skippedDetails": [],
        "unreadContent": {},
        "media": {
            "files": 0,
            "bytes": 0,
            "kept": 0,
            "missing": 0,
            "unreferenced": 0,
            "added": 0,
            "read": True,
        },
        "files": ["My Export ✓.zip"],
        "setAside": [],
        "projects": 0,
        "memories": 0,
        "library": 0,
        "vendors": {"chatgpt": 3},
        "notes": {},
        "accounts": [],
    }
    again = run("import", str(export), data_dir=data_dir)
    assert again.returncode == 0
    assert again.stdout.strip() == (
        "Imported 3 conversations (6 messages): nothing new, 3 unchanged, 0 skipped."
    )


def test_status_gives_every_key_of_the_contract(data_dir: Path, export: Path) -> None:
    run("import", str(export), data_dir=data_dir)
    code, body = run_json("status", data_dir=data_dir)
    assert code == 0
    for key in ("status", "processingStartedAt", "heartbeatAt", "elapsedMinutes", "stale",
                "source", "stage", "progress", "lastError", "conversations", "messages",
                "database"):  # fmt: skip
        assert key in body
    assert (body["status"], body["conversations"], body["messages"]) == ("complete", 3, 6)
    assert body["processingStartedAt"].endswith("Z")
    assert body["database"] == str(data_dir / "archive.sqlite3")
    assert body["source"]["name"] == export.name
    human = run("status", data_dir=data_dir).stdout
    assert "Profile default: complete" in human
    assert "3 conversations, 6 messages" in human
    assert "Media: 0 files, 0 bytes." in human


def test_counts_of_one_are_singular(data_dir: Path, tmp_path: Path) -> None:
    one = chatgpt_zip(tmp_path / "one.zip", [conversation("solo", [("user", "Only me")])])
    words = run("import", str(one), data_dir=data_dir).stdout
    assert "Imported 1 conversation (1 message)" in words
    assert "Archive: 1 conversation, 1 message in" in run("status", data_dir=data_dir).stdout


def test_profiles_are_separate_archives(data_dir: Path, export: Path) -> None:
    run("import", str(export), "--profile", "work", data_dir=data_dir)
    assert run_json("status", "--profile", "work", data_dir=data_dir)[1]["conversations"] == 3
    assert run_json("status", data_dir=data_dir)[1]["conversations"] == 0


@pytest.mark.parametrize(
    ("make", "sentence"),
    [
        (lambda d: d / "missing.zip", "does not exist."),
        (lambda d: d, "holds no files to import."),  # an empty folder
    ],
)
def test_paths_that_fail_the_pre_checks_exit_66_and_touch_nothing(
    data_dir: Path, tmp_path: Path, make: Any, sentence: str
) -> None:
    code, body = run_json("import", str(make(tmp_path)), data_dir=data_dir)
    assert code == 66
    assert body["status"] == "failed"
    assert body["error"].endswith(sentence)
    assert run_json("status", data_dir=data_dir)[1]["status"] == "idle"


@pytest.mark.parametrize(
    ("members", "sentence"),
    [
        (None, "neither a ZIP archive nor a conversations.json file"),
        (
            {"user.json": {}},
            "has no conversation data (no conversations.json); it contains user.json.",
        ),
        ({"conversations.json": '[{"id": "x", "mapping": {'}, "ends in the middle of its JSON"),
        (
            {"conversations.json": [{"id": 1}]},
            "The one conversation in bad.zip could not be read: it holds no messages",
        ),
    ],
)
def test_unusable_exports_exit_65_with_one_sentence(
    data_dir: Path, tmp_path: Path, members: dict[str, Any] | None, sentence: str
) -> None:
    path = tmp_path / "bad.zip"
    if members is None:
        path.write_text("just some text")
    else:
        write_zip(path, members)
    done = run("import", str(path), data_dir=data_dir)
    assert done.returncode == 65
    assert sentence in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert "Traceback" not in done.stderr
    state = run_json("status", data_dir=data_dir)[1]
    assert state["status"] in ("idle", "failed")
    assert state["conversations"] == 0


def test_a_failure_after_the_claim_is_recorded_for_the_user(data_dir: Path, tmp_path: Path) -> None:
    path = write_zip(tmp_path / "bad.zip", {"conversations.json": '[{"id": "x", "mapping": {'})
    run("import", str(path), data_dir=data_dir)
    state = run_json("status", data_dir=data_dir)[1]
    assert state["status"] == "failed"
    assert "ends in the middle of its JSON" in state["lastError"]


def test_an_archive_that_cannot_be_opened_exits_74(data_dir: Path, export: Path) -> None:
    (data_dir / "archive.sqlite3").mkdir(parents=True)  # a folder where the database should be
    done = run("import", str(export), data_dir=data_dir)
    assert done.returncode == 74
    assert done.stderr.strip().startswith("The archive database cannot be opened at")


def test_an_archive_from_a_newer_version_exits_74(data_dir: Path, export: Path) -> None:
    run("status", data_dir=data_dir)
    with sqlite3.connect(data_dir / "archive.sqlite3") as db:
        db.execute("PRAGMA user_version = 99")
    db.close()
    code, body = run_json("import", str(export), data_dir=data_dir)
    assert code == 74
    assert "newer version of Desktop Importer" in body["error"]


@pytest.mark.parametrize(
    "whole_group",
    [False, True],
    ids=["signal to the importer", "Ctrl+C at a terminal: the whole process group"],
)
def test_ctrl_c_cancels_at_the_next_batch_and_exits_130(
    data_dir: Path, tmp_path: Path, whole_group: bool
) -> None:
    first = chatgpt_zip(tmp_path / "first.zip", conversations(2, prefix="kept"))
    run("import", str(first), data_dir=data_dir)
    big = chatgpt_zip(tmp_path / "big.zip", conversations(3000))
    master, slave = pty.openpty()  # a terminal on stderr, so the progress bar is drawn
    environ = {**os.environ, "DESKTOP_IMPORTER_DATA_DIR": str(data_dir),
               "DESKTOP_IMPORTER_BATCH_CONVERSATIONS": "1"}  # fmt: skip
    child = subprocess.Popen(
        [CLI, "import", str(big)], stdout=subprocess.DEVNULL, stderr=slave, env=environ,
        start_new_session=True,  # its own process group, as a shell gives a command
    )  # fmt: skip
    os.close(slave)
    seen = b""
    while not re.search(rb"reading: [1-9]", seen):  # conversations are arriving
        seen += os.read(master, 4096)
    if whole_group:  # the reading process gets it too
        os.killpg(child.pid, signal.SIGINT)
    else:
        child.send_signal(signal.SIGINT)
    child.wait(timeout=120)
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    os.close(master)
    assert b"Traceback" not in seen
    assert child.returncode == 130, seen.decode(errors="replace")
    assert b"Import cancelled; the archive is unchanged." in seen
    state = run_json("status", data_dir=data_dir)[1]
    assert (state["status"], state["conversations"]) == ("cancelled", 2)


def test_every_command_has_help(data_dir: Path) -> None:
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    commands: dict[str, argparse.ArgumentParser] = action.choices
    assert set(commands) >= {"import", "status"}
    environ = {**os.environ, "DESKTOP_IMPORTER_DATA_DIR": str(data_dir)}
    helping = {  # all at once, a process each (one after another took 9 s of the suite)
        name: subprocess.Popen(
            [CLI, name, "--help"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env=environ,
        )
        for name in commands
    }  # fmt: skip
    for name, sub in commands.items():
        assert sub.description, f"{name} has no description"
        shown, _ = helping[name].communicate(timeout=120)
        assert helping[name].returncode == 0
        assert f"usage: desktop-importer {name}" in shown
        assert "--profile" in shown
        assert "--json" in shown


def test_the_headless_path_never_imports_qt(data_dir: Path, export: Path) -> None:
    script = (
        "import sys; sys.modules['PySide6'] = None\n"
        "from desktop_importer.cli import main\n"
        f"code = main(['import', {str(export)!r}, '--json'])\n"
        "assert not [m for m in sys.modules if m.startswith('PySide6.')]\n"
        "raise SystemExit(code)\n"
    )
    environ = {**os.environ, "DESKTOP_IMPORTER_DATA_DIR": str(data_dir)}
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=environ, check=False
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["added"] == 3


def test_the_log_is_private_and_never_holds_conversation_text(data_dir: Path, export: Path) -> None:
    run("import", str(export), data_dir=data_dir)
    log_file = data_dir / "logs" / "desktop-importer.log"
    logged = log_file.read_text()
    assert "Import 1 of profile default started" in logged
    assert "complete" in logged
    assert "conv 0 turn" not in logged
    assert "Title of" not in logged
    assert (log_file.stat().st_mode & 0o777) == 0o600
    assert (log_file.parent.stat().st_mode & 0o777) == 0o700


def test_the_conversations_command_lists_in_the_windows_order(
    data_dir: Path, tmp_path: Path
) -> None:
    """One order for the window and the command line: newest first by the last update,
    or by the creation when a conversation has no update time (the command line once put
    those last)."""
    from desktop_importer import library
    from desktop_importer.importing.service import open_app

    convs = [
        conversation("a", update_time=1_700_000_100.0),
        {**conversation("b", update_time=None), "create_time": 1_700_000_300.0},
        conversation("c", update_time=1_700_000_200.0),
    ]
    assert (
        run("import", str(chatgpt_zip(tmp_path / "x.zip", convs)), data_dir=data_dir).returncode
        == 0
    )
    code, body = run_json("conversations", data_dir=data_dir)
    assert code == 0
    listed = [c["id"] for c in body["conversations"]]
    app = open_app(data_dir)
    try:
        window = [row.conversation_id for row in library.list_page(app, "default")]
    finally:
        app.close()
    assert listed == window == ["b", "c", "a"]


def test_claudes_download_folder_is_one_import_named_parts_and_partial(
    data_dir: Path, tmp_path: Path
) -> None:
    folder = download_folder(tmp_path / "Claude export")
    (folder / "conversations-001.zip").rename(tmp_path / "later.zip")
    missing = run("import", str(folder / MANIFEST), data_dir=data_dir)
    assert missing.returncode == 66
    assert "conversations-001.zip is not beside it" in missing.stderr
    assert missing.stderr.strip().endswith(
        "To import the files that are there now, run the command again with --partial."
    )
    assert "Traceback" not in missing.stderr and "contains no conversations" not in missing.stderr
    code, body = run_json("import", str(folder / MANIFEST), "--partial", data_dir=data_dir)
    assert code == 0 and body["added"] == 3 and body["projects"] == 1
    assert body["files"] == ["conversations-000.zip", "projects-000.zip", "memories-000.zip"]
    (tmp_path / "later.zip").rename(folder / "conversations-001.zip")
    words = run("import", str(folder / "conversations-000.zip"),
                str(folder / "conversations-001.zip"), str(folder / "users.json"),
                data_dir=data_dir)  # fmt: skip
    assert words.returncode == 0
    assert words.stdout.splitlines()[:3] == [
        "Imported 4 conversations (9 messages): 1 added, 0 updated, 3 unchanged, 0 skipped.",
        "Read 2 files as one export: conversations-000.zip, conversations-001.zip.",
        "Set aside users.json: the account's details (a name and an e-mail address), which "
        "the archive does not keep.",
    ]
    code, status = run_json("status", data_dir=data_dir)
    assert status["source"]["name"] == "conversations-000.zip and 2 more files"
    assert len(status["source"]["paths"]) == 3


def test_projects_and_memory_are_read_and_a_project_named_from_the_command_line(
    data_dir: Path, tmp_path: Path
) -> None:
    from tests.helpers.claude2026 import MEMORIES, MEMORY, download_folder
    from tests.integration.test_chatgpt_projects import KITCHEN
    from tests.integration.test_chatgpt_projects import export_of as chatgpt_projects

    assert run("import", str(download_folder(tmp_path / "dl")), data_dir=data_dir).returncode == 0
    assert run("import", str(chatgpt_projects(tmp_path)), data_dir=data_dir).returncode == 0
    code, body = run_json("projects", data_dir=data_dir)
    assert code == 0
    assert [(p["name"], p["documents"], p["conversations"]) for p in body["projects"]] == [
        ("Beekeeping", 1, 0),
        ("Unnamed project 0f1e2d3c", 0, 1),
        ("Unnamed project 67a1b2c3", 0, 2),
    ]
    words = run("projects", "proj-1", data_dir=data_dir)
    assert words.returncode == 0
    assert "Answer as a beekeeper would." in words.stdout and "hives.md" in words.stdout
    code, named = run_json("projects", KITCHEN, "--name", "Kitchen tiles", data_dir=data_dir)
    assert (code, named["name"], named["conversations"]) == (0, "Kitchen tiles", 2)
    assert "Kitchen tiles" in run("projects", data_dir=data_dir).stdout
    code, memory = run_json("memory", data_dir=data_dir)
    assert code == 0 and [m["memory"] for m in memory["memories"]] == [MEMORIES]
    assert MEMORY in run("memory", data_dir=data_dir).stdout
    unknown = run("projects", "g-p-nope", data_dir=data_dir)
    assert unknown.returncode == 1 and "Traceback" not in unknown.stderr
    assert unknown.stderr.strip() == (
        "There is no project g-p-nope in the archive of profile default; "
        "`desktop-importer projects` lists them."
    )


def test_stats_prints_the_figures_insights_draws(data_dir: Path, tmp_path: Path) -> None:
    """`stats`: camelCase JSON, months in the person's local time (TZ), words and models;
    `--vendor` narrows it; words on a terminal; an empty archive said in a sentence."""
    done = run("stats", data_dir=data_dir)
    assert done.returncode == 0 and "holds no conversations" in done.stdout
    turns = [("user", "Plan the kitchen tiles"), ("assistant", "Start with the wall")]
    convs = [conversation("late", turns, update_time=1_700_000_000.0)]
    convs[0]["default_model_slug"] = "gpt-4o"
    late = 1_767_222_000.0  # 2025-12-31 23:00 UTC: 2026-01-01 00:00 in Ljubljana
    for msg in convs[0]["mapping"].values():
        if msg["message"]:
            msg["message"]["create_time"] = late
    run("import", str(chatgpt_zip(tmp_path / "e.zip", convs)), data_dir=data_dir)
    environ = {"TZ": "Europe/Ljubljana"}
    done = run("stats", "--json", data_dir=data_dir, **environ)
    assert done.returncode == 0 and "Traceback" not in done.stderr
    body = json.loads(done.stdout)
    assert body["totals"] | {"mediaFiles": 0} == {
        "conversations": 1, "messages": 2, "prompts": 1, "answers": 1, "wordsWritten": 4,
        "wordsRead": 4, "mediaFiles": 0, "mediaBytes": 0, "activeDays": 1,
        "firstDay": "2026-01-01", "lastDay": "2026-01-01",
    }  # fmt: skip
    assert body["months"] == [
        {"month": "2026-01", "vendor": "chatgpt", "conversations": 1, "messages": 2}
    ]
    assert body["models"] == [{"model": "gpt-4o", "vendor": "chatgpt", "conversations": 1}]
    assert body["hours"]["messages"][3][0] == 2  # Thursday, 00:00 to 01:00
    assert [c["id"] for c in body["longest"]] == ["late"]
    in_utc = json.loads(run("stats", "--json", data_dir=data_dir, TZ="UTC").stdout)
    assert in_utc["months"][0]["month"] == "2025-12"
    assert (
        run_json("stats", "--vendor", "claude", data_dir=data_dir)[1]["totals"]["conversations"]
        == 0
    )
    words = run("stats", data_dir=data_dir, **environ).stdout
    assert "1 conversation, 2 messages, from 2026-01-01 to 2026-01-01" in words
    assert "You wrote 4 words in 1 prompt; you read 4 words in 1 answer." in words
    assert "gpt-4o" in words and "2026-01  ChatGPT 1 / 2" in words


def test_a_count_of_one_is_said_in_the_singular(data_dir: Path, tmp_path: Path) -> None:
    """`conversations`, `stats` and the progress line say "1 message" and "1 conversation",
    as the report does, not "1 messages"."""
    convs = [
        conversation("alone", [("user", "Just a thought")], update_time=1_700_000_000.0),
        conversation("pair", [("user", "A question"), ("assistant", "An answer")]),
    ]
    run("import", str(chatgpt_zip(tmp_path / "e.zip", convs)), data_dir=data_dir)
    listed = run("conversations", data_dir=data_dir).stdout
    assert "Title of alone  (1 message)  alone" in listed
    assert "Title of pair  (2 messages)  pair" in listed
    words = run("stats", data_dir=data_dir).stdout
    assert re.search(r"^ +1 message   Title of alone  alone$", words, re.MULTILINE), words
    assert re.search(r"^ +2 messages  Title of pair  pair$", words, re.MULTILINE), words
    drawn = io.StringIO()
    TextBar(drawn).update(ProgressUpdate("reading", 5, 10, 1, None))
    assert drawn.getvalue().endswith(" 50%  reading: 1 conversation")


def test_stats_words_counts_them_once_and_says_what_stands_out(
    data_dir: Path, tmp_path: Path
) -> None:
    convs = [
        conversation(f"k{i}", [("user", "kubernetes ingress 学习中文"), ("assistant", "ok")])
        for i in range(3)
    ]
    run("import", str(chatgpt_zip(tmp_path / "w.zip", convs)), data_dir=data_dir)
    first = run("stats", "--words", "--json", data_dir=data_dir)
    assert first.returncode == 0 and "Counting the words of 3 conversations" in first.stderr
    periods = json.loads(first.stdout)["words"]
    assert periods[0]["period"] == "All time"
    words = [w["word"] for w in periods[0]["words"]]
    assert {"kubernetes", "ingress", "学习", "中文"} <= set(words)
    assert {"word": "kubernetes", "conversations": 3} in periods[0]["words"]
    again = run("stats", "--words", data_dir=data_dir)
    assert "Counting" not in again.stderr  # counted once, kept
    assert "Words that stand out:" in again.stdout and "kubernetes" in again.stdout
