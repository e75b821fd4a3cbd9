"""Runs one import in a child process (the same service behind the command line) and turns
its JSON-lines protocol into signals. It never touches a widget.

A child process, not a thread: parsing JSON in Python holds the interpreter lock, and a
worker thread measured stalls of up to 44 ms on a small synthetic export (p99 32 ms), close
to what a window may stall; a child process leaves the event loop free and isolates crashes.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QProcess, Signal

from desktop_importer.basics.relaunch import NO_CONSOLE_WINDOW, self_command
from desktop_importer.importing import worker_protocol


def _without_console_window(arguments: Any) -> None:
    arguments.flags |= NO_CONSOLE_WINDOW


class ImportProcess(QObject):
    progressed = Signal(object)  # ProgressUpdate
    succeeded = Signal(dict)  # the report, as `import --json` gives it
    rejected = Signal(int)  # another import is processing: its elapsed minutes
    cancelled = Signal(str)
    failed = Signal(str)  # one readable sentence
    limitReached = Signal(str)  # a size limit that "Import anyway" lifts refused the file
    finished = Signal()  # after any of the above

    def __init__(self, profile: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.profile = profile
        self.paths: list[Path] = []  # what the running (or last) import was given
        self._buffer = b""
        self._result: dict[str, Any] | None = None
        self._process = QProcess(self)
        self._process.setProcessChannelMode(QProcess.ProcessChannelMode.SeparateChannels)
        self._process.readyReadStandardOutput.connect(self._read)
        self._process.finished.connect(self._finished)
        self._process.errorOccurred.connect(self._error)
        if sys.platform == "win32":  # the console twin, started from a window: no console
            self._process.setCreateProcessArgumentsModifier(_without_console_window)

    def start(self, paths: list[Path], *, allow_large: bool = False, partial: bool = False) -> None:
        self.paths = list(paths)
        self._buffer, self._result = b"", None
        program, *arguments = self_command()
        command = [
            *arguments, "import", *(str(p) for p in paths), "--profile", self.profile,
            worker_protocol.WORKER_FLAG,
            *(["--allow-large"] if allow_large else []), *(["--partial"] if partial else []),
        ]  # fmt: skip
        self._process.start(program, command)

    def cancel(self) -> None:
        """Ask the import to stop at its next batch; `cancelled` follows."""
        if self.is_running():
            self._process.write(f"{worker_protocol.CANCEL}\n".encode())

    def is_running(self) -> bool:
        return self._process.state() != QProcess.ProcessState.NotRunning

    def wait_for_finished(self, msecs: int) -> bool:
        return self._process.waitForFinished(msecs)

    # -- the protocol ---------------------------------------------------------------------

    def _read(self) -> None:
        self._buffer += bytes(self._process.readAllStandardOutput().data())
        *lines, self._buffer = self._buffer.split(b"\n")
        for line in lines:
            message = worker_protocol.read_line(line)
            if message is None:
                continue
            if worker_protocol.is_progress(message):
                self.progressed.emit(worker_protocol.progress_of(message))
            elif worker_protocol.is_result(message):
                self._result = message

    def _finished(self, exit_code: int, exit_status: QProcess.ExitStatus) -> None:
        self._read()
        result = self._result or {}
        status = result.get("status")
        if status == "complete":
            self.succeeded.emit(result)
        elif status == "processing":
            self.rejected.emit(int(result.get("elapsedMinutes", 0)))
        elif status == "cancelled":
            self.cancelled.emit(str(result.get("error", "Import cancelled.")))
        elif "error" in result and result.get("limit"):
            self.limitReached.emit(str(result["error"]))
        elif "error" in result:
            self.failed.emit(str(result["error"]))
        else:
            self.failed.emit(
                f"The import stopped unexpectedly (exit code {exit_code}); "
                "the details are in the log (Help → Open log folder)."
            )
        self.finished.emit()

    def _error(self, error: QProcess.ProcessError) -> None:
        if error == QProcess.ProcessError.FailedToStart:
            self.failed.emit("The import could not be started; the app may be damaged.")
            self.finished.emit()
