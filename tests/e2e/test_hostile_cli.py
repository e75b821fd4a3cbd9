"""Hostile input through the installed command: exit codes and one line, no traceback."""

from __future__ import annotations

import fcntl
import json
import os
import sqlite3
import subprocess
from pathlib import Path

import pytest

from tests.e2e.test_cli import CLI, run
from tests.helpers.exports import chatgpt_zip, conversation, conversations, write_zip


def test_a_million_levels_of_nesting_ends_in_a_sentence_not_an_exhausted_machine(
    data_dir: Path, tmp_path: Path
) -> None:
    depth = 1_000_000  # ijson's path prefixes grow with the square of the depth
    hostile = "[" + '{"id": "x", "mapping": ' + "[" * depth + "]" * depth + "}]"
    path = write_zip(tmp_path / "deep.zip", {"conversations.json": hostile})
    # It compresses 1,000 to 1 and is small by its declared size: the memory cap stops it.
    done = run("import", str(path), data_dir=data_dir, DESKTOP_IMPORTER_MAX_MEMORY_MB="1024")
    assert done.returncode == 65
    assert done.stderr.strip() == (
        "deep.zip cannot be read within the memory limit of 1,024 MB (max_memory_mb): it is nested "
        "too deeply or holds one value too large."
    )
    status = json.loads(run("status", "--json", data_dir=data_dir).stdout)
    assert (status["status"], status["conversations"]) == ("failed", 0)


def test_a_locked_database_exits_74(data_dir: Path, tmp_path: Path) -> None:
    export = chatgpt_zip(tmp_path / "x.zip", conversations(2))
    assert run("import", str(export), data_dir=data_dir).returncode == 0
    other = sqlite3.connect(data_dir / "archive.sqlite3", isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        done = run(
            "import",
            str(export),
            "--json",
            data_dir=data_dir,
            DESKTOP_IMPORTER_BUSY_TIMEOUT_MS="300",
        )
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert done.returncode == 74
    body = json.loads(done.stdout)
    assert body["status"] == "failed"
    assert body["error"].startswith("The archive database is locked by another program")
    assert "Traceback" not in done.stderr


def test_a_size_limit_is_named_and_lifted_by_allow_large(data_dir: Path, tmp_path: Path) -> None:
    export = chatgpt_zip(tmp_path / "big.zip", conversations(20))
    limited = {"data_dir": data_dir, "DESKTOP_IMPORTER_MAX_TOTAL_BYTES": "1000"}
    refused = run("import", str(export), "--json", **limited)  # type: ignore[arg-type]
    assert refused.returncode == 65
    body = json.loads(refused.stdout)
    assert body["status"] == "failed"
    assert body["limit"] == "max_total_bytes"
    assert "the size limit for an export's conversations" in body["error"]
    words = run("import", str(export), **limited)  # type: ignore[arg-type]
    assert words.stderr.strip().endswith(
        "it was refused before reading. If the export is genuine, import it with --allow-large."
    )
    assert "--allow-large" in run("import", "--help", data_dir=data_dir).stdout
    done = run("import", str(export), "--allow-large", "--json", **limited)  # type: ignore[arg-type]
    assert done.returncode == 0
    assert json.loads(done.stdout)["added"] == 20


F_SETPIPE_SZ = 1031  # Linux's fcntl command (fcntl.F_SETPIPE_SZ from Python 3.10)


def read_a_little_then_close(*args: str, data_dir: Path) -> tuple[int, str, str]:
    """What `desktop-importer ARGS | head -c 64` does to the command: read, go away."""
    environ = {**os.environ, "DESKTOP_IMPORTER_DATA_DIR": str(data_dir)}
    with subprocess.Popen(
        [CLI, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=environ
    ) as process:
        assert process.stdout is not None and process.stderr is not None
        # The smallest pipe Linux allows (a page), set before the command has started, so
        # that its output cannot all fit and it surely writes after we have gone.
        fcntl.fcntl(process.stdout.fileno(), F_SETPIPE_SZ, 4096)
        first = process.stdout.read(64).decode()
        process.stdout.close()
        stderr = process.stderr.read().decode()
        return process.wait(timeout=60), first, stderr


@pytest.mark.parametrize(
    "command",
    [
        ("show", "long"),
        ("show", "long", "--json"),
        ("conversations",),
        ("search", "turn", "--limit", "5000"),
    ],
)
def test_output_into_a_closed_pipe_ends_quietly_with_141(
    data_dir: Path, tmp_path: Path, command: tuple[str, ...]
) -> None:
    turns = [("user", f"hello {n} " + "line of text " * 400) for n in range(60)]  # ~300 KB
    many = [conversation("long", turns), *conversations(3000, prefix="c")]  # a long listing
    assert (
        run("import", str(chatgpt_zip(tmp_path / "x.zip", many)), data_dir=data_dir).returncode == 0
    )
    code, first, stderr = read_a_little_then_close(*command, data_dir=data_dir)
    assert first  # it did print before its reader went away
    assert (code, stderr) == (141, "")
    logged = "".join(p.read_text() for p in (data_dir / "logs").glob("*.log*"))
    assert "BrokenPipeError" not in logged and "ERROR" not in logged
