"""Fakes the tests share: a clock that moves only when told, progress reporters."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

    from desktop_importer.basics.progress import ProgressUpdate

T0 = datetime(2026, 3, 1, 12, 0, 0, tzinfo=UTC)


class FakeClock:
    def __init__(self, start: datetime = T0) -> None:
        self.current = start

    def now(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)

    def set(self, moment: datetime) -> None:
        self.current = moment


class RecordingProgress:
    def __init__(self) -> None:
        self.updates: list[ProgressUpdate] = []
        self.finished = False

    def update(self, progress: ProgressUpdate) -> None:
        self.updates.append(progress)

    def finish(self) -> None:
        self.finished = True


class ActingProgress(RecordingProgress):
    """Does `act` once, when the import reports its `at`-th progress update: something
    happening to the world while the import is under way."""

    def __init__(self, at: int, act: Callable[[], object]) -> None:
        super().__init__()
        self.at = at
        self.act = act

    def update(self, progress: ProgressUpdate) -> None:
        super().update(progress)
        if len(self.updates) == self.at:
            self.act()


class ExplodingProgress(RecordingProgress):
    """Raises half-way, like any reporter bug: the import must still end cleanly."""

    def __init__(self, after: int) -> None:
        super().__init__()
        self.after = after

    def update(self, progress: ProgressUpdate) -> None:
        super().update(progress)
        if len(self.updates) > self.after:
            raise RuntimeError("progress reporter broke")
