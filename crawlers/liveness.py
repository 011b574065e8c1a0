"""Whether a lock or run holder is alive: on this host by its pid, elsewhere by heartbeat."""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta

HEARTBEAT_EVERY = timedelta(seconds=30)
"""How often a long-running holder refreshes its heartbeat."""
STALE_AFTER = timedelta(minutes=10)
"""A holder on another machine whose heartbeat is older than this is taken for dead."""


@dataclass(frozen=True, slots=True)
class Holder:
    """Who is doing the work: this machine's name and the process id."""

    host: str
    pid: int


def me() -> Holder:
    """This process, as recorded in locks and run rows."""
    return Holder(socket.gethostname(), os.getpid())


def pid_alive(pid: int) -> bool:
    """Whether a process with this id exists on this machine (a zombie counts as dead)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            return stat.read().rsplit(")", 1)[-1].split()[0] != "Z"
    except OSError:
        return True


def holder_alive(host: str, pid: int, heartbeat_at: datetime | None, now: datetime) -> bool:
    """Alive when the process exists here, or on another host when its heartbeat is fresh."""
    if host == socket.gethostname():
        return pid_alive(pid)
    return heartbeat_at is not None and now - heartbeat_at < STALE_AFTER
