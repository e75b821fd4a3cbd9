"""Where time comes from: an injectable clock so that "15 minutes later" costs a test nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware, in UTC."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class OffsetClock:
    """The system clock shifted by a fixed amount (tests that need a process "started earlier")."""

    def __init__(self, offset: timedelta) -> None:
        self._offset = offset

    def now(self) -> datetime:
        return datetime.now(UTC) + self._offset


def whole_minutes(delta: timedelta) -> int:
    """Whole minutes in `delta`, rounded down and never negative."""
    return max(0, int(delta.total_seconds() // 60))


def iso_z(moment: datetime | None) -> str | None:
    """ISO 8601 in UTC with a `Z`, as every JSON answer gives times."""
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def iso_z_from_unix(seconds: float | None) -> str | None:
    """Unix seconds (as exports write times) in the form iso_z gives."""
    return None if seconds is None else iso_z(datetime.fromtimestamp(seconds, UTC))
