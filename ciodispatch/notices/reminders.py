"""Deadline reminders: 7 days and 1 day before each deadline, and on the day after it passed.

The apps say who has work due on a day (``due_on`` of a kind in their ``work.py``, read
through ``core.work.KINDS``); this job asks for today + 7, today + 1 and yesterday and tells
each user once per kind of work, due date and stage: the ``DeadlineReminder`` row is written
first, in the reminder's own transaction, and its unique constraint refuses a second one, so
running the job twice, or on two machines at once, sends each reminder once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ciodispatch.core import work
from ciodispatch.core.dates import format_date
from ciodispatch.notices.kinds import declare
from ciodispatch.notices.models import DeadlineReminder
from ciodispatch.notices.services import notify

Stage = DeadlineReminder.Stage


def _shown(params: Mapping[str, Any]) -> dict[str, Any]:
    """The work's reminder text and the date, in the reader's language."""
    found = work.KINDS.get(params.get("work", ""))
    what = str(found.reminder or found.title) if found else ""
    if params.get("detail"):
        what = f"{what} ({params['detail']})" if what else str(params["detail"])
    try:
        date = format_date(dt.date.fromisoformat(params.get("date", "")))
    except (TypeError, ValueError):
        date = ""
    return {**params, "work": what, "date": date}


WEEK_BEFORE = declare(
    "notices.due_in_7_days",
    label=_("A deadline in 7 days"),
    sentence=_("Due in 7 days, on %(date)s: %(work)s."),
    mail_default=True,
    prepare=_shown,
)
DAY_BEFORE = declare(
    "notices.due_tomorrow",
    label=_("A deadline tomorrow"),
    sentence=_("Due tomorrow, %(date)s: %(work)s."),
    mail_default=True,
    prepare=_shown,
)
OVERDUE = declare(
    "notices.overdue",
    label=_("A deadline passed"),
    sentence=_("Overdue since %(date)s: %(work)s."),
    mail_default=True,
    prepare=_shown,
)

# (stage, the due date's distance from today, the notice)
STAGES = (
    (Stage.WEEK_BEFORE, 7, WEEK_BEFORE),
    (Stage.DAY_BEFORE, 1, DAY_BEFORE),
    (Stage.OVERDUE, -1, OVERDUE),
)


def send_deadline_reminders(*, today: dt.date | None = None) -> dict[str, int]:
    """Remind every user with work due in 7 days, tomorrow or yesterday, once per kind of
    work, due date and stage. Returns the counts sent and already sent."""
    today = today or timezone.localdate()
    counts = {"sent": 0, "skipped": 0}
    for kind in list(work.KINDS.values()):
        if kind.due_on is None:
            continue
        for stage, offset, notice in STAGES:
            day = today + dt.timedelta(days=offset)
            for due in kind.due_on(day):
                sent = _remind(kind, due, day, stage, notice.key)
                counts["sent" if sent else "skipped"] += 1
    return counts


def _recorded(user, kind: str, day: dt.date, stage: str) -> bool:
    """Whether this reminder was sent (a cheap look before the insert, which decides)."""
    return DeadlineReminder.objects.filter(user=user, kind=kind, due_on=day, stage=stage).exists()


def _remind(kind: work.TaskKind, due: work.Due, day: dt.date, stage: str, notice: str) -> bool:
    user = due.user
    if not user.is_active:
        return False
    if _recorded(user, kind.key, day, stage):
        return False
    try:
        # Row and notice in one transaction: the mail goes after its commit, and a second
        # writer of the same row (another machine at the same moment) fails here, sending
        # nothing.
        with transaction.atomic():
            DeadlineReminder.objects.create(user=user, kind=kind.key, due_on=day, stage=stage)
            notify(
                [user],
                notice,
                due.pending.url,
                work=kind.key,
                date=day.isoformat(),
                detail=due.detail,
                count=due.pending.count,
            )
    except IntegrityError:
        return False
    return True
