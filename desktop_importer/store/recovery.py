"""Recovery in SQL: what a dead import left behind, found and removed in short transactions.

A killed import (a crash, a power cut, `kill -9`) leaves its staged versions, which nothing
shows, and their entries in the full-text indexes. Deleting the rows writes delete markers
into FTS5, which keeps both the dead entries and the markers until segments merge: 12 MB of
pages for a third of a 150 MB import (bench/kill_recovery.py). Recovery deletes the rows in
batches, then merges the indexes in bounded steps until FTS5 reports no more work.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import delete, select, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from desktop_importer.basics.cjk import GLOB, indexed
from desktop_importer.importing.owner import Owner
from desktop_importer.store.models import (
    Conversation,
    ConversationHead,
    ImportRun,
    Maintenance,
    RunPresence,
    RunSide,
    UserProfile,
)

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime

    from sqlalchemy.orm import Session

INDEX_MERGE = "merge_search_index"  # a Maintenance row: dead entries wait to be merged away
FTS_INDEXES = ("message_fts", "title_fts")
# Pages one merge step writes at most. A negative count merges every segment in the end
# (an incremental 'optimize'), which is what drops dead entries and their delete markers;
# 500 pages measured 60-140 ms a step on a 150 MB archive.
MERGE_PAGES = 500


@dataclass(frozen=True)
class UnfinishedRun:
    run_id: int
    user_id: str
    holds_profile: bool  # the profile is `processing` under this run
    owner: Owner | None


def unfinished_runs(session: Session) -> list[UnfinishedRun]:
    """Every run still marked `processing`, with what tells whether it is alive."""
    rows = session.execute(
        select(
            ImportRun.id,
            ImportRun.user_id,
            UserProfile.import_status,
            UserProfile.current_run_id,
            UserProfile.owner_host,
            UserProfile.owner_pid,
            UserProfile.owner_started,
        )
        .join(UserProfile, UserProfile.user_id == ImportRun.user_id)
        .where(ImportRun.status == "processing")
    )
    found = []
    for run_id, user_id, status, current, host, pid, started in rows:
        holds = status == "processing" and current == run_id
        owner = Owner(host, pid, started) if holds and host is not None and pid else None
        found.append(UnfinishedRun(run_id, user_id, holds, owner))
    return found


def abandon(session: Session, run_id: int, now: datetime, error: str) -> None:
    """Record that a run died; its profile row is the guard's to judge (the stale rule)."""
    session.execute(delete(RunPresence).where(RunPresence.run_id == run_id))
    session.execute(delete(RunSide).where(RunSide.run_id == run_id))
    session.execute(
        update(ImportRun)
        .where(ImportRun.id == run_id, ImportRun.status == "processing")
        .values(status="failed", finished_at=now, error=error)
    )


def delete_run_versions(session: Session, run_id: int, limit: int) -> int:
    """Delete up to `limit` of a dead run's versions (never one a head points at)."""
    ids = list(
        session.scalars(
            select(Conversation.id)
            .outerjoin(ConversationHead, ConversationHead.version_id == Conversation.id)
            .where(Conversation.run_id == run_id, ConversationHead.version_id.is_(None))
            .limit(limit)
        )
    )
    if ids:
        session.execute(delete(Conversation).where(Conversation.id.in_(ids)))
    return len(ids)


def mark_index_merge(session: Session) -> None:
    session.execute(
        sqlite_insert(Maintenance)
        .values(name=INDEX_MERGE, state="pending")
        .on_conflict_do_nothing()
    )


def index_merge_pending(session: Session) -> bool:
    return session.get(Maintenance, INDEX_MERGE) is not None


def work_owed(session: Session) -> bool:
    """Any maintenance task at all (a merge, an index to update)."""
    return session.scalar(select(Maintenance.name).limit(1)) is not None


def merge_step(session: Session, index: str) -> bool:
    """One bounded merge of one full-text index; False once FTS5 found nothing to do (its
    documented signal: fewer than two changes)."""
    assert index in FTS_INDEXES
    driver = session.connection().connection.driver_connection
    assert driver is not None
    before = driver.total_changes
    session.connection().exec_driver_sql(
        f"INSERT INTO {index} ({index}, rank) VALUES ('merge', ?)", (-MERGE_PAGES,)
    )
    return bool(driver.total_changes - before >= 2)


def finish_index_merge(session: Session) -> None:
    session.execute(delete(Maintenance).where(Maintenance.name == INDEX_MERGE))


# -- dropping the index's second copies of CJK messages, for archives older than schema 14 --

INDEX_COPIES = "index_copies"  # a Maintenance row: "done/last/plain" (database.py, v14)
COPIES_STEP_ROWS = 20_000  # rowids looked at per transaction at most
# Indexed again per transaction at most (a message whose index entry is not what the
# index should hold: only after an interrupted schema-7 re-indexing): FTS5 tokenizes each
# twice, out and in, and 20,000 rowids of a 1 GB archive held up to 6 s of that work.
COPIES_STEP_MESSAGES = 100
COPIES_STEP_CHARACTERS = 1_000_000


def _copies_state(session: Session) -> tuple[int, int, int] | None:
    task = session.get(Maintenance, INDEX_COPIES)
    if task is None:
        return None
    done, last, plain = (int(part) for part in task.state.split("/"))
    return done, last, plain


def index_copies_cursor(session: Session) -> int | None:
    state = _copies_state(session)
    return None if state is None else state[0]


def drop_index_copies_step(session: Session) -> tuple[int, int]:
    """For the next COPIES_STEP_ROWS rowids: make each CJK message's index entry what
    `cjk.indexed` derives from its text, and drop its stored copy. Returns (rowid reached,
    the last rowid to do), for progress; removes the task once past the last."""
    state = _copies_state(session)
    if state is None:
        return 0, 0
    done, last, plain = state
    connection = session.connection()
    end = min(done + COPIES_STEP_ROWS, last)
    rows = connection.exec_driver_sql(
        "SELECT rowid, text, index_text FROM messages WHERE rowid > ? AND rowid <= ? "
        "AND (index_text IS NOT NULL OR (rowid > ? AND text GLOB ?)) ORDER BY rowid",
        (done, end, plain, GLOB),
    ).all()
    reindexed = characters = 0
    for rowid, text, copy in rows:
        held, wanted = (text if copy is None else copy), indexed(text)
        if held == wanted:
            continue
        connection.exec_driver_sql(
            "INSERT INTO message_fts (message_fts, rowid, text) VALUES ('delete', ?, ?)",
            (rowid, held),
        )
        connection.exec_driver_sql(
            "INSERT INTO message_fts (rowid, text) VALUES (?, ?)", (rowid, wanted)
        )
        reindexed, characters = reindexed + 1, characters + len(text)
        if reindexed == COPIES_STEP_MESSAGES or characters >= COPIES_STEP_CHARACTERS:
            end = rowid  # the rest of the range is for the next step
            break
    connection.exec_driver_sql(
        "UPDATE messages SET index_text = NULL "
        "WHERE rowid > ? AND rowid <= ? AND index_text IS NOT NULL",
        (done, end),
    )
    if end >= last:
        session.execute(delete(Maintenance).where(Maintenance.name == INDEX_COPIES))
    else:
        session.execute(
            update(Maintenance)
            .where(Maintenance.name == INDEX_COPIES)
            .values(state=f"{end}/{last}/{plain}")
        )
    return end, last


# -- reading the vendor's flags of older archives' conversations ------------------------

FLAGS = "flags"  # a Maintenance row whose state is the last conversation version id done
FLAGS_STEP_VERSIONS = 200
FLAGS_STEP_BYTES = 4 * 2**20  # of compressed JSON read per transaction at most


def flags_cursor(session: Session) -> int | None:
    task = session.get(Maintenance, FLAGS)
    return None if task is None else int(task.state)


def backfill_flags_step(session: Session, flags_of: Callable[[bytes], int]) -> tuple[int, int]:
    """Set the flags of the next versions that have none, from their original JSON;
    returns (the last version id done, the largest version id), for progress. Removes the
    task when done. (No count of what is left: reading `flags` of every remaining row
    walks past its compressed JSON, 2 s a step on a 1 GB archive.)"""
    return backfill_versions(session, FLAGS, "flags", "flags IS NULL", flags_of)


PROJECTS = "projects"  # a Maintenance row whose state is the last conversation version id done


def projects_cursor(session: Session) -> int | None:
    task = session.get(Maintenance, PROJECTS)
    return None if task is None else int(task.state)


def backfill_projects_step(
    session: Session, project_of: Callable[[bytes], str | None]
) -> tuple[int, int]:
    """Set the project of the next ChatGPT versions from their original JSON (schema 18),
    as `backfill_flags_step` does the flags."""
    return backfill_versions(session, PROJECTS, "project_id", "vendor = 'chatgpt'", project_of)


def backfill_versions(
    session: Session, task: str, column: str, where: str, value_of: Callable[[bytes], object]
) -> tuple[int, int]:
    """One step of a task that sets `column` of the versions `where` says, from each one's
    original JSON, in order of version id."""
    cursor = session.get(Maintenance, task)
    if cursor is None:
        return 0, 0
    at = int(cursor.state)
    connection = session.connection()
    rows = connection.exec_driver_sql(
        f"SELECT id, raw_json FROM conversations WHERE id > ? AND {where} ORDER BY id LIMIT ?",
        (at, FLAGS_STEP_VERSIONS),
    ).all()
    more = len(rows) == FLAGS_STEP_VERSIONS  # a full step may have left some
    read = 0
    for count, (version_id, raw) in enumerate(rows, 1):
        connection.exec_driver_sql(
            f"UPDATE conversations SET {column} = ? WHERE id = ?", (value_of(raw), version_id)
        )
        at, read = version_id, read + len(raw)
        if read >= FLAGS_STEP_BYTES and count < len(rows):
            more = True  # the rest of these rows are for the next step
            break
    return _version_task_done(session, task, at, more)


def _version_task_done(session: Session, task: str, cursor: int, more: bool) -> tuple[int, int]:
    """End a step of a task over conversation versions: the cursor moved on, or the task
    removed when nothing is left; (the version reached, the largest version id)."""
    last = int(
        session.connection()
        .exec_driver_sql("SELECT coalesce(max(id), 0) FROM conversations")
        .scalar_one()
    )
    if not more:
        session.execute(delete(Maintenance).where(Maintenance.name == task))
        return last, last
    session.execute(update(Maintenance).where(Maintenance.name == task).values(state=str(cursor)))
    return cursor, last


# -- reading stored conversations again with this version's reader ---------------------

REREAD = "reread"  # a Maintenance row whose state is the last conversation version id done
REREAD_STEP_VERSIONS = 100
REREAD_STEP_BYTES = 2**20  # of compressed JSON per transaction: about 5 MB of JSON to parse

# A message as the reader derives it: node id -> (parent, place on the current path, text,
# hidden).
Derived = dict[str, tuple[str | None, int | None, str, bool]]


def reread_cursor(session: Session) -> int | None:
    task = session.get(Maintenance, REREAD)
    return None if task is None else int(task.state)


def reread_step(session: Session, derive: Callable[[bytes], Derived | None]) -> tuple[int, int]:
    """Derive the next versions' messages again from their original JSON (`derive`: None
    for one the reader cannot read, left as it is) and write what differs (the update
    trigger keeps the search index in step). Returns (the last version id done, the largest
    version id), for progress; removes the task when done."""
    cursor = reread_cursor(session)
    if cursor is None:
        return 0, 0
    connection = session.connection()
    rows = connection.exec_driver_sql(
        "SELECT id, raw_json FROM conversations WHERE id > ? ORDER BY id LIMIT ?",
        (cursor, REREAD_STEP_VERSIONS),
    ).all()
    more = len(rows) == REREAD_STEP_VERSIONS
    read = 0
    for count, (version_id, raw) in enumerate(rows, 1):
        derived = derive(raw)
        if derived:
            stored = connection.exec_driver_sql(
                "SELECT rowid, node_id, parent_id, path_index, text, hidden "
                "FROM messages WHERE version_id = ? AND in_export",
                (version_id,),
            ).all()
            for rowid, node_id, *old in stored:
                new = derived.get(node_id)
                old[3] = bool(old[3])
                if new is None or new == tuple(old):
                    continue
                if new[2] == old[2]:  # the same text: no re-indexing needed
                    connection.exec_driver_sql(
                        "UPDATE messages SET parent_id = ?, path_index = ?, hidden = ? "
                        "WHERE rowid = ?",
                        (new[0], new[1], new[3], rowid),
                    )
                else:
                    connection.exec_driver_sql(
                        "UPDATE messages SET parent_id = ?, path_index = ?, text = ?, "
                        "hidden = ? WHERE rowid = ?",
                        (*new, rowid),
                    )
        cursor, read = version_id, read + len(raw)
        if read >= REREAD_STEP_BYTES and count < len(rows):
            more = True
            break
    return _version_task_done(session, REREAD, cursor, more)
