"""Signs of life from background work, and what happens when they stop.

A worker that dies in the middle of a task (killed, out of memory, the machine restarted)
cannot mark its run failed, and django-tasks' database backend leaves such a task "running"
for ever (django-tasks issue #46). So each run row (``core.models.BackgroundRun``) carries
the worker's last sign of life: ``beating`` writes it when the run starts and then from a
thread every quarter of ``TASK_STALE_AFTER_SECONDS`` while the task works. ``fail_stalled``
marks failed, through the row's state machine and so audited, a running row that has not
beaten for ``TASK_STALE_AFTER_SECONDS``, and a queued row whose task a worker took but never
started; the office can then run it again. It runs where someone would otherwise be stuck:
when the run's page is read, when a run is asked for again, and from
``ciodispatch fail_stalled_runs`` (before a worker starts, and from cron).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.apps import apps
from django.conf import settings
from django.db import DatabaseError, connections, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import override

from ciodispatch.core.models import BackgroundRun
from ciodispatch.core.states import MACHINES, StateMachine

logger = logging.getLogger(__name__)


def stale_after() -> dt.timedelta:
    """How long a run may go without a sign of life before its worker counts as stopped."""
    return dt.timedelta(seconds=settings.TASK_STALE_AFTER_SECONDS)


def beat_interval() -> float:
    """Seconds between beats: four beats fit in the stale interval, so one slow write or a
    busy database does not make a live worker look dead."""
    return settings.TASK_STALE_AFTER_SECONDS / 4


def beat(model: type[models.Model], pk) -> bool:
    """Record a sign of life on a running row now; False if it is no longer running."""
    rows = model._default_manager.filter(pk=pk)
    updated = rows.filter(status=BackgroundRun.RUNNING).update(heartbeat_at=timezone.now())
    return bool(updated)


@contextmanager
def beating(run: BackgroundRun) -> Iterator[None]:
    """Beat ``run`` from a thread while the body runs (the engine or the import may hold the
    main thread for minutes in one call). The first beat is the caller's: it sets
    ``heartbeat_at`` when it moves the run to running."""
    model, pk = type(run), run.pk
    with beating_from_thread(
        # False: finished, or found stopped and failed: nothing to keep alive.
        lambda: beat(model, pk),
        every=beat_interval,
        name=f"heartbeat-{model.__name__}-{pk}",
        not_written=lambda: logger.warning("heartbeat of %s %s not written", model.__name__, pk),
    ):
        yield


@contextmanager
def beating_from_thread(
    beat_once: Callable[[], bool | None],
    *,
    every: Callable[[], float],
    name: str,
    not_written: Callable[[], None],
) -> Iterator[None]:
    """Call ``beat_once`` from a thread every ``every()`` seconds while the body runs, until
    the body ends or ``beat_once`` returns False. A locked or lost database is reported
    (``not_written``) and tried again at the next beat."""
    stop = threading.Event()

    def beat_until_stopped() -> None:
        try:
            while not stop.wait(every()):
                try:
                    if beat_once() is False:
                        return
                except DatabaseError:
                    not_written()
        finally:
            connections.close_all()  # this thread's own connections

    thread = threading.Thread(target=beat_until_stopped, name=name, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=10)


def enqueue_after_commit(task, run: BackgroundRun) -> None:
    """Queue ``task`` for ``run`` once the transaction that created the row commits, and keep
    the task's id on the row (``fail_stalled`` reads it to tell a waiting task from a lost
    one). A rollback queues nothing."""
    model, pk = type(run), run.pk

    def enqueue() -> None:
        result = task.enqueue(pk)
        model._default_manager.filter(pk=pk).update(**{"task_id": str(result.id)})

    transaction.on_commit(enqueue)


def _machine(model: type[models.Model]) -> StateMachine:
    label = model._meta.label
    return next(m for m in MACHINES if m.model_label == label and m.field == "status")


def _task_abandoned(run: BackgroundRun, cutoff: dt.datetime) -> bool:
    """A queued row whose task no worker will start: never enqueued, taken by a worker that
    then stopped, or finished without running it. A task still waiting in the queue is not
    abandoned: it waits for a worker however long that takes."""
    from django_tasks import default_task_backend
    from django_tasks.base import TaskResultStatus
    from django_tasks.exceptions import TaskResultDoesNotExist

    if run.requested_at >= cutoff:
        return False
    if not run.task_id:
        return True
    try:
        task = default_task_backend.get_result(run.task_id)
    except TaskResultDoesNotExist:
        return True
    except NotImplementedError:  # a backend that cannot tell; assume it is still queued
        return False
    if task.status == TaskResultStatus.READY:
        return False
    if task.status == TaskResultStatus.RUNNING:
        return task.started_at is not None and task.started_at < cutoff
    return True


def _stalled(queryset: models.QuerySet, cutoff: dt.datetime) -> models.QuerySet:
    silent = Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, requested_at__lt=cutoff)
    return queryset.filter(
        Q(status=BackgroundRun.RUNNING, worker_lost_at__isnull=True) & silent
        | Q(status=BackgroundRun.QUEUED, requested_at__lt=cutoff)
    )


def fail_stalled(queryset: models.QuerySet, *, now: dt.datetime | None = None) -> int:
    """Fail every row of ``queryset`` (of one ``BackgroundRun`` model) whose worker stopped,
    with the reason, audited as the system. Returns how many were failed."""
    now = now or timezone.now()
    cutoff = now - stale_after()
    model = queryset.model
    machine = _machine(model)
    failed = 0
    for pk in _stalled(queryset, cutoff).values_list("pk", flat=True):
        with transaction.atomic():
            locked = _stalled(model._default_manager.select_for_update(), cutoff)
            run: BackgroundRun | None = locked.filter(pk=pk).first()
            if run is None:  # it beat, or finished, since the first look
                continue
            if run.status == BackgroundRun.QUEUED and not _task_abandoned(run, cutoff):
                continue
            run.worker_lost_at = now
            run.finished_at = now
            with override(settings.LANGUAGE_CODE):
                reason = run.worker_lost_message
            machine.apply(
                run,
                BackgroundRun.FAILED,
                actor=None,
                reason=reason,
                update_fields=["worker_lost_at", "finished_at"],
                changes={
                    "heartbeat_at": run.heartbeat_at.isoformat() if run.heartbeat_at else None
                },
            )
            logger.warning("%s %s failed: its worker stopped", model.__name__, pk)
            failed += 1
    return failed


def fail_all_stalled() -> dict[str, int]:
    """``fail_stalled`` over every kind of background run; the count per model label."""
    return {
        model._meta.label: fail_stalled(model._default_manager.all())
        for model in apps.get_models()
        if issubclass(model, BackgroundRun)
    }
