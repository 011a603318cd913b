"""Whoever sees a dispatch reads its progress. The CIO writes the plan and the reports; the
host side and the office comment; both the CIO and the host side post small wins and record
KPI values; only the host side publishes a win to the public portal."""

from django.db.models import Q, QuerySet

from ciodispatch.accounts import roles
from ciodispatch.dispatches.models import Dispatch
from ciodispatch.dispatches.rules import (
    dispatch_cio,
    dispatch_host,
    lists_dispatches,
    view_dispatch,
    visible_dispatches,
)
from ciodispatch.policy import Action, rule, seen_with
from ciodispatch.progress.models import ActionPlan, MonthlyReport, SmallWin

rule(Action.VIEW_PROGRESS_OVERVIEW)(roles.office)


rule(Action.VIEW_PUBLIC_PROGRESS)(roles.anyone)


@rule(Action.VIEW_PROGRESS)
def view_progress(user, dispatch) -> bool:
    return view_dispatch(user, dispatch)


def visible_progress(user, queryset: QuerySet[Dispatch] | None = None) -> QuerySet[Dispatch]:
    """The list form of ``view_progress``: the dispatches whose progress ``user`` reads."""
    return visible_dispatches(user, queryset)


@rule(Action.LIST_OWN_PROGRESS)
def lists_progress(user, obj) -> bool:
    return lists_dispatches(user, obj)


@rule(Action.WRITE_ACTION_PLAN, Action.WRITE_REPORT)
def cio_writes(user, dispatch) -> bool:
    return dispatch_cio(user, dispatch)


@rule(Action.PUBLISH_SMALL_WIN)
def host_publishes(user, dispatch) -> bool:
    return dispatch_host(user, dispatch)


@rule(Action.COMMENT_PROGRESS)
def progress_commenter(user, dispatch) -> bool:
    """The host side and the office comment on plans and reports; the CIO reads."""
    return dispatch is not None and (roles.is_office(user) or dispatch_host(user, dispatch))


@rule(Action.POST_SMALL_WIN, Action.RECORD_KPI)
def progress_writer(user, dispatch) -> bool:
    """Small wins and KPI values come from the CIO or the host side."""
    return dispatch is not None and (dispatch_cio(user, dispatch) or dispatch_host(user, dispatch))


@rule(Action.VIEW_SMALL_WIN)
def view_small_win(user, win) -> bool:
    """A published win is public; until then only those who see the dispatch."""
    if win is None:
        return False
    return win.is_published or view_dispatch(user, win.dispatch)


def visible_small_wins(user, queryset: QuerySet[SmallWin] | None = None) -> QuerySet[SmallWin]:
    """The list form of ``view_small_win``: the small wins ``user`` may read."""
    queryset = SmallWin.objects.all() if queryset is None else queryset
    if roles.is_office(user):
        return queryset
    return queryset.filter(
        Q(state=SmallWin.State.PUBLISHED) | Q(dispatch__in=visible_dispatches(user))
    )


# Who may know that one exists: others are answered 404, as for a missing one.
seen_with(ActionPlan, Action.VIEW_PROGRESS, via="dispatch")
seen_with(MonthlyReport, Action.VIEW_PROGRESS, via="dispatch")
seen_with(SmallWin, Action.VIEW_SMALL_WIN)
