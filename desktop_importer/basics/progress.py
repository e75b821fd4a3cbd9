"""The tiny progress protocol the import reports through: safe to call in any order.

The CLI draws a text bar, the window turns calls into signals, tests record or raise.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class ProgressUpdate:
    stage: str
    bytes_done: int
    bytes_total: int
    conversations_done: int
    conversations_total: int | None  # known once the whole export has been read


class ProgressReporter(Protocol):
    def update(self, progress: ProgressUpdate) -> None: ...

    def finish(self) -> None: ...


class NullProgress:
    def update(self, progress: ProgressUpdate) -> None:
        pass

    def finish(self) -> None:
        pass


def never_cancelled() -> bool:
    """The cancel check of work nobody can cancel (the other half of the protocol above)."""
    return False
