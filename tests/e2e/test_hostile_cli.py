"""Hostile input through the installed command: exit codes and one line, no traceback."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from tests.e2e.test_cli import run
from tests.helpers.exports import chatgpt_zip, conversations, write_zip


def test_a_million_levels_of_nesting_ends_in_a_sentence_not_an_exhausted_machine(
    data_dir: Path, tmp_path: Path
) -> None:
    depth = 1_000_000  # ijson's path prefixes grow with the square of the depth
    hostile = "[" + '{"id": "x", "mapping": ' + "[" * depth + "]" * depth + "}]"
    path = write_zip(tmp_path / "deep.zip", {"conversations.json": hostile})
    # The ratio limit would refuse this first (it compresses 1,000 to 1); lift it to reach the
    # memory limit, which also covers nesting that compresses poorly.
    done = run(
        "import",
        str(path),
        data_dir=data_dir,
        DESKTOP_IMPORTER_MAX_MEMORY_MB="1024",
        DESKTOP_IMPORTER_MAX_RATIO="100000",
    )
    assert done.returncode == 65
    assert done.stderr.strip() == (
        "deep.zip cannot be read within the memory limit of 1,024 MB (max_memory_mb): it is nested "
        "too deeply or holds one value too large. If the export is genuine, raise the limit with "
        "DESKTOP_IMPORTER_MAX_MEMORY_MB."
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
