"""Writes to dispatch requests: filing alone or jointly, the head's commitment, the gate."""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ciodispatch import policy
from ciodispatch.accounts.models import HOST_ROLES, Role, User
from ciodispatch.audit.services import record
from ciodispatch.candidates.choices import MAX_TERM_MONTHS, MIN_TERM_MONTHS, SkillRole, WorkPattern
from ciodispatch.core.errors import Refusal
from ciodispatch.core.programme import Challenge
from ciodispatch.localgov.models import LocalGovernment, LocalGovernmentGroup
from ciodispatch.notices.services import notify
from ciodispatch.requests.eligibility import evaluate
from ciodispatch.requests.models import (
    KPI,
    REQUEST_STATES,
    AppointmentForm,
    DispatchRequest,
    MemberConfirmation,
    RequestRound,
)

A = policy.Action
S = DispatchRequest.State


class RequestError(Refusal, ValueError):
    """A change was refused; the message says what to do. Nothing was written."""


# --- rounds ---------------------------------------------------------------------------------


@transaction.atomic
def configure_round(
    fiscal_year: int,
    *,
    actor,
    title: str,
    requests_open: dt.date,
    requests_close: dt.date,
    dispatch_start: dt.date,
    population_limit: int | None = 50_000,
    require_readiness_training: bool = True,
    require_commitment: bool = True,
    require_authority: bool = True,
    min_readiness_score: int | None = 60,
    max_fiscal_strength: Decimal | None = None,
) -> RequestRound:
    """Create or change a round and its eligibility conditions (office)."""
    if actor is not None:
        policy.require(actor, A.CONFIGURE_REQUEST_ROUND)
    if requests_close < requests_open:
        raise RequestError(_("Requests must close on or after the day they open."))
    if dispatch_start <= requests_close:
        raise RequestError(_("Dispatches must start after requests close."))
    if min_readiness_score is not None and not 0 <= min_readiness_score <= 100:
        raise RequestError(_("The minimum readiness score is from 0 to 100."))
    values = {
        "title": title.strip() or f"{fiscal_year}年度 派遣要請",
        "requests_open": requests_open,
        "requests_close": requests_close,
        "dispatch_start": dispatch_start,
        "population_limit": population_limit,
        "require_readiness_training": require_readiness_training,
        "require_commitment": require_commitment,
        "require_authority": require_authority,
        "min_readiness_score": min_readiness_score,
        "max_fiscal_strength": max_fiscal_strength,
    }
    request_round, created = RequestRound.objects.update_or_create(
        fiscal_year=fiscal_year, defaults=values
    )
    record(
        actor=actor,
        action="requests.round_configured",
        target=request_round,
        changes={k: str(v) for k, v in values.items()} | {"created": created},
    )
    return request_round


def current_round(day: dt.date | None = None) -> RequestRound | None:
    """The round whose request window includes ``day``, else the newest one."""
    day = day or timezone.localdate()
    found = RequestRound.objects.filter(requests_open__lte=day, requests_close__gte=day).first()
    return found or RequestRound.objects.first()


# --- starting and editing ---------------------------------------------------------------------


@transaction.atomic
def start_request(
    request_round: RequestRound,
    *,
    actor,
    host: LocalGovernment | None = None,
    group: LocalGovernmentGroup | None = None,
) -> DispatchRequest:
    """A host files for itself, or a coordinator files for a group (one request, many members)."""
    if (host is None) == (group is None):
        raise RequestError(_("A request is for one local government or for one group."))
    policy.require(actor, A.START_REQUEST, host or group)
    today = timezone.localdate()
    if not request_round.is_open(today):
        raise RequestError(
            _("Requests for %(round)s are accepted from %(open)s to %(close)s.")
            % {
                "round": request_round,
                "open": request_round.requests_open,
                "close": request_round.requests_close,
            }
        )
    # Lock the round so that two clicks cannot file two requests for the same host.
    RequestRound.objects.select_for_update().get(pk=request_round.pk)
    if host is not None:
        members = {host.code}
    else:
        assert group is not None
        members = {m.code for m in group.members.all()}
    for other in (
        DispatchRequest.objects.filter(request_round=request_round)
        .exclude(state=S.REJECTED)
        .select_related("host", "group")
        .prefetch_related("group__members")
    ):
        taken = members & {m.code for m in other.members()}
        if taken:
            # One host is one place in the match: a government is in one request per round.
            names = "、".join(sorted(m.name for m in other.members() if m.code in taken))
            raise RequestError(
                _(
                    "%(names)s already take part in a request of this round (%(other)s); "
                    "continue that one, or ask the office to reject it first."
                )
                % {"names": names, "other": other.requester_name}
            )
    request = DispatchRequest.objects.create(
        request_round=request_round, host=host, group=group, filed_by=actor
    )
    record(actor=actor, action="requests.dispatchrequest.started", target=request)
    return request


def _editable(request: DispatchRequest, actor) -> DispatchRequest:
    policy.require(actor, A.EDIT_REQUEST, request)
    locked = DispatchRequest.objects.select_for_update().get(pk=request.pk)
    if not locked.is_editable:
        raise RequestError(_("The request has been submitted; it can be changed only if returned."))
    return locked


def _saved(request, section: str, actor, **changes) -> DispatchRequest:
    record(
        actor=actor,
        action="requests.dispatchrequest.section_saved",
        target=request,
        changes={"section": section, **changes},
    )
    return request


@transaction.atomic
def save_basics(
    request: DispatchRequest, *, actor, title: str, goals: str, challenges: Iterable[str]
) -> DispatchRequest:
    request = _editable(request, actor)
    challenges = sorted(set(challenges))
    if not title.strip():
        raise RequestError(_("Name the reform theme."))
    if len(goals.strip()) < 30:
        raise RequestError(_("Describe the goals (at least 30 characters): what should change?"))
    if not challenges or any(c not in Challenge.values for c in challenges):
        raise RequestError(_("Choose at least one of the six common challenges it addresses."))
    request.title, request.goals, request.challenges = title.strip(), goals.strip(), challenges
    request.save()
    return _saved(request, "basics", actor, challenges=challenges)


@transaction.atomic
def save_cio_wanted(
    request: DispatchRequest,
    *,
    actor,
    skill_roles: Iterable[str],
    term_months: int,
    start_date: dt.date,
    work_pattern: str,
    days_per_week: int | None,
    work_place: str,
    appointment_form: str,
) -> DispatchRequest:
    request = _editable(request, actor)
    roles = sorted(set(skill_roles))
    if not roles or any(r not in SkillRole.values for r in roles):
        raise RequestError(_("Choose at least one role of the skill standard."))
    if not MIN_TERM_MONTHS <= term_months <= MAX_TERM_MONTHS:
        raise RequestError(
            _("The term must be from %(min)s to %(max)s months.")
            % {"min": MIN_TERM_MONTHS, "max": MAX_TERM_MONTHS}
        )
    dispatch_start = request.request_round.dispatch_start
    if start_date < dispatch_start:
        raise RequestError(
            _("Dispatches of this round start on %(day)s or later; choose a start from then.")
            % {"day": dispatch_start.isoformat()}
        )
    if work_pattern == WorkPattern.PART_TIME:
        if days_per_week is None or not 1 <= days_per_week <= 3:
            raise RequestError(_("Part-time means 1 to 3 days a week: enter the number of days."))
    else:
        days_per_week = None
    if appointment_form not in AppointmentForm.values:
        raise RequestError(_("Choose the form of appointment."))
    if appointment_form == AppointmentForm.SIDE_JOB and work_pattern != WorkPattern.PART_TIME:
        raise RequestError(
            _("A side job (副業) is part-time: choose part-time, 1 to 3 days a week.")
        )
    request.skill_roles = roles
    request.term_months, request.start_date = term_months, start_date
    request.work_pattern, request.days_per_week = work_pattern, days_per_week
    request.work_place, request.appointment_form = work_place, appointment_form
    request.save()
    return _saved(request, "cio", actor, roles=roles, term=term_months)


@transaction.atomic
def save_budget(
    request: DispatchRequest,
    *,
    actor,
    budget_yen: int,
    pay_yen_per_month: int,
    vendors: Sequence[str],
    no_vendors: bool,
) -> DispatchRequest:
    request = _editable(request, actor)
    if budget_yen <= 0 or pay_yen_per_month <= 0:
        raise RequestError(_("Enter the budget and the pay as whole yen above zero."))
    if pay_yen_per_month * 12 > budget_yen:
        raise RequestError(_("A year of the pay offered is more than the budget; check both."))
    if any(not v.strip() for v in vendors):
        raise RequestError(
            _("The vendor list has a blank line; remove it or write the vendor's name.")
        )
    names = [v.strip() for v in vendors]
    if len({n.casefold() for n in names}) != len(names):
        raise RequestError(_("A vendor is listed twice; give each vendor once."))
    if no_vendors and names:
        raise RequestError(
            _("You said there is no vendor to declare but listed some: do one or the other.")
        )
    if not no_vendors and not names:
        raise RequestError(
            _(
                "List the vendors that supply your systems (for conflicts of interest), "
                "or say there are none."
            )
        )
    request.budget_yen, request.pay_yen_per_month = budget_yen, pay_yen_per_month
    request.vendors, request.no_vendors = names, no_vendors
    request.save()
    return _saved(request, "budget", actor, vendors=names)


def staff_of(request: DispatchRequest) -> list[User]:
    """Who may be named liaison or counterpart: host staff of the host, the members or the lead."""
    codes = [m.code for m in request.members()]
    if request.group is not None:
        codes.append(request.group.lead_id)
    return list(
        User.objects.filter(
            is_active=True,
            organisation__local_government__code__in=codes,
            role__in=[*HOST_ROLES, Role.PREFECTURE_COORDINATOR],
        ).order_by("username")
    )


@transaction.atomic
def save_people(
    request: DispatchRequest,
    *,
    actor,
    authority_statement: str,
    liaison: User,
    counterpart: User,
) -> DispatchRequest:
    request = _editable(request, actor)
    staff = {u.pk for u in staff_of(request)}
    for person, role in ((liaison, _("liaison")), (counterpart, _("counterpart"))):
        if person.pk not in staff:
            raise RequestError(
                _("The %s must be a member of staff of the requesting local governments.") % role
            )
    if liaison.pk == counterpart.pk:
        raise RequestError(_("Name two different people as liaison and counterpart."))
    request.authority_statement = authority_statement.strip()
    request.liaison, request.counterpart = liaison, counterpart
    request.save()
    return _saved(
        request, "people", actor, liaison=liaison.username, counterpart=counterpart.username
    )


@dataclass
class KPIInput:
    name: str
    unit: str
    baseline: Decimal
    target: Decimal


@transaction.atomic
def save_kpis(request: DispatchRequest, *, actor, kpis: Sequence[KPIInput]) -> DispatchRequest:
    request = _editable(request, actor)
    if not kpis:
        raise RequestError(
            _("Give at least one KPI with its baseline, so progress can be measured.")
        )
    for number, kpi in enumerate(kpis, start=1):
        if not kpi.name.strip() or not kpi.unit.strip():
            raise RequestError(_("KPI %s: name the indicator and its unit.") % number)
        if kpi.baseline == kpi.target:
            raise RequestError(
                _("KPI %s: the target equals the baseline; set the change you aim for.") % number
            )
    request.kpis.all().delete()
    KPI.objects.bulk_create(
        [
            KPI(
                request=request,
                name=k.name.strip(),
                unit=k.unit.strip(),
                baseline=k.baseline,
                target=k.target,
            )
            for k in kpis
        ]
    )
    return _saved(request, "kpis", actor, count=len(kpis))


SECTIONS = ("basics", "cio", "budget", "people", "kpis")
SECTION_TITLES = {
    "basics": gettext_lazy("Theme, goals and challenges"),
    "cio": gettext_lazy("The CIO wanted"),
    "budget": gettext_lazy("Budget, pay and vendors"),
    "people": gettext_lazy("Authority, liaison and counterpart"),
    "kpis": gettext_lazy("KPIs and baselines"),
}


def section_problems(request: DispatchRequest, key: str) -> list[str]:
    if key == "basics":
        return (
            []
            if request.title and request.goals and request.challenges
            else [_("Theme, goals, challenges.")]
        )
    if key == "cio":
        ok = (
            request.skill_roles
            and request.term_months
            and request.start_date
            and request.appointment_form
        )
        return [] if ok else [_("Roles, term, start and form of appointment.")]
    if key == "budget":
        ok = (
            request.budget_yen
            and request.pay_yen_per_month
            and (request.vendors or request.no_vendors)
        )
        return [] if ok else [_("Budget, pay and vendors.")]
    if key == "people":
        ok = request.authority_statement and request.liaison_id and request.counterpart_id
        return [] if ok else [_("Authority, liaison and counterpart.")]
    return [] if request.kpis.exists() else [_("At least one KPI.")]


def section_status(request: DispatchRequest, key: str) -> str:
    return "completed" if not section_problems(request, key) else "not_started"


# --- submission, commitment and the gate ---------------------------------------------------


@transaction.atomic
def submit_request(request: DispatchRequest, *, actor) -> DispatchRequest:
    request = _editable(request, actor)
    missing = [str(SECTION_TITLES[key]) for key in SECTIONS if section_problems(request, key)]
    if missing:
        raise RequestError(_("Complete every section before you submit: %s.") % "、".join(missing))
    # A returned request is committed again: the head signs what is filed now.
    request.committed_at, request.committed_by, request.commitment_text = None, None, ""
    request.confirmations.all().delete()
    request.submitted_at = timezone.now()
    REQUEST_STATES.apply(
        request,
        S.SUBMITTED,
        actor=actor,
        update_fields=[
            "submitted_at",
            "committed_at",
            "committed_by",
            "commitment_text",
            "updated_at",
        ],
    )
    if not request.request_round.require_commitment:
        _commit_and_evaluate(request, actor=actor)
    else:
        notify(
            User.objects.filter(
                role=Role.HOST_HEAD, organisation__local_government__in=request.members()
            ),
            "requests.awaiting_signature",
            # A single host's head signs on the commitment page; a joint request's heads
            # confirm on the request's page.
            reverse("requests:" + ("detail" if request.is_joint else "commit"), args=[request.pk]),
            title=request.title,
            host=request.requester_name,
        )
    return request


def commitment_text(request: DispatchRequest) -> str:
    return _(
        "As head of %(host)s I commit to host a certified CIO for “%(title)s”: to give the CIO "
        "the authority described in this request, a command line over the field and an "
        "implementation team; to name %(counterpart)s as counterpart; and to fund the post "
        "as stated (budget %(budget)s yen a year)."
    ) % {
        "host": request.requester_name,
        "title": request.title,
        "counterpart": request.counterpart.display_name if request.counterpart else "—",
        "budget": f"{request.budget_yen or 0:,}",
    }


def _commit_and_evaluate(request: DispatchRequest, *, actor) -> None:
    REQUEST_STATES.apply(request, S.COMMITTED, actor=actor)
    _evaluate(request, actor=actor)


def _evaluate(request: DispatchRequest, *, actor) -> None:
    conditions = evaluate(request)
    request.eligibility = [c.as_dict() for c in conditions]
    target = S.ELIGIBLE if all(c.passed for c in conditions) else S.NOT_ELIGIBLE
    if request.state == target:
        request.save(update_fields=["eligibility", "updated_at"])
        return
    REQUEST_STATES.apply(
        request,
        target,
        actor=actor,
        update_fields=["eligibility"],
        changes={"failed": [c.key for c in conditions if not c.passed]},
    )


@transaction.atomic
def sign_commitment(request: DispatchRequest, *, actor, text: str) -> DispatchRequest:
    """The head (首長) signs the commitment of a single host's request: who, when, the text."""
    policy.require(actor, A.SIGN_COMMITMENT, request)
    request = DispatchRequest.objects.select_for_update().get(pk=request.pk)
    if request.is_joint:
        raise RequestError(_("In a joint request, each member's head confirms instead."))
    if request.state != S.SUBMITTED:
        raise RequestError(_("Only a submitted request awaits the commitment."))
    if text.strip() != commitment_text(request).strip():
        raise RequestError(_("The request changed since you opened it; read it again and sign."))
    request.committed_by, request.committed_at = actor, timezone.now()
    request.commitment_text = text.strip()
    request.save(update_fields=["committed_by", "committed_at", "commitment_text", "updated_at"])
    record(
        actor=actor,
        action="requests.commitment_signed",
        target=request,
        changes={"text": text.strip()},
    )
    _commit_and_evaluate(request, actor=actor)
    return request


@transaction.atomic
def confirm_membership(
    request: DispatchRequest, member: LocalGovernment, *, actor, head_name: str = ""
) -> MemberConfirmation:
    """A member's head confirms a joint request; a coordinator may record a head's written
    confirmation received on paper (the head's name is then required)."""
    policy.require(actor, A.CONFIRM_MEMBERSHIP, request)
    request = DispatchRequest.objects.select_for_update().get(pk=request.pk)
    if not request.is_joint:
        raise RequestError(_("Members confirm joint requests only."))
    if request.state != S.SUBMITTED:
        raise RequestError(_("Only a submitted joint request awaits its members' confirmations."))
    if member.code not in {m.code for m in request.members()}:
        raise RequestError(_("%s is not a member of this group.") % member.name)
    own = actor.local_government
    if actor.role == Role.HOST_HEAD:
        if own is None or own.code != member.code:
            raise RequestError(_("A head confirms for their own local government only."))
        head_name = actor.display_name
    elif not head_name.strip():
        raise RequestError(_("Write the name of the head whose written confirmation you received."))
    if request.confirmations.filter(member=member).exists():
        raise RequestError(_("%s has confirmed already.") % member.name)
    confirmation = MemberConfirmation.objects.create(
        request=request,
        member=member,
        confirmed_by=actor,
        head_name=head_name.strip(),
        text=commitment_text(request),
    )
    record(
        actor=actor,
        action="requests.member_confirmed",
        target=request,
        changes={"member": member.code, "head": head_name.strip()},
    )
    if request.confirmations.count() == len(request.members()):
        _commit_and_evaluate(request, actor=actor)
    return confirmation


@transaction.atomic
def reevaluate(request: DispatchRequest, *, actor) -> DispatchRequest:
    """Evaluate the gate again (after training is completed, an assessment improves, …)."""
    policy.require(actor, A.VIEW_REQUEST, request)
    request = DispatchRequest.objects.select_for_update().get(pk=request.pk)
    if request.state not in (S.ELIGIBLE, S.NOT_ELIGIBLE):
        raise RequestError(_("Only committed requests are evaluated."))
    _evaluate(request, actor=actor)
    return request


@transaction.atomic
def decide_request(
    request: DispatchRequest, *, actor, decision: str, comment: str
) -> DispatchRequest:
    """The office approves an eligible request, returns it with comments, or rejects it."""
    policy.require(actor, A.DECIDE_REQUEST, request)
    request = DispatchRequest.objects.select_for_update().get(pk=request.pk)
    targets = {"approve": S.APPROVED, "return": S.RETURNED, "reject": S.REJECTED}
    if decision not in targets:
        raise RequestError(_("Choose approve, return or reject."))
    if decision != "approve" and not comment.strip():
        raise RequestError(_("Give the reason or the comments; the host is told them."))
    target = targets[decision]
    if decision == "approve" and request.state == S.ELIGIBLE:
        # Approve on the conditions as they are today, not as they were at the commitment.
        _evaluate(request, actor=actor)
        if request.state != S.ELIGIBLE:
            return request  # now not eligible; the office sees why and may return it
    if decision in ("approve", "reject") and request.state != S.ELIGIBLE:
        raise RequestError(
            _("Only eligible requests are approved or rejected; return the others with comments.")
        )
    if not REQUEST_STATES.allowed(request.state, target):
        raise RequestError(
            _("A request in the state “%(state)s” cannot be %(decision)s.")
            % {"state": request.get_state_display(), "decision": S(target).label}
        )
    request.office_comment = comment.strip()
    REQUEST_STATES.apply(
        request, target, actor=actor, reason=comment.strip(), update_fields=["office_comment"]
    )
    notify(
        [request.filed_by, request.liaison],
        {"approve": "requests.approved", "return": "requests.returned"}.get(
            decision, "requests.rejected"
        ),
        reverse("requests:detail", args=[request.pk]),
        title=request.title,
        reason=comment.strip(),
    )
    return request
