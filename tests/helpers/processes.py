"""Finding and waiting for the reading processes of imports (Linux: through /proc)."""

from __future__ import annotations

import os
import select
from pathlib import Path

from desktop_importer.basics.relaunch import READ_EXPORT


def readers() -> dict[int, int]:
    """Every live reading process on the machine: pid -> parent pid."""
    found: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            arguments = (entry / "cmdline").read_bytes().split(b"\0")
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        state, parent = stat.rpartition(")")[2].split()[:2]
        if READ_EXPORT.encode() in arguments and state != "Z":
            found[int(entry.name)] = int(parent)
    return found


def exits_within(pid: int, seconds: float) -> bool:
    """Wait (without polling) for a process that is not our child to end."""
    try:
        handle = os.pidfd_open(pid)
    except ProcessLookupError:
        return True
    try:
        poller = select.poll()
        poller.register(handle, select.POLLIN)
        return bool(poller.poll(seconds * 1000))
    finally:
        os.close(handle)
