"""Signs of life from the background workers themselves (not from one task: that is
``core.heartbeat``), so that ``/readyz`` can tell a load balancer whether anyone is taking
the queue's work.

``ciodispatch db_worker`` (core's override of django-tasks-db's command) runs the worker
inside ``beating_worker``: a ``WorkerHeartbeat`` row is written before the first poll, then a
thread rewrites it every quarter of ``WORKER_SEEN_WITHIN_SECONDS`` (also while a task holds
the main thread for minutes), and the row is deleted when the worker stops cleanly. A killed
worker's row simply stops being fresh.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import DatabaseError
from django.utils import timezone

from ciodispatch.core.heartbeat import beating_from_thread
from ciodispatch.core.models import WorkerHeartbeat

logger = logging.getLogger(__name__)

# Rows of workers gone for longer than this are deleted when a worker starts.
FORGET_AFTER = dt.timedelta(days=1)


def seen_within() -> dt.timedelta:
    return dt.timedelta(seconds=settings.WORKER_SEEN_WITHIN_SECONDS)


def beat_interval() -> float:
    """Four beats fit in the interval, so one slow write does not hide a live worker."""
    return settings.WORKER_SEEN_WITHIN_SECONDS / 4


def worker_seen(*, now: dt.datetime | None = None) -> bool:
    """Whether some worker beat within ``WORKER_SEEN_WITHIN_SECONDS``."""
    now = now or timezone.now()
    return WorkerHeartbeat.objects.filter(seen_at__gte=now - seen_within()).exists()


def beat_worker(worker_id: str) -> None:
    """Record that the worker ``worker_id`` (this process) is alive now."""
    now = timezone.now()
    updated = WorkerHeartbeat.objects.filter(worker_id=worker_id).update(seen_at=now)
    if not updated:
        WorkerHeartbeat.objects.update_or_create(
            worker_id=worker_id,
            defaults={
                "host": socket.gethostname()[:255],
                "pid": os.getpid(),
                "started_at": now,
                "seen_at": now,
            },
        )


@contextmanager
def beating_worker(worker_id: str) -> Iterator[None]:
    """Beat for the worker ``worker_id`` while the body (the worker's loop) runs."""
    WorkerHeartbeat.objects.filter(seen_at__lt=timezone.now() - FORGET_AFTER).delete()
    beat_worker(worker_id)
    try:
        with beating_from_thread(
            lambda: beat_worker(worker_id),
            every=beat_interval,
            name="worker-heartbeat",
            not_written=lambda: logger.warning("worker heartbeat of %s not written", worker_id),
        ):
            yield
    finally:
        try:
            WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()
        except DatabaseError:
            logger.warning("worker heartbeat of %s not removed", worker_id)
