"""Reads of dispatches: who sees which, what each side must do next, the office's list, and
the case draft a finished dispatch gives the know-how base."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, F, Min, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ciodispatch import policy
from ciodispatch.accounts import roles
from ciodispatch.dispatches import rules
from ciodispatch.dispatches.models import EVALUATION_CRITERIA, Dispatch, Evaluation, Extension
from ciodispatch.policy import Action as A

S = Dispatch.State


def base() -> QuerySet[Dispatch]:
    return with_parties().select_related("request__request_round", "match_round")


# Who a dispatch's pages and lists name: its host (or its group and the group's lead) and its CIO.
PARTIES = ("request__host", "request__group__lead", "application__user")


def with_parties() -> QuerySet[Dispatch]:
    """The dispatches, each with its parties (``PARTIES``) read in the same query."""
    return Dispatch.objects.select_related(*PARTIES)


def in_prefecture(prefecture: str, via: str = "") -> Q:
    """The dispatches whose host, or whose group's lead, is in ``prefecture``; ``via`` is the
    way to the dispatch from what is filtered ("dispatch__" from a claim)."""
    host = {f"{via}request__host__prefecture_code": prefecture}
    lead = {f"{via}request__group__lead__prefecture_code": prefecture}
    return Q(**host) | Q(**lead)


def visible_to(user) -> QuerySet[Dispatch]:
    """The dispatches a user may read (the list form in dispatches/rules.py), ready to list."""
    return rules.visible_dispatches(user, base())


def office_list(
    user,
    *,
    state: str = "",
    fiscal_year: int | None = None,
    prefecture: str = "",
    q: str = "",
    waiting: str = "",
    today: dt.date | None = None,
) -> QuerySet[Dispatch]:
    """The dispatches ``user`` may read (``visible_to``), filtered, for the list and its CSV."""
    dispatches = visible_to(user)
    if waiting in WAITING:
        dispatches = waiting_for(user, waiting, dispatches, today=today or _today())
    if state:
        dispatches = dispatches.filter(state=state)
    if fiscal_year:
        dispatches = dispatches.filter(request__request_round__fiscal_year=fiscal_year)
    if prefecture:
        dispatches = dispatches.filter(in_prefecture(prefecture))
    if q:
        dispatches = dispatches.filter(
            Q(request__host__name__contains=q)
            | Q(request__group__name__contains=q)
            | Q(application__family_name__contains=q)
            | Q(application__given_name__contains=q)
            | Q(notice_number__icontains=q)
        )
    return dispatches.order_by("request__request_round__fiscal_year", "pk")


# --- what waits for whom ------------------------------------------------------------------
# The work each side owes on its dispatches, as filters of a list of dispatches: the lists
# (?waiting=...) and the work queue (dispatches/work.py) read the same filter, so a count on
# the home page is the number of dispatches its link lists.

RUNNING = (S.ACTIVE, S.EXTENDED)
FINISHED = (S.COMPLETED, S.ENDED_EARLY)
K = Evaluation.Kind

# Each filter: its label, and the date its items fall due (None: no deadline).
WAITING: dict[str, tuple[Any, Any]] = {
    "answer": (gettext_lazy("Proposals to answer"), None),
    # The appointment is settled before the term starts.
    "appointment": (gettext_lazy("Appointments to set or confirm"), F("start_date")),
    "evaluation": (gettext_lazy("Evaluations to write"), Coalesce("ended_on", "end_date")),
    # The office decides before the current term ends.
    "extension": (gettext_lazy("Extensions to decide"), F("end_date")),
}
# Which filters each list offers: the office's list, and everyone else's.
OFFICE_WAITING = ("extension", "evaluation")
OWN_WAITING = ("answer", "appointment", "evaluation")


def _today() -> dt.date:
    from django.utils import timezone

    return timezone.localdate()


def _evaluated(kind: str) -> Exists:
    return Exists(Evaluation.objects.filter(dispatch=OuterRef("pk"), kind=kind))


def evaluation_open_q(today: dt.date) -> Q:
    """The list form of ``services.evaluation_open``."""
    from ciodispatch.dispatches.services import EVALUATION_WINDOW_DAYS

    window = today + dt.timedelta(days=EVALUATION_WINDOW_DAYS)
    return Q(state__in=FINISHED, started_on__isnull=False) | Q(
        state__in=RUNNING, end_date__lte=window
    )


def waiting_for(
    user, waiting: str, dispatches: QuerySet[Dispatch], *, today: dt.date
) -> QuerySet[Dispatch]:
    """The dispatches of ``dispatches`` on which ``user`` owes the step ``waiting`` (a key of
    WAITING), by the same conditions as ``next_steps``: the CIO and the host side answer a
    proposal; the host sets the appointment and the CIO confirms it; each side writes its
    evaluation once it is open; the office decides extensions and assesses."""

    def side(as_cio: Any, as_host: Any) -> QuerySet[Dispatch]:  # Q or an Exists
        if roles.is_candidate(user):
            return rules.cio_dispatches(user, dispatches.filter(as_cio))
        return rules.hosted_dispatches(user, dispatches.filter(as_host))

    if waiting == "answer":
        return side(
            Q(state=S.PROPOSED, cio_accepted_at__isnull=True),
            Q(state=S.PROPOSED, host_accepted_at__isnull=True),
        )
    if waiting == "appointment":
        return side(
            Q(state=S.ACCEPTED, appointment_set_at__isnull=False)
            & Q(appointment_confirmed_at__isnull=True),
            Q(state=S.ACCEPTED, appointment_set_at__isnull=True),
        )
    if waiting == "evaluation":
        opened = dispatches.filter(evaluation_open_q(today))
        if roles.is_office(user):
            # The office assesses after both sides, or once the term has ended.
            return opened.filter(~_evaluated(K.OFFICE)).filter(
                Q(state__in=FINISHED) | (_evaluated(K.HOST_OF_CIO) & _evaluated(K.CIO_OF_HOST))
            )
        return side(~_evaluated(K.CIO_OF_HOST), ~_evaluated(K.HOST_OF_CIO)).filter(
            evaluation_open_q(today)
        )
    if waiting == "extension":
        if not roles.is_office(user):
            return dispatches.none()
        requested = Extension.objects.filter(
            dispatch=OuterRef("pk"), state=Extension.State.REQUESTED
        )
        return dispatches.filter(Exists(requested))
    return dispatches.none()


def waiting_summary(user, waiting: str, today: dt.date) -> tuple[int, dt.date | None]:
    """How many dispatches wait for ``user``'s step ``waiting``, and the nearest due date:
    one query."""
    found = waiting_for(user, waiting, rules.visible_dispatches(user), today=today)
    due = WAITING[waiting][1]
    found = found.order_by()
    if due is None:
        return found.count(), None
    result = found.aggregate(n=Count("pk", distinct=True), due=Min(due))
    return result["n"], result["due"]


def due_on(waiting: str, day: dt.date, today: dt.date) -> list[tuple[Any, int]]:
    """Who has dispatches waiting for their step ``waiting`` that fall due on ``day``, and
    how many: the parties of the dispatches due that day, each counted by ``waiting_for``
    (a query for the day, one for the people, one per person with work due)."""
    from ciodispatch.accounts.models import HOST_ROLES, OFFICE_ROLES, Role, User

    due = WAITING[waiting][1]
    of_day = Dispatch.objects.annotate(due=due).filter(due=day)
    rows = list(
        of_day.values_list(
            "application__user_id", "request__group_id", "request__host_id",
            "request__group__lead__prefecture_code",
        )
    )  # fmt: skip
    if not rows:
        return []
    people = Q(pk__in={row[0] for row in rows})
    hosts = {row[2] for row in rows if row[1] is None}
    prefectures = {row[3] for row in rows if row[1] is not None}
    people |= Q(role__in=HOST_ROLES, organisation__local_government__code__in=hosts)
    people |= Q(
        role=Role.PREFECTURE_COORDINATOR,
        organisation__local_government__prefecture_code__in=prefectures,
    )
    if waiting in OFFICE_WAITING:
        people |= Q(role__in=OFFICE_ROLES)
    found = []
    for user in User.objects.filter(people, is_active=True).select_related(
        "organisation__local_government"
    ):
        dispatches = rules.visible_dispatches(user).annotate(due=due).filter(due=day)
        n = waiting_for(user, waiting, dispatches, today=today).order_by().count()
        if n:
            found.append((user, n))
    return found


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
