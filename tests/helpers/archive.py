"""What a user can see of an archive, for tests that prove a failure changed nothing."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import text

from desktop_importer.app import App


def visible(app: App) -> list[tuple[Any, ...]]:
    with app.store.read() as session:
        return [
            tuple(row)
            for row in session.execute(
                text(
                    "SELECT h.user_id, h.conversation_id, c.title, c.update_time, m.node_id, "
                    "m.text, m.path_index, m.hidden FROM conversation_heads h "
                    "JOIN conversations c ON c.id = h.version_id "
                    "JOIN messages m ON m.version_id = c.id ORDER BY 1, 2, 5"
                )
            )
        ]


FIXTURES = Path(__file__).parents[1] / "fixtures"


def load_archive(data_dir: Path, version: int) -> None:
    """A real archive of an older schema (tests/fixtures/archive_v<version>.sql) in
    `data_dir`."""
    data_dir.mkdir(parents=True)
    with sqlite3.connect(data_dir / "archive.sqlite3") as raw:
        raw.executescript((FIXTURES / f"archive_v{version}.sql").read_text())
    raw.close()


def load_archive_v6(data_dir: Path) -> None:
    load_archive(data_dir, 6)
