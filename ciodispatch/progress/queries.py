"""Reads of progress: what is due and overdue, the wins the public sees, KPI charts and the
programme's outcomes."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ciodispatch.dispatches.models import Dispatch
from ciodispatch.dispatches.queries import with_parties
from ciodispatch.progress.models import (
    ActionPlan,
    Comment,
    KPIMeasurement,
    MeasurementPoint,
    MonthlyReport,
    SmallWin,
    first_of_month,
    next_month,
    plan_due,
    report_due_for,
)

RUNNING = (Dispatch.State.ACTIVE, Dispatch.State.EXTENDED)
FINISHED = (Dispatch.State.COMPLETED, Dispatch.State.ENDED_EARLY)


@dataclass(frozen=True)
class OverdueItem:
    key: str  # "plan" or "report:YYYY-MM"
    text: str
    due: dt.date


@dataclass
class MonthRow:
    month: dt.date
    due: dt.date
    report: MonthlyReport | None
    overdue: bool

    @property
    def status(self) -> str:
        if self.report is not None and self.report.state == MonthlyReport.State.SUBMITTED:
            return "submitted"
        if self.overdue:
            return "overdue"
        return "draft" if self.report is not None else "missing"


def term_months(dispatch: Dispatch, today: dt.date) -> list[dt.date]:
    """The months of the term up to the current month (the months a report may be for)."""
    start = dispatch.started_on or dispatch.start_date
    end = dispatch.term_end
    if start is None or end is None:
        return []
    last = min(first_of_month(end), first_of_month(today))
    months, month = [], first_of_month(start)
    while month <= last:
        months.append(month)
        month = next_month(month)
    return months


def report_rows(dispatch: Dispatch, today: dt.date) -> list[MonthRow]:
    """Each month of the term so far, newest first, with its report and whether it is late.
    Only a running dispatch has overdue reports (a finished one can no longer file)."""
    reports = {r.month: r for r in dispatch.reports.all()}
    running = dispatch.state in RUNNING
    rows = []
    for month in term_months(dispatch, today):
        report = reports.get(month)
        submitted = report is not None and report.state == MonthlyReport.State.SUBMITTED
        due = report_due_for(dispatch, month)
        rows.append(MonthRow(month, due, report, running and not submitted and today > due))
    return rows[::-1]


def _plan_of(dispatch: Dispatch) -> ActionPlan | None:
    """The dispatch's plan: from a select_related("action_plan") of the list pages when the
    row came with it, else read now (never a stale cache of an earlier miss)."""
    if "action_plan" in dispatch._state.fields_cache:
        return dispatch._state.fields_cache["action_plan"]
    return ActionPlan.objects.filter(dispatch=dispatch).first()


def overdue_items(dispatch: Dispatch, today: dt.date | None = None) -> list[OverdueItem]:
    today = today or timezone.localdate()
    if dispatch.state not in RUNNING:
        return []
    items = []
    due = plan_due(dispatch)
    plan = _plan_of(dispatch)
    if (
        due is not None
        and today > due
        and (plan is None or plan.state != ActionPlan.State.SUBMITTED)
    ):
        items.append(OverdueItem("plan", _("The action plan"), due))
    for row in sorted(report_rows(dispatch, today), key=lambda r: r.month):
        if row.overdue:
            items.append(
                OverdueItem(
                    f"report:{row.month:%Y-%m}",
                    _("The monthly report for %s") % f"{row.month:%Y-%m}",
                    row.due,
                )
            )
    return items


def overdue_for(dispatch: Dispatch, today: dt.date | None = None) -> list[str]:
    """Human-readable overdue items of a dispatch, for its pages."""
    return [
        _("%(item)s was due on %(due)s.") % {"item": item.text, "due": item.due.isoformat()}
        for item in overdue_items(dispatch, today)
    ]


def started_dispatches(user):
    """The started dispatches ``user`` may see (their own as CIO or host; all for the office),
    newest first, ready to list (the list form in progress/rules.py)."""
    from ciodispatch.progress.rules import visible_progress

    started = (
        with_parties()
        .filter(started_on__isnull=False)
        .select_related("action_plan")
        .prefetch_related("reports")
        .order_by("-started_on", "pk")
    )
    return visible_progress(user, started)


def visible_dispatches(user):
    return list(started_dispatches(user))


def overview(dispatches, today: dt.date) -> list[dict]:
    rows = []
    for dispatch in dispatches:
        help_reports = [
            r
            for r in dispatch.reports.all()
            if r.help_needed and r.state == MonthlyReport.State.SUBMITTED
        ]
        rows.append(
            {
                "dispatch": dispatch,
                "overdue": overdue_for(dispatch, today),
                "help": sorted(help_reports, key=lambda r: r.month, reverse=True)[:3],
            }
        )
    return rows


@dataclass(frozen=True)
class _Term:
    """The dates of a dispatch the overdue rule reads (``plan_due``, ``report_due_for``,
    ``term_months``), from one row of values rather than a model with its relations."""

    started_on: dt.date | None
    start_date: dt.date | None
    ended_on: dt.date | None
    end_date: dt.date | None

    @property
    def term_end(self) -> dt.date | None:
        return self.ended_on or self.end_date


def _open_reports(term: _Term, submitted: set, today: dt.date):
    """The months of the term so far whose report is not submitted, each with its due date
    (the rule of ``report_rows``, on plain values)."""
    for month in term_months(term, today):  # type: ignore[arg-type]
        if month not in submitted:
            yield month, report_due_for(term, month)  # type: ignore[arg-type]


def _is_overdue(term: _Term, plan_state: str | None, submitted: set, today: dt.date) -> bool:
    """The rule of ``overdue_items`` for a running dispatch, on its dates, its plan's state and
    the months of its submitted reports: is anything overdue?"""
    due = plan_due(term)  # type: ignore[arg-type]
    if due is not None and today > due and plan_state != ActionPlan.State.SUBMITTED:
        return True
    return any(today > due for _month, due in _open_reports(term, submitted, today))


def _submitted_months(running) -> dict[int, set]:
    submitted: dict[int, set] = {}
    for dispatch_id, month in MonthlyReport.objects.filter(
        dispatch__in=running.values("pk"), state=MonthlyReport.State.SUBMITTED
    ).values_list("dispatch_id", "month"):
        submitted.setdefault(dispatch_id, set()).add(month)
    return submitted


def overdue_dispatch_ids(user, today: dt.date) -> set[int]:
    """The running dispatches ``user`` may see with something overdue, found from two queries
    of plain values (dates, the plan's state, the submitted months), no model rows."""
    running = started_dispatches(user).filter(state__in=RUNNING).order_by()
    rows = running.values_list(
        "pk", "started_on", "start_date", "ended_on", "end_date", "action_plan__state"
    )
    submitted = _submitted_months(running)
    return {
        pk
        for pk, started, start, ended, end, plan_state in rows
        if _is_overdue(
            _Term(started, start, ended, end), plan_state, submitted.get(pk, set()), today
        )
    }


@dataclass(frozen=True)
class OpenItem:
    """A plan or a monthly report a running dispatch still owes (submitted or not yet due
    included: it is open until submitted)."""

    dispatch_id: int
    cio_user_id: int
    month: dt.date | None  # None: the action plan
    due: dt.date

    @property
    def is_plan(self) -> bool:
        return self.month is None

    def overdue(self, today: dt.date) -> bool:
        return today > self.due


def open_items(running, today: dt.date) -> list[OpenItem]:
    """The open plans and reports of ``running`` (a queryset of running dispatches), by the
    rules of ``overdue_items``, from two queries of plain values, ordered by due date."""
    running = running.filter(state__in=RUNNING).order_by()
    rows = running.values_list(
        "pk", "application__user_id", "started_on", "start_date", "ended_on", "end_date",
        "action_plan__state",
    )  # fmt: skip
    submitted = _submitted_months(running)
    items = []
    for pk, cio, started, start, ended, end, plan_state in rows:
        term = _Term(started, start, ended, end)
        due = plan_due(term)  # type: ignore[arg-type]
        if due is not None and plan_state != ActionPlan.State.SUBMITTED:
            items.append(OpenItem(pk, cio, None, due))
        for month, due in _open_reports(term, submitted.get(pk, set()), today):
            items.append(OpenItem(pk, cio, month, due))
    return sorted(items, key=lambda item: (item.due, item.dispatch_id))


def cio_running(user):
    """The running dispatches ``user`` files plans and reports for, as their CIO."""
    from ciodispatch.dispatches.rules import cio_dispatches

    return cio_dispatches(user, Dispatch.objects.filter(state__in=RUNNING))


# What the CIO's list shows with ?todo= (the work queue's links, progress/work.py).
TODO = {
    "plan": gettext_lazy("Action plans to file"),
    "reports": gettext_lazy("Monthly reports to file"),
    "overdue": gettext_lazy("Overdue monthly reports"),
}


def todo_items(items: list[OpenItem], todo: str, today: dt.date) -> list[OpenItem]:
    if todo == "plan":
        return [item for item in items if item.is_plan]
    if todo == "reports":
        return [item for item in items if not item.is_plan and not item.overdue(today)]
    if todo == "overdue":
        return [item for item in items if not item.is_plan and item.overdue(today)]
    return []


def overdue_overview(user, today: dt.date) -> list[dict]:
    """The rows of the running dispatches ``user`` may see with something overdue (only a
    running dispatch can be late); a fixed number of queries whatever their number. Which
    are overdue is found on plain values; only those are read whole, with their reports."""
    ids = overdue_dispatch_ids(user, today)
    running = started_dispatches(user).filter(state__in=RUNNING, pk__in=ids)
    return [row for row in overview(running, today) if row["overdue"]]


# --- small wins ---------------------------------------------------------------------------


def published_wins_queryset():
    return (
        SmallWin.objects.filter(state=SmallWin.State.PUBLISHED)
        .select_related("dispatch__request__host", "dispatch__request__group__lead")
        .order_by("-published_at", "-pk")
    )


def search_wins(q: str | None):
    """Published small wins matching ``q`` (ranked, with the hits highlighted); without ``q``,
    newest first. Returns the wins and the search result (None without ``q``)."""
    from ciodispatch.knowhow import search
    from ciodispatch.progress.services import WIN_SEARCH_KIND

    wins = published_wins_queryset()
    if not (q or "").strip():
        return wins, None
    result = search.search(q, kind=WIN_SEARCH_KIND)
    by_id = {win.pk: win for win in wins.filter(pk__in=result.ids)}
    return [by_id[pk] for pk in result.ids if pk in by_id], result


def published_wins(limit: int | None = None) -> list[SmallWin]:
    """The small wins on the public portal, newest first (no CIO's personal data)."""
    wins = published_wins_queryset()
    return list(wins[:limit] if limit else wins)


# --- KPIs ---------------------------------------------------------------------------------


def progress_ratio(baseline: Decimal, target: Decimal, value: Decimal) -> Decimal | None:
    """Progress toward the target: 0 at the baseline, 1 at the target. Works for reductions
    (target below baseline, e.g. processing time) the same way. None when target = baseline."""
    if target == baseline:
        return None
    return (value - baseline) / (target - baseline)


def reached(baseline: Decimal, target: Decimal, value: Decimal) -> bool:
    """At or past the target: above it for a rise, below it for a reduction; a KPI whose
    target is its baseline (keep a level) is reached only at that level."""
    if target == baseline:
        return value == target
    if target > baseline:
        return value >= target
    return value <= target


POINTS = [MeasurementPoint.START, MeasurementPoint.MID, MeasurementPoint.END]
CHART_W, CHART_H, BAR_W, GAP, TOP, BOTTOM, LEFT = 320, 150, 50, 20, 16, 24, 10


def kpi_series(dispatch: Dispatch) -> list[dict]:
    """Per KPI of the request: baseline, start, mid, end and target, and the bars of a small
    server-drawn chart (the same numbers are shown in a table next to it)."""
    measurements = {
        (m.kpi_id, m.point): m for m in KPIMeasurement.objects.filter(dispatch=dispatch)
    }
    series = []
    for kpi in dispatch.request.kpis.all():
        values = [(str(MeasurementPoint(p).label), measurements.get((kpi.pk, p))) for p in POINTS]
        numbers = [kpi.baseline, kpi.target] + [m.value for _label, m in values if m]
        top = max(numbers) or Decimal(1)
        scale = Decimal(CHART_H - TOP - BOTTOM) / top
        bars = []
        entries = [(_("Baseline"), kpi.baseline, True)] + [
            (label, m.value if m else None, m is not None) for label, m in values
        ]
        for i, (label, value, present) in enumerate(entries):
            height = int((value or 0) * scale) if present else 0
            bars.append(
                {
                    "label": label,
                    "value": value,
                    "present": present,
                    "x": LEFT + i * (BAR_W + GAP),
                    "text_x": LEFT + i * (BAR_W + GAP) + BAR_W // 2,
                    "y": CHART_H - BOTTOM - height,
                    "height": height,
                    "baseline": i == 0,
                }
            )
        latest = next((m for _label, m in reversed(values) if m), None)
        series.append(
            {
                "kpi": kpi,
                "measurements": values,
                "bars": bars,
                "target_y": int(CHART_H - BOTTOM - kpi.target * scale),
                "width": CHART_W,
                "height": CHART_H,
                "axis_y": CHART_H - BOTTOM,
                "label_y": CHART_H - 6,
                "latest": latest,
                "reached": latest is not None and reached(kpi.baseline, kpi.target, latest.value),
                "ratio": (
                    progress_ratio(kpi.baseline, kpi.target, latest.value) if latest else None
                ),
            }
        )
    return series


BANDS = [
    ("worse", gettext_lazy("Worse than the baseline"), None, Decimal(0)),
    ("0-25", "0–25%", Decimal(0), Decimal("0.25")),
    ("25-50", "25–50%", Decimal("0.25"), Decimal("0.5")),
    ("50-75", "50–75%", Decimal("0.5"), Decimal("0.75")),
    ("75-100", "75–100%", Decimal("0.75"), Decimal(1)),
    ("100", gettext_lazy("At or past the target"), Decimal(1), None),
]


def _band(ratio: Decimal) -> str:
    for key, _label, low, high in BANDS:
        if (low is None or ratio >= low) and (high is None or ratio < high):
            return key
    return "100"


def _outcome_dispatches():
    return Dispatch.objects.filter(state__in=RUNNING + FINISHED, started_on__isnull=False)


def _kpi_results(dispatches) -> dict[int, tuple[int, int, int, list[str]]]:
    """Per dispatch of ``dispatches`` (a queryset): its number of KPIs, of which measured, of
    which reached, and the progress band of each measured one, by the latest value (end,
    else mid, else start). Three queries of plain values, whatever the number of dispatches."""
    from ciodispatch.requests.models import KPI

    of_request: dict[int, list[int]] = {}
    kpis: dict[int, list[tuple[int, Decimal, Decimal]]] = {}
    for request, pk in dispatches.values_list("request_id", "pk"):
        of_request.setdefault(request, []).append(pk)
        kpis[pk] = []
    for kpi, request, baseline, target in KPI.objects.filter(
        request__in=dispatches.values("request_id")
    ).values_list("pk", "request_id", "baseline", "target"):
        for dispatch in of_request.get(request, ()):
            kpis[dispatch].append((kpi, baseline, target))
    order: dict[str, int] = {p: i for i, p in enumerate(POINTS)}
    latest: dict[tuple[int, int], tuple[int, Decimal]] = {}
    for dispatch, kpi, point, value in KPIMeasurement.objects.filter(
        dispatch__in=dispatches.values("pk")
    ).values_list("dispatch_id", "kpi_id", "point", "value"):
        rank = order.get(point, -1)
        if (dispatch, kpi) not in latest or rank > latest[(dispatch, kpi)][0]:
            latest[(dispatch, kpi)] = (rank, value)
    results = {}
    for dispatch, its_kpis in kpis.items():
        bands = []
        at_target = 0
        for kpi, baseline, target in its_kpis:
            found = latest.get((dispatch, kpi))
            if found is None:
                continue
            value = found[1]
            if reached(baseline, target, value):
                at_target += 1
            ratio = progress_ratio(baseline, target, value)
            if ratio is None:
                ratio = Decimal(1) if value == target else Decimal(0)
            bands.append(_band(ratio))
        results[dispatch] = (len(its_kpis), len(bands), at_target, bands)
    return results


def outcome_rows(dispatches) -> list[dict]:
    """The "by dispatch" rows for ``dispatches`` (a page of them, with their hosts)."""
    dispatches = list(dispatches)
    results = _kpi_results(Dispatch.objects.filter(pk__in=[d.pk for d in dispatches]))
    rows = []
    for dispatch in dispatches:
        kpis, measured, at_target, _bands = results.get(dispatch.pk, (0, 0, 0, []))
        rows.append(
            {
                "dispatch": dispatch,
                "host_name": dispatch.host_name,
                "finished": dispatch.state in FINISHED,
                "kpis": kpis,
                "measured": measured,
                "reached": at_target,
                "share": round(100 * at_target / measured) if measured else None,
            }
        )
    return rows


def outcome_dispatches():
    """The dispatches the outcomes count, in the order their rows are listed."""
    return with_parties().filter(pk__in=_outcome_dispatches()).order_by("started_on", "pk")


def programme_outcomes(*, rows: bool = True) -> dict:
    """Across running and finished dispatches: per dispatch the share of KPIs at or past the
    target (by the latest value: end, else mid, else start), the distribution of progress
    toward target, and counts. Only public facts (host, KPI names and values). Without
    ``rows``, the counts only (the pages list the rows of one page with ``outcome_rows``)."""
    states = dict(_outcome_dispatches().values_list("pk", "state"))
    results = _kpi_results(_outcome_dispatches())
    distribution = {key: 0 for key, *_rest in BANDS}
    for _kpis, _measured, _reached, bands in results.values():
        for band in bands:
            distribution[band] += 1
    most = max(distribution.values()) or 1
    finished = sum(1 for state in states.values() if state in FINISHED)
    return {
        "rows": outcome_rows(outcome_dispatches()) if rows else [],
        "distribution": [
            {
                "key": key,
                "label": label,
                "count": distribution[key],
                # Drawing: one row of 24 px per band, bars up to 200 px.
                "y": 24 * i + 4,
                "text_y": 24 * i + 17,
                "width": round(200 * distribution[key] / most),
                "value_x": 160 + round(200 * distribution[key] / most),
            }
            for i, (key, label, *_rest) in enumerate(BANDS)
        ],
        "chart_height": 24 * len(BANDS),
        "dispatches": len(states),
        "running": len(states) - finished,
        "finished": finished,
        "kpis_measured": sum(r[1] for r in results.values()),
        "kpis_reached": sum(r[2] for r in results.values()),
        "published_wins": SmallWin.objects.filter(state=SmallWin.State.PUBLISHED).count(),
    }


def help_requests(*, unanswered: bool = False):
    """Submitted reports that ask the office for help, newest first; ``unanswered``: those
    the office has not commented on yet."""
    found = (
        MonthlyReport.objects.filter(help_needed=True, state=MonthlyReport.State.SUBMITTED)
        .select_related("dispatch__request__host", "dispatch__request__group__lead")
        .filter(Q(dispatch__state__in=RUNNING))
        .order_by("-month", "-pk")
    )
    if unanswered:
        found = found.exclude(comments__side=Comment.Side.OFFICE)
    return found


# --- the host's answers to the office ---------------------------------------------------------


def office_questions(user):
    """The reports of the dispatches ``user`` speaks for as host on which the office has the
    last word: an office comment with no host comment after it (the host answers on the
    report's page). Newest report first."""
    from django.db.models import Max

    from ciodispatch.dispatches.rules import hosted_dispatches

    dispatches = hosted_dispatches(user, Dispatch.objects.all())
    return (
        MonthlyReport.objects.filter(dispatch__in=dispatches)
        .annotate(
            office_said=Max("comments__created_at", filter=Q(comments__side=Comment.Side.OFFICE)),
            host_said=Max("comments__created_at", filter=Q(comments__side=Comment.Side.HOST)),
        )
        .filter(office_said__isnull=False)
        .filter(Q(host_said__isnull=True) | Q(host_said__lt=models.F("office_said")))
        .select_related("dispatch__request__host", "dispatch__request__group__lead")
        .order_by("-month", "-pk")
    )
