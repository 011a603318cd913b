"""One run of a periodic job at a time, across every machine that shares the database.

Each app server may run the daily jobs from its own cron (or two timers fire together): the
jobs read "what is due" and then act, so two runs at once would each find the same item due
and act twice (two reminder mails, two reminder rows). ``exclusive_job`` makes the second
run wait until the first has finished; it then finds the work done and does nothing.

PostgreSQL: a session-level advisory lock keyed by the job's name. SQLite (one machine by
definition): an exclusive file lock beside the database file. An in-memory SQLite database
(tests) is one process's own, so there is nothing to share.
"""

from __future__ import annotations

import fcntl
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connections


def _key(name: str) -> int:
    """A stable signed 64-bit key for ``name`` (PostgreSQL's advisory-lock keys are bigint)."""
    digest = hashlib.sha256(f"ciodispatch job {name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


@contextmanager
def exclusive_job(name: str, *, using: str = "default") -> Iterator[None]:
    """Hold the lock of the job ``name`` while the body runs (waiting for it if need be)."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [_key(name)])
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [_key(name)])
        return
    if connection.vendor == "sqlite" and not connection.is_in_memory_db():  # type: ignore[attr-defined]
        path = f"{connection.settings_dict['NAME']}.{name}.lock"
        with open(path, "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
        return
    yield
