"""How the window words times, counts and progress (plain functions, tested without Qt)."""

from __future__ import annotations

import math
from datetime import datetime

from desktop_importer.basics.progress import ProgressUpdate
from desktop_importer.importing.report import WINDOW_NAMES, detail_lines, plural
from desktop_importer.vendors.parsed import vendor_name as vendor_name

STAGES = {
    "starting": "Starting…",
    "reading": "Reading conversations…",
    "media": "Keeping photos, voice notes and files…",
    "publishing": "Saving to the archive…",
    "complete": "Done",
}


IMPORT_ANYWAY_HINT = (
    "If it is a genuine export, import it anyway: it takes longer and needs more disk "
    "space, and the app still checks that the disk has room for it."
)


def minutes(number: int) -> str:
    return plural(number, "minute")


def stage_line(progress: ProgressUpdate) -> str:
    words = STAGES.get(progress.stage, progress.stage.capitalize() or "Working…")
    if progress.conversations_total:
        return f"{words} {progress.conversations_done:,} of {progress.conversations_total:,}"
    if progress.conversations_done:
        return f"{words} {progress.conversations_done:,} so far"
    return words


def fraction(progress: ProgressUpdate) -> float:
    if progress.stage in ("publishing", "complete"):
        return 1.0
    if not progress.bytes_total:
        return 0.0
    return min(1.0, progress.bytes_done / progress.bytes_total)


def elapsed(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


def local_time(moment: datetime) -> str:
    return moment.astimezone().strftime("%H:%M")


def local_date_time(moment: datetime) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def minutes_until(later: datetime, now: datetime) -> int:
    return max(0, math.ceil((later - now).total_seconds() / 60))


def report_lines(report: dict[str, object]) -> list[str]:
    """The import report as the window shows it (the same facts as the command line)."""

    def count(key: str) -> int:
        value = report.get(key, 0)
        return value if isinstance(value, int) else 0

    headline = (
        f"{plural(count('conversations'), 'conversation')}, "
        f"{plural(count('messages'), 'message')}: "
        f"{count('added'):,} added, {count('updated'):,} updated, "
        f"{count('unchanged'):,} unchanged, {count('skipped'):,} skipped."
    )
    return [headline, *detail_lines(report, named=WINDOW_NAMES)]


def relative_time(moment: datetime, now: datetime) -> str:
    """How long ago, as a list of conversations says it: "just now", "5 minutes ago",
    "yesterday", "3 days ago", then the date."""
    seconds = (now - moment).total_seconds()
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{minutes(int(seconds // 60))} ago"
    local, today = moment.astimezone(), now.astimezone()
    days = (today.date() - local.date()).days
    if days == 0:
        return f"today {local.strftime('%H:%M')}"
    if days == 1:
        return "yesterday"
    if days < 7:
        return f"{days} days ago"
    if local.year == today.year:
        return local.strftime("%d %b").lstrip("0")
    return local.strftime("%d %b %Y").lstrip("0")
