"""What an import ends with, and a profile's state, as plain data with their JSON shapes."""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from desktop_importer.basics.clock import iso_z
from desktop_importer.basics.settings import human_bytes
from desktop_importer.importing.export_set import given_paths
from desktop_importer.importing.records import (
    KIND_CHARS_KEPT,
    OTHER_KINDS,
    SKIPPED_DETAILS_KEPT,
    UNREAD_KINDS_KEPT,
)
from desktop_importer.vendors.parsed import vendor_name

if TYPE_CHECKING:
    from collections.abc import Iterable
    from datetime import datetime
    from pathlib import Path

    from desktop_importer.basics.progress import ProgressUpdate
    from desktop_importer.importing.records import SkippedConversation


@dataclass
class ImportReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0  # every conversation skipped; the first SKIPPED_DETAILS_KEPT are named:
    skipped_details: list[SkippedConversation] = field(default_factory=list)
    messages: int = 0
    unread_content: Counter[str] = field(default_factory=Counter)
    media_files: int = 0  # media members of the export, and their bytes
    media_bytes: int = 0
    media_kept: int = 0  # of those, now held by the archive
    media_missing: int = 0  # file ids pointed at that found no file, here or kept before
    media_unreferenced: int = 0  # members no message points at (kept too)
    media_added: int = 0  # file ids that gained a file with this import
    media_read: bool = True  # whether the export had files beside its conversations to read
    files: list[str] = field(default_factory=list)  # read, in order (export_set.py)
    set_aside: list[tuple[str, str]] = field(default_factory=list)  # (file, why)
    projects: int = 0  # Claude's projects the export held (sides.py)
    # (vendor, account, conversations, files) when the files are of several accounts
    accounts: list[tuple[str, str | None, int, list[str]]] = field(default_factory=list)
    memories: int = 0  # and its memory
    library: int = 0  # entries of ChatGPT's library_files.json
    vendors: Counter[str] = field(default_factory=Counter)  # readable conversations of each
    notes: Counter[str] = field(default_factory=Counter)  # what the export held beside them

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
            "status": "complete",  # a report is made of a complete import only
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
            "media": {
                "files": self.media_files,
                "bytes": self.media_bytes,
                "kept": self.media_kept,
                "missing": self.media_missing,
                "unreferenced": self.media_unreferenced,
                "added": self.media_added,
                "read": self.media_read,
            },
            "files": self.files,
            "setAside": [{"file": name, "why": why} for name, why in self.set_aside],
            "projects": self.projects,
            "memories": self.memories,
            "library": self.library,
            "vendors": dict(sorted(self.vendors.items())),
            "notes": dict(sorted(self.notes.items())),
            "accounts": [
                {"vendor": v, "account": a, "conversations": n, "files": f}
                for v, a, n, f in self.accounts
            ],
        }

    def summary(self) -> str:
        if self.added == self.updated == 0:
            change = "nothing new"
        else:
            change = f"{self.added:,} added, {self.updated:,} updated"
        line = (
            f"Imported {plural(self.conversations, 'conversation')} "
            f"({plural(self.messages, 'message')}): "
            f"{change}, {self.unchanged:,} unchanged, {self.skipped:,} skipped."
        )
        return line

    def details(self) -> list[str]:
        """The lines that follow the summary on a terminal (`detail_lines`, five named)."""
        kept = len(self.skipped_details)
        where = "see --json" if kept == self.skipped else f"--json names the first {kept:,}"
        return detail_lines(self.to_json(), named=TERMINAL_NAMES, more=f" ({where})")


# How many skipped conversations each place names: a terminal has room for five, the
# window's result panel for three; both then say how many more there are.
TERMINAL_NAMES, WINDOW_NAMES = 5, 3


def detail_lines(report: Mapping[str, Any], *, named: int, more: str = "") -> list[str]:
    """What was skipped, unread or not kept, from a report as `ImportReport.to_json` makes
    it (the window has it so, from the importing process): the first `named` skipped
    conversations by name, then how many more (`more` follows that count)."""

    def count(key: str) -> int:
        value = report.get(key, 0)
        return value if isinstance(value, int) else 0

    lines = file_lines(report)
    details = report.get("skippedDetails")
    shown = details[:named] if isinstance(details, list) else []
    for item in shown:
        if isinstance(item, Mapping):
            lines.append(f"Skipped {item.get('id') or 'a conversation'}: {item.get('reason')}.")
    if count("skipped") > len(shown):
        lines.append(f"… and {count('skipped') - len(shown):,} more skipped{more}.")
    unread = report.get("unreadContent")
    if isinstance(unread, Mapping) and unread:
        kinds = ", ".join(f"{k} ({n:,})" for k, n in sorted(unread.items()))
        lines.append(f"Kept without reading (unknown content): {kinds}.")
    media = report.get("media")
    if isinstance(media, Mapping):
        lines += media_lines(media)
    return lines


def file_lines(report: Mapping[str, Any]) -> list[str]:
    """The files an import of several read, and those it set aside."""
    lines: list[str] = []
    files = report.get("files")
    if isinstance(files, list) and len(files) > 1:
        names = ", ".join(str(f) for f in files[:6]) + ("" if len(files) <= 6 else ", …")
        lines.append(f"Read {len(files):,} files as one export: {names}.")
    vendors = report.get("vendors")
    if isinstance(vendors, Mapping) and len(vendors) > 1:
        counts = sorted(vendors.items(), key=lambda item: (-int(item[1]), str(item[0])))
        lines.append(
            f"From {len(counts)} assistants: "
            + ", ".join(
                f"{vendor_name(str(v))} {plural(int(n), 'conversation')}" for v, n in counts
            )
            + "."
        )
    notes = report.get("notes")
    for note, count in sorted(notes.items())[:6] if isinstance(notes, Mapping) else []:
        lines.append(f"{note}: {int(count):,}.")
    projects, memories = (report.get(key) for key in ("projects", "memories"))
    kept = [plural(projects, "Claude project")] if isinstance(projects, int) and projects else []
    if isinstance(memories, int) and memories:
        kept.append("Claude's memory")
    if kept:
        lines.append(f"Kept {' and '.join(kept)}: the library's Projects and Memory show them.")
    library = report.get("library")
    if isinstance(library, int) and library:
        lines.append(
            f"ChatGPT's library: {plural(library, 'generated file')}, each shown in the "
            "message that made it."
        )
    lines += account_lines(report.get("accounts"))
    aside = report.get("setAside")
    for item in aside[:6] if isinstance(aside, list) else []:
        if isinstance(item, Mapping):
            lines.append(f"Set aside {item.get('file')}: {item.get('why')}.")
    return lines


def account_lines(accounts: object) -> list[str]:
    """The accounts of an import whose files are of several of one vendor's."""
    if not isinstance(accounts, list) or not accounts:
        return []
    by_vendor: dict[str, list[str]] = {}
    for item in accounts:
        if isinstance(item, Mapping):
            account = str(item.get("account") or "unknown")
            short = account if len(account) <= 12 else account[:8] + "…"
            files = ", ".join(str(f) for f in item.get("files") or [])
            by_vendor.setdefault(str(item.get("vendor")), []).append(
                f"{short}: {plural(int(item.get('conversations') or 0), 'conversation')} in {files}"
            )
    return [
        f"These files hold {len(found)} {vendor_name(vendor)} accounts "
        f"({'; '.join(found)}); each account's conversations are kept apart, and what one "
        "account's export no longer holds is told from that account's files only."
        for vendor, found in by_vendor.items()
    ]


def plural(number: int, noun: str) -> str:
    """`1 conversation`, `2 conversations`: every count the person reads says it so."""
    return f"{number:,} {nouns(number, noun)}"


def nouns(number: int, noun: str) -> str:
    """The noun as `number` of them are said: `message`, `messages` (for a column of
    counts, where the number is written apart)."""
    return noun if number == 1 else f"{noun}s"


def media_lines(media: Mapping[str, Any]) -> list[str]:
    """The report's media in words (the command line and the window say the same)."""

    def number(key: str) -> int:
        value = media.get(key)
        return value if isinstance(value, int) else 0

    lines: list[str] = []
    if number("files"):
        line = (
            f"Media: {number('kept'):,} of {number('files'):,} files kept "
            f"({human_bytes(number('bytes'))})"
        )
        if number("added"):
            line += f", {number('added'):,} new to the archive"
        lines.append(line + ".")
        if number("kept") < number("files"):
            lines.append(
                "Could not be read from the ZIP (damaged): "
                f"{plural(number('files') - number('kept'), 'media file')}; the log names each."
            )
    if number("missing") and media.get("read") is False:
        lines.append(
            f"Not kept: {plural(number('missing'), 'file')} that messages point at. A "
            "conversations file dropped on its own brings no files; import the export's ZIP "
            "or its folder to keep them (the conversations stay as they are)."
        )
    elif number("missing"):
        lines.append(
            "Missing from this export, though messages point at them: "
            f"{plural(number('missing'), 'file')} (the vendor leaves some out). Those "
            "messages say so; a later export that holds them fills the gap."
        )
    if number("unreferenced"):
        lines.append(
            "Kept too, though no message points at them: "
            f"{plural(number('unreferenced'), 'file')} (your library, say)."
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
    media_files: int = 0  # the whole archive's stored files, and their bytes
    media_bytes: int = 0

    @property
    def media_missing(self) -> int:
        """Files the last import's export pointed at and the archive does not hold (exports
        are cumulative: the latest one's gaps are the archive's)."""
        media = (self.last_report or {}).get("media")
        missing = media.get("missing") if isinstance(media, dict) else None
        return missing if isinstance(missing, int) else 0

    @property
    def processing(self) -> bool:
        return self.status == "processing"

    @property
    def source_paths(self) -> list[Path]:
        """What the import was given (one file or folder, or several): "Try again" uses it."""
        return given_paths(self.source_path) if self.source_path else []

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
                {
                    "path": str(self.source_paths[0]),  # the first, as before version 16
                    "paths": [str(p) for p in self.source_paths],
                    "name": self.source_name,
                }
                if self.source_path
                else None
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
            "media": {
                "files": self.media_files,
                "bytes": self.media_bytes,
                "missing": self.media_missing,
            },
            "database": str(self.database),
        }
