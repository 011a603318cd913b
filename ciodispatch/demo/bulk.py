"""Bulk writing for the national-size demo: rows written with ``bulk_create`` in batches,
their timestamps as given (``auto_now`` / ``auto_now_add`` are switched off while they are
written), and the audit event each state change would have recorded.

Only the national loader uses this (``ciodispatch/demo/national.py``); the ordinary demo goes
through the services. ``ciodispatch check_invariants`` checks what is written here against the
rules the services enforce.
"""

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager

from django.db import models
from django.utils import timezone

from ciodispatch.audit.models import AuditEvent
from ciodispatch.audit.services import new_event

BATCH = 2000


@contextmanager
def dated(*model_classes: type[models.Model]) -> Iterator[None]:
    """Write the timestamps given instead of "now" (``auto_now``/``auto_now_add`` off)."""
    saved = []
    for model in model_classes:
        for field in model._meta.concrete_fields:
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                saved.append((field, field.auto_now, field.auto_now_add))
                field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in saved:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


def create(objects: Sequence[models.Model], *, batch: int = BATCH) -> list[models.Model]:
    """bulk_create in batches, with the given timestamps; the objects get their pks."""
    if not objects:
        return []
    model = type(objects[0])
    stamped = [
        f.attname
        for f in model._meta.concrete_fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    now = timezone.now()  # the simulated clock while a past round is recorded
    for obj in objects:
        for name in stamped:
            if getattr(obj, name) is None:
                setattr(obj, name, now)
    with dated(model):
        for start in range(0, len(objects), batch):
            model.objects.bulk_create(objects[start : start + batch])
    return list(objects)


def at(day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=timezone.get_current_timezone())


class Audit:
    """Collects the audit events of bulk-written rows, written with ``flush``."""

    def __init__(self):
        self.events: list[AuditEvent] = []

    def add(
        self,
        when: dt.datetime,
        actor,
        action: str,
        target: models.Model | None,
        changes: dict | None = None,
        reason: str = "",
    ) -> None:
        event = new_event(
            actor=actor,
            action=action,
            target=target,
            changes=changes,
            reason=reason,
            describe=_repr,
        )
        event.at = when
        self.events.append(event)

    def path(
        self,
        obj: models.Model,
        field: str,
        states: Iterable[tuple[str, dt.datetime, object]],
        *,
        initial: str,
    ) -> None:
        """The events of a walk through a state machine: (state, when, actor) per step."""
        label = obj._meta.label_lower
        current = initial
        for state, when, actor in states:
            self.add(when, actor, f"{label}.{state}", obj, {field: [current, state]})
            current = state

    def flush(self) -> int:
        count = len(self.events)
        create(self.events, batch=5000)
        self.events = []
        return count


def _repr(target: models.Model) -> str:
    # The services record str(target); for bulk rows it is "<verbose name> <pk>" instead, as
    # str() of several models follows relations (a query per event). An application's str()
    # is neutral already and kept.
    if type(target).__name__ == "Application":
        return str(target)
    return f"{target._meta.verbose_name} {target.pk}"[:200]


def update(objects: Sequence[models.Model], fields: Sequence[str]) -> None:
    """Write ``fields`` of many rows with one prepared UPDATE run for each (``executemany``):
    ``bulk_update`` builds a CASE per field and row, minutes for thousands of rows."""
    if not objects:
        return
    from django.db import connection

    model = type(objects[0])
    meta = model._meta
    columns = [meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    sql = "UPDATE {} SET {} WHERE {} = %s".format(
        quote(meta.db_table),
        ", ".join(f"{quote(f.column)} = %s" for f in columns),
        quote(meta.pk.column),
    )
    rows = [
        [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in columns] + [obj.pk]
        for obj in objects
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
