"""Runs one service call off the GUI thread and reports through signals; it never touches a
widget. For work that is short per step but long in all (recovery after a crash, schema
upgrades): the service takes a progress callback and a cancel check, and each step is its
own transaction, so stopping between steps loses nothing."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from desktop_importer.basics.errors import DesktopImporterError

log = logging.getLogger(__name__)

Work = Callable[[Callable[[str, int], None], Callable[[], bool]], Any]


class ServiceJob(QObject):
    progressed = Signal(str, int)  # stage, steps done
    succeeded = Signal(object)  # what the service returned
    failed = Signal(str)  # one readable sentence
    finished = Signal()  # after either

    def __init__(self, work: Work, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._work = work
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="service-job", daemon=True)
        self._thread.start()

    def is_running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def stop(self, timeout_s: float = 10.0) -> None:
        """Ask the work to stop at its next step and wait for it (steps are short)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout_s)

    def _run(self) -> None:
        try:
            result = self._work(self.progressed.emit, self._stop.is_set)
        except DesktopImporterError as e:
            self.failed.emit(e.message)
        except Exception:
            log.exception("A background task of the window failed")
            self.failed.emit("A background task failed; the details are in the log.")
        else:
            self.succeeded.emit(result)
        self.finished.emit()
