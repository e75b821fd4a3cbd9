"""What an import ends with, and a profile's state, as plain data with their JSON shapes."""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from desktop_importer.clock import iso_z
from desktop_importer.domain import (
    KIND_CHARS_KEPT,
    OTHER_KINDS,
    SKIPPED_DETAILS_KEPT,
    UNREAD_KINDS_KEPT,
)

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from datetime import datetime
    from pathlib import Path

    from desktop_importer.domain import SkippedConversation
    from desktop_importer.progress import ProgressUpdate


@dataclass
class ImportReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0  # every conversation skipped; the first SKIPPED_DETAILS_KEPT are named:
    skipped_details: list[SkippedConversation] = field(default_factory=list)
    messages: int = 0
    unread_content: Counter[str] = field(default_factory=Counter)
    media_files: int = 0
    media_bytes: int = 0
    status: str = "complete"

    def add_skipped(self, count: int, details: Iterable[SkippedConversation]) -> None:
        self.skipped += count
        room = SKIPPED_DETAILS_KEPT - len(self.skipped_details)
        if room > 0:
            self.skipped_details += itertools.islice(details, room)

    def add_unread(self, kinds: Mapping[str, int]) -> None:
        kept = self.unread_content
        for name, count in kinds.items():
            kind = name[:KIND_CHARS_KEPT]
            if kind not in kept and len(kept) >= UNREAD_KINDS_KEPT:
                kind = OTHER_KINDS
            kept[kind] += count

    @property
    def conversations(self) -> int:
        return self.added + self.updated + self.unchanged + self.skipped

    @property
    def readable(self) -> int:
        return self.added + self.updated + self.unchanged

    def to_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "conversations": self.conversations,
            "messages": self.messages,
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
            "skippedDetails": [
                {"id": s.conversation_id, "reason": s.reason} for s in self.skipped_details
            ],
            "unreadContent": dict(sorted(self.unread_content.items())),
            "media": {"files": self.media_files, "bytes": self.media_bytes, "kept": 0},
        }

    def summary(self) -> str:
        if self.added == self.updated == 0:
            change = "nothing new"
        else:
            change = f"{self.added:,} added, {self.updated:,} updated"
        line = (
            f"Imported {self.conversations:,} conversations ({self.messages:,} messages): "
            f"{change}, {self.unchanged:,} unchanged, {self.skipped:,} skipped."
        )
        return line

    def details(self) -> list[str]:
        """The lines that follow the summary: what was skipped, unread, or not kept."""
        lines: list[str] = []
        for skipped in self.skipped_details[:5]:
            lines.append(
                f"Skipped {skipped.conversation_id or 'a conversation'}: {skipped.reason}."
            )
        if self.skipped > 5:
            named = len(self.skipped_details)
            where = "see --json" if named == self.skipped else f"--json names the first {named:,}"
            lines.append(f"… and {self.skipped - 5:,} more skipped ({where}).")
        if self.unread_content:
            kinds = ", ".join(f"{k} ({n:,})" for k, n in sorted(self.unread_content.items()))
            lines.append(f"Kept without reading (unknown content): {kinds}.")
        if self.media_files:
            lines.append(
                f"{self.media_files:,} media files (uploads, images, documents) were counted "
                "but not kept; keeping them comes in a later version."
            )
        return lines


@dataclass(frozen=True)
class ProfileStatus:
    user_id: str
    status: str
    processing_started_at: datetime | None
    heartbeat_at: datetime | None
    finished_at: datetime | None
    elapsed_minutes: int
    stale: bool
    stale_at: datetime | None
    source_path: str | None
    source_name: str | None
    stage: str | None
    progress: ProgressUpdate | None
    last_error: str | None
    conversations: int
    messages: int
    database: Path
    last_report: dict[str, Any] | None

    @property
    def processing(self) -> bool:
        return self.status == "processing"

    def to_json(self) -> dict[str, Any]:
        progress = self.progress
        return {
            "status": self.status,
            "processingStartedAt": iso_z(self.processing_started_at),
            "heartbeatAt": iso_z(self.heartbeat_at),
            "finishedAt": iso_z(self.finished_at),
            "elapsedMinutes": self.elapsed_minutes,
            "stale": self.stale,
            "staleAt": iso_z(self.stale_at),
            "source": (
                {"path": self.source_path, "name": self.source_name} if self.source_path else None
            ),
            "stage": self.stage,
            "progress": (
                {
                    "bytesDone": progress.bytes_done,
                    "bytesTotal": progress.bytes_total,
                    "conversationsDone": progress.conversations_done,
                    "conversationsTotal": progress.conversations_total,
                }
                if progress
                else None
            ),
            "lastError": self.last_error,
            "lastReport": self.last_report,
            "conversations": self.conversations,
            "messages": self.messages,
            "database": str(self.database),
        }
