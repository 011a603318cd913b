"""Reads of dispatches: who sees which, what each side must do next, the office's list, and
the case draft a finished dispatch gives the know-how base."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from ciodispatch import policy
from ciodispatch.dispatches import rules
from ciodispatch.dispatches.models import EVALUATION_CRITERIA, Dispatch, Evaluation
from ciodispatch.policy import Action as A

S = Dispatch.State


def base() -> QuerySet[Dispatch]:
    return Dispatch.objects.select_related(
        "request__host",
        "request__group__lead",
        "request__request_round",
        "application__user",
        "match_round",
    )


def visible_to(user) -> QuerySet[Dispatch]:
    """The dispatches a user may read (the list form in dispatches/rules.py), ready to list."""
    return rules.visible_dispatches(user, base())


def office_list(
    user, *, state: str = "", fiscal_year: int | None = None, prefecture: str = "", q: str = ""
) -> QuerySet[Dispatch]:
    """The dispatches ``user`` may read (``visible_to``), filtered, for the list and its CSV."""
    dispatches = visible_to(user)
    if state:
        dispatches = dispatches.filter(state=state)
    if fiscal_year:
        dispatches = dispatches.filter(request__request_round__fiscal_year=fiscal_year)
    if prefecture:
        dispatches = dispatches.filter(
            Q(request__host__prefecture_code=prefecture)
            | Q(request__group__lead__prefecture_code=prefecture)
        )
    if q:
        dispatches = dispatches.filter(
            Q(request__host__name__contains=q)
            | Q(request__group__name__contains=q)
            | Q(application__family_name__contains=q)
            | Q(application__given_name__contains=q)
            | Q(notice_number__icontains=q)
        )
    return dispatches.order_by("request__request_round__fiscal_year", "pk")


def state_counts(dispatches: QuerySet[Dispatch]) -> list[tuple[str, Any, int]]:
    counts = {s: 0 for s in S.values}
    for state, n in dispatches.order_by().values_list("state").annotate(n=Count("pk")):
        counts[state] = n
    return [(value, label, counts[value]) for value, label in S.choices]


@dataclass(frozen=True)
class NextStep:
    text: str
    action: str  # an anchor on the dispatch page


def next_steps(dispatch: Dispatch, user, *, today: dt.date) -> list[NextStep]:
    """What this user is expected to do next on this dispatch, in the order it matters."""
    steps: list[NextStep] = []
    cio = policy.can(user, A.ANSWER_AS_CIO, dispatch)
    host = policy.can(user, A.ANSWER_AS_HOST, dispatch)
    office = policy.can(user, A.MANAGE_DISPATCHES, dispatch)
    if dispatch.state == S.PROPOSED:
        if cio and dispatch.cio_accepted_at is None:
            steps.append(NextStep(_("Accept or decline the proposed dispatch."), "answer"))
        if host and dispatch.host_accepted_at is None:
            steps.append(NextStep(_("Accept or decline the proposed CIO."), "answer"))
    elif dispatch.state == S.DECLINED:
        if office and not hasattr(dispatch, "replaced_by"):
            steps.append(NextStep(_("Fill the place from the pool, or leave it empty."), "fill"))
    elif dispatch.state == S.ACCEPTED:
        if host and not dispatch.appointment_confirmed:
            steps.append(NextStep(_("Check and set the appointment."), "appointment"))
        if cio and dispatch.appointment_set_at and not dispatch.appointment_confirmed:
            steps.append(NextStep(_("Confirm the appointment the host has set."), "appointment"))
        if (host or office) and dispatch.appointment_confirmed:
            assert dispatch.start_date is not None
            if dispatch.start_date <= today:
                steps.append(NextStep(_("Record the start of the term."), "term"))
    elif dispatch.is_running:
        assert dispatch.end_date is not None
        if (host or office) and dispatch.end_date < today:
            steps.append(NextStep(_("The planned end has passed: complete the dispatch."), "term"))
        waiting = any(e.state == "requested" for e in dispatch.extensions.all())
        if office and waiting:
            steps.append(NextStep(_("Decide the extension the host asked for."), "extension"))
    from ciodispatch.dispatches.services import EVALUATION_ACTIONS, evaluation_open

    if evaluation_open(dispatch, today=today):
        done = {e.kind for e in dispatch.evaluations.all()}
        for kind, action in EVALUATION_ACTIONS.items():
            if kind not in done and policy.can(user, action, dispatch):
                steps.append(NextStep(_("Write your evaluation."), "evaluation"))
    return steps


def evaluation_rows(evaluation: Evaluation) -> list[tuple[str, int]]:
    labels = dict(EVALUATION_CRITERIA[evaluation.kind])
    scores: dict[str, Any] = evaluation.scores or {}
    return [(str(labels[code]), int(scores[code])) for code in labels if code in scores]


def _number(value) -> str:
    return f"{value.normalize():f}" if value is not None else ""


def kpi_outcomes(dispatch: Dispatch) -> list[tuple[str, str]]:
    """Each KPI of the request with its baseline, its last measured value and its target."""
    latest: dict[int, Any] = {}
    for measurement in dispatch.measurements.order_by("measured_on", "pk"):
        latest[measurement.kpi_id] = measurement.value
    rows = []
    for kpi in dispatch.request.kpis.all():
        label = f"{kpi.name}（{kpi.unit}）"
        if kpi.pk in latest:
            value = _("%(baseline)s → %(value)s (target %(target)s)") % {
                "baseline": _number(kpi.baseline),
                "value": _number(latest[kpi.pk]),
                "target": _number(kpi.target),
            }
        else:
            value = ""
        rows.append((label, value))
    return rows


def case_origin(dispatch: Dispatch) -> str:
    return f"dispatch:{dispatch.pk}"


def case_fields(dispatch: Dispatch) -> dict[str, Any]:
    """A case draft from a finished dispatch: the request's theme, goals and challenges, the
    people, what went well and what to do differently from the evaluations, and the KPIs with
    their measured values (source: this dispatch's records)."""
    request = dispatch.request
    evaluations = {e.kind: e for e in dispatch.evaluations.all()}
    start, end = dispatch.started_on, dispatch.term_end
    success = [e.went_well for e in evaluations.values() if e.went_well]
    spread = [e.to_improve for e in evaluations.values() if e.to_improve]
    roles = {
        "head": (
            _("Heads of the member governments (confirmed the joint request)")
            if request.is_joint
            else _("Head of %s (signed the commitment)") % dispatch.host_name
        ),
        "leader": _("External CIO: %s") % dispatch.cio_name,
    }
    counterpart = request.counterpart.get_full_name() if request.counterpart else ""
    if counterpart:
        roles["followers"] = _("Counterpart: %s") % counterpart
    source = _("Measured by the host during dispatch %s (CIO Dispatch)") % (
        dispatch.notice_number or dispatch.pk
    )
    outcomes = [
        {"label": label, "value": value, "source": source if value else "", "url": ""}
        for label, value in kpi_outcomes(dispatch)
    ]
    from ciodispatch.core.dates import fiscal_year

    members = list(request.members())
    if request.group is not None:
        members.append(request.group.lead)
    return {
        "title": (request.title or _("Dispatch to %s") % dispatch.host_name)[:120],
        "local_governments": members,
        "summary": request.goals,
        "year_from": fiscal_year(start) if start else None,
        "year_to": fiscal_year(end) if end else None,
        "challenges": list(request.challenges or []),
        "success_points": success,
        "spread_points": spread,
        "roles": roles,
        "outcomes": outcomes,
        "origin": case_origin(dispatch),
    }
