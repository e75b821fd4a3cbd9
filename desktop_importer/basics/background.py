"""A writer on a second thread that stays at most a few items behind the thread feeding it.

The import writes batch N to SQLite (which releases the interpreter lock) while batch N+1
is gathered; the export writes each conversation's file (its system calls release it too)
while the next is rendered. The bounded queue keeps memory flat: the feeding thread waits
when the writer is behind. A failure in writing is raised on the feeding thread, at its
next `submit` or at `close`.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")
_STOP = object()


class BackgroundWriter(Generic[T]):
    def __init__(
        self, write: Callable[[T], None], *, depth: int = 2, name: str = "import-writer"
    ) -> None:
        self._write = write
        self._queue: queue.Queue[object] = queue.Queue(maxsize=depth)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while (item := self._queue.get()) is not _STOP:
            if self._error is not None:
                continue  # after a failure, drain so that submit() never blocks for ever
            try:
                self._write(item)  # type: ignore[arg-type]
            except BaseException as error:  # handed to the reading thread
                self._error = error

    def raise_error(self) -> None:
        if self._error is not None:
            raise self._error

    def submit(self, item: T) -> None:
        """Queue an item (waiting while the writer is `depth` items behind)."""
        self.raise_error()
        self._queue.put(item)

    def close(self) -> None:
        """Wait for every submitted item to be written; re-raise the writer's failure."""
        self.stop()
        self.raise_error()

    def stop(self) -> None:
        """Let the writer finish what it holds and end (errors are left to raise_error)."""
        if self._thread.is_alive():
            self._queue.put(_STOP)
            self._thread.join()
