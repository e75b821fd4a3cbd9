"""Projects and memory in SQL: staged by an import as it reads them, published with its
conversations in the same transaction, and read by the library. Of two exports, the newer
one's copy is kept, whichever is imported last."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

PROJECT, MEMORY, LIBRARY = "project", "memory", "library"


def unnamed(project_id: str) -> str:
    """How a project without a name is called: by the start of its id."""
    return f"Unnamed project {project_id.removeprefix('g-p-')[:8]}"


@dataclass(frozen=True)
class StagedSide:
    kind: str  # PROJECT, MEMORY or LIBRARY
    vendor: str
    key: str  # the project's id, the memory's account ("" where it says none), a file id
    name: str | None
    seen_at: float  # the date of the export it came from
    # The original JSON compressed; a library entry's as text, which publish reads with
    # json_extract.
    raw_zlib: bytes | str


def stage(session: Session, run_id: int, sides: Sequence[StagedSide]) -> None:
    """Stage what the import read; two files of one export holding the same project keep
    the newer one's."""
    if sides:
        session.connection().exec_driver_sql(
            "INSERT INTO run_sides (run_id, kind, vendor, key, name, seen_at, raw_json) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (run_id, kind, vendor, key) DO UPDATE "
            "SET name = excluded.name, seen_at = excluded.seen_at, raw_json = excluded.raw_json "
            "WHERE excluded.seen_at >= run_sides.seen_at",
            [(run_id, s.kind, s.vendor, s.key, s.name, s.seen_at, s.raw_zlib) for s in sides],
        )


def publish(session: Session, user_id: str, run_id: int) -> tuple[int, int, int]:
    """Keep what the run staged where it is no older than what is kept; (projects,
    memories, library files) the run's export held."""
    params = {"user_id": user_id, "run_id": run_id}
    session.execute(
        text(
            "INSERT INTO library_files (user_id, file_id, conversation_id, message_id, name, "
            "mime_type, kind, seen_at) SELECT :user_id, key, "
            "json_extract(raw_json, '$.origination_thread_id'), "
            "json_extract(raw_json, '$.origination_message_id'), name, "
            "json_extract(raw_json, '$.mime_type'), "
            "json_extract(raw_json, '$.library_artifact_type'), seen_at FROM run_sides "
            "WHERE run_id = :run_id AND kind = 'library' AND json_valid(raw_json) "
            "ON CONFLICT (user_id, file_id) DO UPDATE SET "
            "conversation_id = excluded.conversation_id, message_id = excluded.message_id, "
            "name = excluded.name, mime_type = excluded.mime_type, kind = excluded.kind, "
            "seen_at = excluded.seen_at WHERE excluded.seen_at >= library_files.seen_at"
        ),
        params,
    )
    session.execute(
        text(
            "INSERT INTO projects (user_id, vendor, project_id, name, seen_at, raw_json) "
            "SELECT :user_id, vendor, key, name, seen_at, raw_json FROM run_sides "
            "WHERE run_id = :run_id AND kind = 'project' "
            "ON CONFLICT (user_id, vendor, project_id) DO UPDATE SET name = excluded.name, "
            "seen_at = excluded.seen_at, raw_json = excluded.raw_json "
            "WHERE excluded.seen_at >= projects.seen_at"
        ),
        params,
    )
    session.execute(
        text(
            "INSERT INTO memories (user_id, vendor, account, seen_at, raw_json) "
            "SELECT :user_id, vendor, key, seen_at, raw_json FROM run_sides "
            "WHERE run_id = :run_id AND kind = 'memory' "
            "ON CONFLICT (user_id, vendor, account) DO UPDATE SET "
            "seen_at = excluded.seen_at, raw_json = excluded.raw_json "
            "WHERE excluded.seen_at >= memories.seen_at"
        ),
        params,
    )
    rows = session.execute(
        text("SELECT kind, count(*) FROM run_sides WHERE run_id = :run_id GROUP BY kind"),
        params,
    )
    counts = {str(kind): int(count) for kind, count in rows}
    forget(session, run_id)
    return counts.get(PROJECT, 0), counts.get(MEMORY, 0), counts.get(LIBRARY, 0)


def forget(session: Session, run_id: int) -> None:
    session.execute(text("DELETE FROM run_sides WHERE run_id = :run_id"), {"run_id": run_id})


def forget_earlier_runs(session: Session, user_id: str, keep_run_id: int) -> None:
    """What earlier imports of the profile staged and never published (killed ones)."""
    session.execute(
        text(
            "DELETE FROM run_sides WHERE run_id IN (SELECT id FROM import_runs "
            "WHERE user_id = :user_id AND id != :keep)"
        ),
        {"user_id": user_id, "keep": keep_run_id},
    )


# -- reading -------------------------------------------------------------------------------


@dataclass(frozen=True)
class KeptProject:
    vendor: str
    project_id: str
    name: str | None
    given_name: str | None
    seen_at: float
    raw_zlib: bytes | None


def projects(session: Session, user_id: str) -> list[KeptProject]:
    rows = session.execute(
        text(
            "SELECT vendor, project_id, name, given_name, seen_at, raw_json FROM projects "
            "WHERE user_id = :user_id ORDER BY coalesce(given_name, name, project_id) "
            "COLLATE NOCASE, project_id"
        ),
        {"user_id": user_id},
    )
    return [KeptProject(*row) for row in rows]


def memories(session: Session, user_id: str) -> list[tuple[str, str, float, bytes]]:
    """(vendor, account, seen_at, compressed JSON) of each memory kept."""
    rows = session.execute(
        text(
            "SELECT vendor, account, seen_at, raw_json FROM memories "
            "WHERE user_id = :user_id ORDER BY vendor, account"
        ),
        {"user_id": user_id},
    )
    return [(str(v), str(a), float(s), bytes(r)) for v, a, s, r in rows]


def project(session: Session, user_id: str, vendor: str, project_id: str) -> KeptProject | None:
    row = session.execute(
        text(
            "SELECT vendor, project_id, name, given_name, seen_at, raw_json FROM projects "
            "WHERE user_id = :user_id AND vendor = :vendor AND project_id = :project_id"
        ),
        {"user_id": user_id, "vendor": vendor, "project_id": project_id},
    ).first()
    return KeptProject(*row) if row is not None else None


def project_names(session: Session, user_id: str) -> dict[tuple[str, str], str]:
    """(vendor, project id) -> the name shown."""
    rows = session.execute(
        text(
            "SELECT vendor, project_id, coalesce(given_name, name) FROM projects "
            "WHERE user_id = :user_id"
        ),
        {"user_id": user_id},
    )
    return {(str(v), str(p)): str(n) for v, p, n in rows if n}


def counts(session: Session, user_id: str) -> tuple[int, int]:
    """(projects, memories) kept: the projects kept or named, and those conversations
    name."""
    row = session.execute(
        text(
            "SELECT (SELECT count(*) FROM (SELECT vendor, project_id FROM projects "
            "WHERE user_id = :user_id UNION SELECT c.vendor, c.project_id "
            "FROM conversation_heads h JOIN conversations c ON c.id = h.version_id "
            "WHERE h.user_id = :user_id AND c.project_id IS NOT NULL)), "
            "(SELECT count(*) FROM memories WHERE user_id = :user_id)"
        ),
        {"user_id": user_id},
    ).one()
    return int(row[0]), int(row[1])


def conversation_projects(session: Session, user_id: str) -> dict[tuple[str, str], int]:
    """(vendor, project id) -> how many visible conversations belong to it."""
    rows = session.execute(
        text(
            "SELECT c.vendor, c.project_id, count(*) FROM conversation_heads h "
            "JOIN conversations c ON c.id = h.version_id "
            "WHERE h.user_id = :user_id AND c.project_id IS NOT NULL GROUP BY 1, 2"
        ),
        {"user_id": user_id},
    )
    return {(str(v), str(p)): int(n) for v, p, n in rows}


def give_name(
    session: Session, user_id: str, vendor: str, project_id: str, name: str | None
) -> None:
    """The person's name for a project (None: take it back); imports never change it."""
    session.execute(
        text(
            "INSERT INTO projects (user_id, vendor, project_id, given_name, seen_at) "
            "VALUES (:user_id, :vendor, :project_id, :name, 0) "
            "ON CONFLICT (user_id, vendor, project_id) DO UPDATE SET given_name = :name"
        ),
        {"user_id": user_id, "vendor": vendor, "project_id": project_id, "name": name},
    )


def library_files_of(
    session: Session, user_id: str, conversation_id: str
) -> list[tuple[str, str, str | None, str | None]]:
    """(message id, file id, name, MIME type) of the library files a conversation made."""
    rows = session.execute(
        text(
            "SELECT message_id, file_id, name, mime_type FROM library_files "
            "WHERE user_id = :user_id AND conversation_id = :conversation_id "
            "AND message_id IS NOT NULL ORDER BY file_id"
        ),
        {"user_id": user_id, "conversation_id": conversation_id},
    )
    return [(str(m), str(f), n, t) for m, f, n, t in rows]
