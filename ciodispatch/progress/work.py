"""The work progress creates for people (core/work.py): the CIO's action plan and monthly
reports (due, and overdue), the dispatches with something overdue and the help requests the
office answers. The deadlines are those of progress/models.py, read through the set-based
``queries.open_items`` (the rule of ``overdue_items``)."""

import datetime as dt
from collections import defaultdict
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ciodispatch.accounts import roles
from ciodispatch.core.work import Due, Pending, kind
from ciodispatch.dispatches.models import Dispatch
from ciodispatch.progress import queries
from ciodispatch.progress.queries import OpenItem


def item_url(item: OpenItem) -> str:
    """The form of one plan or report."""
    if item.month is None:
        return reverse("progress:plan_edit", args=[item.dispatch_id])
    return reverse("progress:report_edit", args=[item.dispatch_id]) + f"?month={item.month:%Y-%m}"


def items_url(items: list[OpenItem], todo: str) -> str:
    """One item: its form; more: the CIO's list of them."""
    if len(items) == 1:
        return item_url(items[0])
    return reverse("progress:mine") + "?" + urlencode({"todo": todo})


def _cio_pending(user, today: dt.date, todo: str) -> Pending | None:
    if not roles.is_candidate(user):
        return None
    items = queries.todo_items(queries.open_items(queries.cio_running(user), today), todo, today)
    if not items:
        return None
    return Pending(len(items), items_url(items, todo), min(item.due for item in items))


def _cio_due_on(day: dt.date, todo: str) -> list[Due]:
    """The CIOs with a plan or report (of ``todo``) due on ``day``, with what it is."""
    from ciodispatch.accounts.models import User

    today = timezone.localdate()
    running = Dispatch.objects.filter(state__in=queries.RUNNING)
    items = [
        item
        for item in queries.open_items(running, today)
        if item.due == day and (item.is_plan == (todo == "plan"))
    ]
    if not items:
        return []
    hosts = {
        d.pk: d.host_name
        for d in Dispatch.objects.filter(pk__in={i.dispatch_id for i in items}).select_related(
            "request__host", "request__group"
        )
    }
    if todo == "reports" and day < today:
        todo = "overdue"  # the list that shows them by now
    by_user: dict[int, list[OpenItem]] = defaultdict(list)
    for item in items:
        by_user[item.cio_user_id].append(item)
    users = User.objects.filter(pk__in=by_user, is_active=True)
    return [
        Due(
            user=user,
            pending=Pending(len(by_user[user.pk]), items_url(by_user[user.pk], todo), day),
            detail="、".join(
                (f"{item.month:%Y-%m}" if item.month else str(_("The action plan")))
                + f" ({hosts[item.dispatch_id]})"
                for item in by_user[user.pk]
            ),
        )
        for user in users
    ]


@kind(
    "progress.plan",
    title=_("Action plans to file"),
    reminder=_("Your action plan is due"),
)
def plans_to_file(user, today):
    return _cio_pending(user, today, "plan")


@plans_to_file.due_on
def plans_due_on(day):
    return _cio_due_on(day, "plan")


@kind(
    "progress.report_due",
    title=_("Monthly reports to file"),
    reminder=_("A monthly report is due"),
)
def reports_due(user, today):
    return _cio_pending(user, today, "reports")


@reports_due.due_on
def reports_due_on(day):
    # Reports due on ``day``, overdue ones included (the reminder of the day after).
    return _cio_due_on(day, "reports")


@kind("progress.report_overdue", title=_("Overdue monthly reports"))
def reports_overdue(user, today):
    return _cio_pending(user, today, "overdue")


@kind("progress.overdue", title=_("Dispatches with an overdue plan or report"), who=roles.is_office)
def dispatches_overdue(user, today):
    """The office follows up what is late (the section of its progress page)."""
    items = [
        item
        for item in queries.open_items(queries.started_dispatches(user), today)
        if item.overdue(today)
    ]
    if not items:
        return None
    return Pending(
        len({item.dispatch_id for item in items}),
        reverse("progress:office") + "#overdue-title",
        min(item.due for item in items),
    )


@kind("progress.help", title=_("Help requests to answer"), who=roles.is_office)
def help_to_answer(user, today):
    """Reports asking the office for help that the office has not commented on yet."""
    count = queries.help_requests(unanswered=True).count()
    return Pending(count, reverse("progress:office") + "?unanswered=1#help-title")


@kind(
    "progress.questions",
    title=_("Office comments on reports to answer"),
    reminder=_("The office asks about a monthly report"),
)
def questions_to_answer(user, today):
    """The host side answers the office's comments on its CIO's reports (the office had the
    last word)."""
    reports = list(queries.office_questions(user).values_list("pk", flat=True)[:2])
    if not reports:
        return None
    if len(reports) == 1:
        return Pending(1, reverse("progress:report", args=[reports[0]]))
    count = queries.office_questions(user).count()
    return Pending(count, reverse("progress:mine") + "?questions=1")
