"""The reading process's pipe: frames of a 4-byte length and a pickled dict of plain values
(reading_process.py says what each holds and why pickle).

Frames are written to the pipe's file descriptor with `os.write` until every byte is out,
never through a buffered stream: on Python 3.11 a `BufferedWriter` that a signal
interrupts in the middle of a large write to a pipe sends some bytes twice or not at all,
and every frame after it is garbage. A signal handler in the process does it, and so does
a profiler or debugger attached to it (py-spy stopped the import this way, one run in
two). `os.write` says how much it wrote; the loop writes the rest.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import struct
from typing import IO, Any

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

LENGTH = struct.Struct("<I")
# The pipe holds a few parts (a part is 50 to 200 KB pickled), so that the reader goes on
# while the importing process is busy for a moment, instead of stalling on every part:
# Linux's default of 64 KB left it blocked 0.25 s per 100 MB export, the writer idle 0.3 s.
PIPE_BYTES = 2**20  # Linux's limit for unprivileged processes (/proc/sys/fs/pipe-max-size)


def enlarge_pipe(pipe: IO[bytes]) -> None:
    """Ask for a PIPE_BYTES pipe where the system can (Linux); elsewhere, or when it says no,
    the default pipe only means the reader waits more."""
    set_size = getattr(fcntl, "F_SETPIPE_SZ", None) if fcntl is not None else None
    if set_size is not None:
        with contextlib.suppress(OSError):
            fcntl.fcntl(pipe.fileno(), set_size, PIPE_BYTES)


def read_frame(stream: IO[bytes]) -> dict[str, Any] | None:
    """The next frame, or None at the end of the stream (or in a frame cut short)."""
    length = stream.read(LENGTH.size)  # a buffered reader reads until it has them all
    if len(length) < LENGTH.size:
        return None
    (size,) = LENGTH.unpack(length)
    body = stream.read(size)
    if len(body) < size:
        return None
    header: dict[str, Any] = pickle.loads(body)  # our own child only (see above)
    return header


class FrameWriter:
    """Writes frames to a file descriptor, each whole."""

    def __init__(self, fd: int) -> None:
        self._fd = fd

    def send(self, header: dict[str, Any]) -> None:
        body = pickle.dumps(header, protocol=pickle.HIGHEST_PROTOCOL)
        self._write_all(LENGTH.pack(len(body)))
        self._write_all(body)

    def error(self, error: str, message: str) -> None:
        self.send({"kind": "error", "error": error, "message": message})

    def _write_all(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            view = view[os.write(self._fd, view) :]
