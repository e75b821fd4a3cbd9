"""Who owns an import: host, pid and the OS's raw process start time, and whether it still lives.

The start time is the kernel's own value (on Linux, field 22 of /proc/<pid>/stat, in clock
ticks since boot), never a wall-clock conversion, so correcting the clock cannot make a live
process look dead or a recycled pid look like the old owner.
"""

from __future__ import annotations

import os
import socket
import sys
from dataclasses import dataclass
from pathlib import Path

_PROC = Path("/proc")


@dataclass(frozen=True)
class Owner:
    host: str
    pid: int
    started: str | None  # the raw start-time token; None where the OS gives none


def _proc_stat(pid: int) -> tuple[str, str] | None:
    """(state, raw start time) of a pid from /proc, or None if no such process."""
    try:
        raw = (_PROC / str(pid) / "stat").read_text(encoding="ascii", errors="replace")
    except (FileNotFoundError, ProcessLookupError, NotADirectoryError):
        return None
    except OSError:
        return None
    # The command name (field 2) is in parentheses and may itself hold spaces or ')'.
    fields = raw[raw.rfind(")") + 2 :].split()
    if len(fields) < 20:
        return None
    return fields[0], fields[19]  # field 3 (state) and field 22 (starttime)


def process_start_token(pid: int) -> str | None:
    stat = _proc_stat(pid) if _PROC.is_dir() else None
    return stat[1] if stat else None


def current_owner() -> Owner:
    pid = os.getpid()
    return Owner(host=socket.gethostname(), pid=pid, started=process_start_token(pid))


def owner_alive(owner: Owner) -> bool | None:
    """True if the owner process lives, False if it is known dead, None if we cannot tell.

    Only an owner on this host can be judged; a zombie counts as dead; a live pid with
    another start time is a recycled pid, so the owner is dead.
    """
    if owner.host != socket.gethostname():
        return None
    if _PROC.is_dir() and owner.started is not None:
        stat = _proc_stat(owner.pid)
        if stat is None:
            return False
        state, started = stat
        return state not in ("Z", "X", "x") and started == owner.started
    if sys.platform != "win32":
        try:
            os.kill(owner.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return None  # alive, but without a start time a recycled pid cannot be told apart
    return None
