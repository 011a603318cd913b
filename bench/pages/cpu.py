"""CPU time spent by the server's processes, read from Linux's ``/proc``.

Latency on a shared machine includes waiting for a core; CPU time does not, so the table
gives both. "app": gunicorn's worker processes (children of its master). "db": on a local
PostgreSQL, the backends connected to the benchmark's database other than the benchmark's own
(with SQLite the database's work is inside the app's processes).
"""

import os
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")


def _stat(pid: str) -> list[str] | None:
    try:
        return (Path("/proc") / pid / "stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None  # ended meanwhile, or no /proc


def _ticks(fields: list[str]) -> int:
    return int(fields[11]) + int(fields[12])  # utime + stime


def children(parent: int) -> dict[int, int]:
    """CPU ticks of each child process of ``parent``."""
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := _stat(entry.name)) and int(fields[1]) == parent:
            found[int(entry.name)] = _ticks(fields)
    return found


def processes(pids: list[int]) -> dict[int, int]:
    found = {}
    for pid in pids:
        if fields := _stat(str(pid)):
            found[pid] = _ticks(fields)
    return found


def database_backends() -> list[int] | None:
    """The PostgreSQL backends serving this database but not this process, if PostgreSQL runs
    on this machine; None otherwise."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    if connection.settings_dict.get("HOST") not in ("", "127.0.0.1", "localhost", "::1"):
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        pids = [row[0] for row in cursor.fetchall()]
    return pids if pids and processes(pids[:1]) else None


class Clock:
    """``snapshot()`` before and after; ``spent(before, after)`` in seconds per kind."""

    def __init__(self, server_pid: int):
        self.server_pid = server_pid

    def snapshot(self) -> dict[str, dict[int, int] | None]:
        backends = database_backends()
        return {
            "app": children(self.server_pid),
            "db": processes(backends) if backends is not None else None,
        }

    @staticmethod
    def spent(before: dict, after: dict) -> dict[str, float | None]:
        result: dict[str, float | None] = {}
        for kind, now in after.items():
            then = before.get(kind)
            if now is None or then is None:
                result[kind] = None
                continue
            # A process that appeared meanwhile counts from zero.
            result[kind] = sum(t - then.get(pid, 0) for pid, t in now.items()) / TICKS
        return result
