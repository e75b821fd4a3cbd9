"""Media in SQL: stored contents (`media_blobs`) and each profile's files (`media_assets`),
staged by an import and published with it, dropped with a run that did not publish."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import text

if TYPE_CHECKING:
    from collections.abc import Iterable

    from sqlalchemy import CursorResult
    from sqlalchemy.orm import Session

UNREFERENCED = "member:"  # the asset id of a file no message points at: member: + its path


@dataclass(frozen=True)
class StoredMedia:
    asset_id: str
    sha256: str
    name: str
    mime_type: str
    bytes: int
    width: int | None
    height: int | None


def known(session: Session, shas: Iterable[str]) -> set[str]:
    """Which of these contents the archive already holds."""
    rows = session.execute(
        text("SELECT sha256 FROM media_blobs WHERE sha256 IN (SELECT value FROM json_each(:s))"),
        {"s": json.dumps(list(shas))},
    )
    return {row[0] for row in rows}


def add_blob(
    session: Session, sha256: str, size: int, mime: str, dimensions: tuple[int, int] | None
) -> None:
    width, height = dimensions or (None, None)
    session.execute(
        text(
            "INSERT INTO media_blobs (sha256, bytes, mime_type, width, height) "
            "VALUES (:sha, :bytes, :mime, :w, :h) ON CONFLICT DO NOTHING"
        ),
        {"sha": sha256, "bytes": size, "mime": mime, "w": width, "h": height},
    )


def stage_asset(
    session: Session,
    user_id: str,
    run_id: int,
    asset_id: str,
    sha256: str,
    name: str,
    *,
    referenced: bool,
) -> None:
    session.execute(
        text(
            "INSERT INTO media_assets "
            "(user_id, asset_id, published, run_id, sha256, name, referenced) "
            "VALUES (:user, :asset, 0, :run, :sha, :name, :referenced) "
            "ON CONFLICT (user_id, asset_id, published) DO UPDATE SET "
            "run_id = excluded.run_id, sha256 = excluded.sha256, name = excluded.name, "
            "referenced = excluded.referenced"
        ),
        {
            "user": user_id,
            "asset": asset_id,
            "run": run_id,
            "sha": sha256,
            "name": name,
            "referenced": int(referenced),
        },
    )


def publish(session: Session, user_id: str, run_id: int) -> int:
    """Make a run's staged files visible (a later file for an id replaces the earlier one);
    returns how many ids gained a file or changed content."""
    added = session.execute(
        text(
            "SELECT count(*) FROM media_assets s WHERE s.run_id = :run AND s.published = 0 "
            "AND NOT EXISTS (SELECT 1 FROM media_assets p WHERE p.user_id = s.user_id "
            "AND p.asset_id = s.asset_id AND p.published = 1 AND p.sha256 = s.sha256)"
        ),
        {"run": run_id},
    ).scalar_one()
    session.execute(
        text(
            "INSERT INTO media_assets "
            "(user_id, asset_id, published, run_id, sha256, name, referenced) "
            "SELECT user_id, asset_id, 1, run_id, sha256, name, referenced FROM media_assets "
            "WHERE run_id = :run AND published = 0 AND user_id = :user "
            "ON CONFLICT (user_id, asset_id, published) DO UPDATE SET "
            "run_id = excluded.run_id, sha256 = excluded.sha256, name = excluded.name, "
            "referenced = max(media_assets.referenced, excluded.referenced)"
        ),
        {"run": run_id, "user": user_id},
    )
    drop_run(session, run_id)
    return int(added)


def drop_run(session: Session, run_id: int) -> int:
    """Forget what a run staged (published or over); the contents it brought that nothing
    else refers to are then `unreferenced`."""
    result: CursorResult[Any] = session.execute(  # type: ignore[assignment]
        text("DELETE FROM media_assets WHERE run_id = :run AND published = 0"), {"run": run_id}
    )
    return int(result.rowcount)


def staged_runs(session: Session, user_id: str, but: int) -> list[int]:
    """The runs of a profile, other than `but`, that left staged files behind (superseded
    or stale ones: dead runs are recovery's, and over runs drop theirs)."""
    rows = session.execute(
        text(
            "SELECT DISTINCT run_id FROM media_assets "
            "WHERE user_id = :user AND published = 0 AND run_id != :but"
        ),
        {"user": user_id, "but": but},
    )
    return [int(row[0]) for row in rows]


def unreferenced(session: Session, limit: int) -> list[str]:
    """Contents no file of any profile (staged or published) refers to."""
    rows = session.execute(
        text(
            "SELECT sha256 FROM media_blobs b WHERE NOT EXISTS "
            "(SELECT 1 FROM media_assets a WHERE a.sha256 = b.sha256) LIMIT :limit"
        ),
        {"limit": limit},
    )
    return [row[0] for row in rows]


def forget_blobs(session: Session, shas: list[str]) -> None:
    session.execute(
        text("DELETE FROM media_blobs WHERE sha256 IN (SELECT value FROM json_each(:s))"),
        {"s": json.dumps(shas)},
    )


def all_blobs(session: Session) -> set[str]:
    return {row[0] for row in session.execute(text("SELECT sha256 FROM media_blobs"))}


def resolve(session: Session, user_id: str, asset_ids: Iterable[str]) -> dict[str, StoredMedia]:
    """The published files of these ids (an id with none is missing)."""
    rows = session.execute(
        text(
            "SELECT a.asset_id, b.sha256, a.name, b.mime_type, b.bytes, b.width, b.height "
            "FROM media_assets a JOIN media_blobs b ON b.sha256 = a.sha256 "
            "WHERE a.user_id = :user AND a.published = 1 "
            "AND a.asset_id IN (SELECT value FROM json_each(:ids))"
        ),
        {"user": user_id, "ids": json.dumps(list(asset_ids))},
    )
    return {row[0]: StoredMedia(*row) for row in rows}


def profile_files(session: Session, user_id: str) -> int:
    """How many files a profile's archive holds, published."""
    return int(
        session.execute(
            text("SELECT count(*) FROM media_assets WHERE user_id = :user AND published = 1"),
            {"user": user_id},
        ).scalar_one()
    )


def totals(session: Session) -> tuple[int, int]:
    """(files, bytes) of every content the archive holds."""
    row = session.execute(text("SELECT count(*), coalesce(sum(bytes), 0) FROM media_blobs")).one()
    return int(row[0]), int(row[1])
