"""Owner identity and liveness from the OS's raw process start time."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace

import pytest

from desktop_importer.importing.owner import Owner, current_owner, owner_alive

linux_only = pytest.mark.skipif(not os.path.isdir("/proc"), reason="needs /proc (Linux)")


def test_this_process_is_alive() -> None:
    me = current_owner()
    assert me.pid == os.getpid()
    assert owner_alive(me) is True


@linux_only
def test_a_recycled_pid_with_another_start_time_is_dead() -> None:
    me = current_owner()
    assert owner_alive(replace(me, started=str(int(me.started or 0) + 1))) is False


@linux_only
def test_an_exited_process_is_dead_even_as_a_zombie() -> None:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    owner = Owner(current_owner().host, child.pid, _start_of(child.pid))
    os.waitid(os.P_PID, child.pid, os.WEXITED | os.WNOWAIT)  # exited, not reaped: a zombie
    assert owner_alive(owner) is False
    child.wait()
    assert owner_alive(owner) is False


def test_an_owner_on_another_host_cannot_be_judged() -> None:
    assert owner_alive(replace(current_owner(), host="elsewhere.example")) is None


def _start_of(pid: int) -> str:
    with open(f"/proc/{pid}/stat") as handle:
        return handle.read().rsplit(")", 1)[1].split()[19]
