"""The work dispatches create for people (core/work.py): proposals to answer, appointments
to set or confirm, extensions to decide, evaluations to write. Each counts the dispatches
that the list's ``?waiting=`` filter shows (dispatches/queries.py ``waiting_for``)."""

import datetime as dt
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ciodispatch.accounts import roles
from ciodispatch.core.work import Due, Pending, kind
from ciodispatch.dispatches import queries


def waiting_url(user, waiting: str) -> str:
    """The list that shows the dispatches waiting for ``user``'s step: the office's list for
    the office, "your dispatches" for everyone else."""
    page = "dispatches:office" if roles.is_office(user) else "dispatches:mine"
    return reverse(page) + "?" + urlencode({"waiting": waiting})


def _pending(user, waiting: str, today: dt.date) -> Pending | None:
    count, due = queries.waiting_summary(user, waiting, today)
    if not count:
        return None
    return Pending(count, waiting_url(user, waiting), due)


def _parties(user) -> bool:
    """The CIO and the host side (who answer, set and confirm)."""
    return (
        roles.is_candidate(user)
        or roles.host_local_government(user) is not None
        or roles.coordinated_prefecture(user) is not None
    )


def _due_on(waiting: str, day: dt.date) -> list[Due]:
    return [
        Due(user=user, pending=Pending(n, waiting_url(user, waiting), day))
        for user, n in queries.due_on(waiting, day, timezone.localdate())
    ]


@kind(
    "dispatches.answer",
    title=_("Proposed dispatches to answer"),
    reminder=_("A proposed dispatch waits for your answer"),
    who=_parties,
)
def proposals_to_answer(user, today):
    return _pending(user, "answer", today)


@kind(
    "dispatches.appointment",
    title=_("Appointments to set or confirm"),
    reminder=_("An appointment waits to be set or confirmed before the term starts"),
    who=_parties,
)
def appointments(user, today):
    return _pending(user, "appointment", today)


@appointments.due_on
def appointments_due_on(day):
    return _due_on("appointment", day)


@kind(
    "dispatches.extension",
    title=_("Extension requests to decide"),
    reminder=_("An extension request waits for the office's decision"),
    who=roles.is_office,
)
def extensions_to_decide(user, today):
    return _pending(user, "extension", today)


@extensions_to_decide.due_on
def extensions_due_on(day):
    return _due_on("extension", day)


@kind(
    "dispatches.evaluation",
    title=_("Evaluations to write"),
    reminder=_("An evaluation of a dispatch waits for you"),
)
def evaluations_to_write(user, today):
    if not (_parties(user) or roles.is_office(user)):
        return None
    return _pending(user, "evaluation", today)


@evaluations_to_write.due_on
def evaluations_due_on(day):
    return _due_on("evaluation", day)
