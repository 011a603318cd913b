"""The work queue: what waits for a user, how much of it and by when.

Core knows no app. Each app declares the kinds of work it creates for people in its
``work.py`` (discovered at start-up as ``nav.py`` is) with the ``@kind`` decorator. A kind
answers, for one user, how many items wait (``Pending``: a count, the link to the page or the
filtered list that shows exactly those items, and the nearest due date), or ``None`` when the
user has none or may not see them. The counting query is scoped by the app's own rules (its
list forms), so nobody sees another organisation's work.

A kind with deadlines can also say who has an item due on a given day (``due_on``): the daily
reminder job asks it for the days 7 and 1 days ahead and for yesterday.

``tasks_for(user)`` runs every kind and orders the result by urgency, then by due date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# A deadline within this many days makes a task "due soon".
SOON_DAYS = 7


class Urgency(StrEnum):
    OVERDUE = "overdue"
    SOON = "soon"
    LATER = "later"

    @property
    def label(self) -> str:
        return str(URGENCY_LABELS[self])

    @property
    def order(self) -> int:
        return list(Urgency).index(self)


URGENCY_LABELS = {
    Urgency.OVERDUE: _("Overdue"),
    Urgency.SOON: _("Due within 7 days"),
    Urgency.LATER: _("Later"),
}


def urgency_of(due: dt.date | None, today: dt.date) -> Urgency:
    if due is None:
        return Urgency.LATER
    if due < today:
        return Urgency.OVERDUE
    if due <= today + dt.timedelta(days=SOON_DAYS):
        return Urgency.SOON
    return Urgency.LATER


@dataclass(frozen=True)
class Pending:
    """One kind's work for one user: how many items, where they are listed, the nearest due
    date (None when the work has no deadline)."""

    count: int
    url: str
    due: dt.date | None = None


@dataclass(frozen=True)
class Due:
    """One user's items of a kind that fall due on a day (for the reminder job)."""

    user: Any
    pending: Pending
    # What the items are, for the mail ("Monthly report for 2027-01, 多久市"); optional.
    detail: str = ""


@dataclass(frozen=True)
class Task:
    kind: str
    title: str
    count: int
    url: str
    due: dt.date | None
    urgency: Urgency
    area: str

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "title": self.title,
            "count": self.count,
            "url": self.url,
            "due": self.due.isoformat() if self.due else None,
            "urgency": str(self.urgency),
        }


PendingFor = Callable[[Any, dt.date], Pending | None]
DueOn = Callable[[dt.date], Iterable[Due]]


@dataclass(frozen=True)
class TaskKind:
    key: str  # "requests.sign": the app's label, a dot, the work
    title: Promise | str  # what the items are, as a heading: "Requests to sign"
    area: str  # the app label whose menu entry counts this work
    pending: PendingFor
    due_on: DueOn | None = None
    # What a reminder mail says the work is ("a request waits for your signature").
    reminder: Promise | None = None

    def task_for(self, user: Any, today: dt.date) -> Task | None:
        pending = self.pending(user, today)
        if pending is None or pending.count <= 0:
            return None
        return Task(
            kind=self.key,
            title=str(self.title),
            count=pending.count,
            url=pending.url,
            due=pending.due,
            urgency=urgency_of(pending.due, today),
            area=self.area,
        )


KINDS: dict[str, TaskKind] = {}


class DeclaredKind:
    """What ``@kind`` makes of its function: still callable as ``pending(user, today)``, and
    with ``due_on`` to declare the kind's reminders."""

    def __init__(self, declared: TaskKind):
        self.key = declared.key
        self._pending = declared.pending

    def __call__(self, user: Any, today: dt.date) -> Pending | None:
        return self._pending(user, today)

    def due_on(self, function: DueOn) -> DueOn:
        """Declare who has items of this kind due on a day (decorator)."""
        KINDS[self.key] = replace(KINDS[self.key], due_on=function)
        return function


def kind(
    key: str,
    *,
    title: Promise | str,
    reminder: Promise | None = None,
    area: str | None = None,
    who: Callable[[Any], Any] | None = None,
) -> Callable[[PendingFor], DeclaredKind]:
    """Declare a kind of work; the decorated function is its ``pending(user, today)``.

    The area defaults to the declaring app (``ciodispatch.<app>.work``). A second kind with
    the same key is refused at start-up. Add a reminder for deadlines with ``@<fn>.due_on``.
    ``who`` (a role check such as ``roles.is_office``) says whom the work is for: the function
    is asked only for them; anyone else has none. A count of 0 is no task either.
    """

    def register(pending: PendingFor) -> DeclaredKind:
        if key in KINDS:
            raise ValueError(f"A second work kind {key!r} ({pending.__module__})")
        app = area or pending.__module__.split(".")[-2]
        if who is not None:
            pending = _only_for(who, pending)
        declared = TaskKind(key=key, title=title, area=app, pending=pending, reminder=reminder)
        KINDS[key] = declared
        return DeclaredKind(declared)

    return register


def _only_for(who: Callable[[Any], Any], pending: PendingFor) -> PendingFor:
    def pending_for_whom(user: Any, today: dt.date) -> Pending | None:
        return pending(user, today) if who(user) else None

    return pending_for_whom


def tasks_for(user: Any, today: dt.date | None = None) -> list[Task]:
    """Every kind of work waiting for ``user``: overdue first, then by due date."""
    if not getattr(user, "is_authenticated", False):
        return []
    today = today or timezone.localdate()
    found = [task for kind_ in KINDS.values() if (task := kind_.task_for(user, today))]
    return sorted(
        found,
        key=lambda task: (task.urgency.order, task.due or dt.date.max, task.title),
    )


def counts_by_area(tasks: Iterable[Task]) -> dict[str, int]:
    """How many items wait in each area (the menu's badges)."""
    counts: dict[str, int] = {}
    for task in tasks:
        counts[task.area] = counts.get(task.area, 0) + task.count
    return counts
