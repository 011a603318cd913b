"""Writes to dispatches: from a proposal to a finished, evaluated term.

Every change goes through one of these functions: it checks the policy, the transition table
(``DISPATCH_STATES``) and the rule in question, writes the audit record and mails the people
concerned once the transaction commits. A refused change raises ``DispatchError`` with a
message that says what to do, and writes nothing.
"""

import datetime as dt
import logging
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ciodispatch import policy
from ciodispatch.audit.services import record
from ciodispatch.candidates.availability import conflicting_vendors, unavailable_reason
from ciodispatch.candidates.models import Application
from ciodispatch.core.errors import Refusal
from ciodispatch.core.mail import mail_after_commit
from ciodispatch.core.text import service_text
from ciodispatch.dispatches.models import (
    DISPATCH_STATES,
    EVALUATION_CRITERIA,
    EXTENSION_STATES,
    Dispatch,
    Evaluation,
    Extension,
    add_months,
    months_between,
)
from ciodispatch.policy import Action as A
from ciodispatch.requests.models import AppointmentForm, DispatchRequest

MAX_TEXT = 4000
logger = logging.getLogger(__name__)
S = Dispatch.State


class DispatchError(Refusal, ValueError):
    """A refused change to a dispatch; the message says what to do."""


def _today() -> dt.date:
    return timezone.localdate()


def _locked(dispatch: Dispatch) -> Dispatch:
    """Re-read the row under a lock, so two people acting at once cannot both pass a check."""
    return (
        Dispatch.objects.select_for_update()
        .select_related("request__request_round", "application__user")
        .get(pk=dispatch.pk)
    )


def _text(value: str | None, label: str, *, required: bool = True, limit: int = MAX_TEXT) -> str:
    return service_text(value, label, error=DispatchError, required=required, limit=limit)


# --- notifications ------------------------------------------------------------------------


def host_addresses(dispatch: Dispatch) -> list[str]:
    request = dispatch.request
    return [u.email for u in (request.liaison, request.filed_by, request.counterpart) if u]


def cio_address(dispatch: Dispatch) -> str:
    return dispatch.application.email or dispatch.application.user.email


def _notify(dispatch: Dispatch, subject: str, body: str, *, office: bool = False) -> None:
    from ciodispatch.accounts.models import OFFICE_ROLES, User

    recipients = [cio_address(dispatch), *host_addresses(dispatch)]
    if office:
        recipients += list(
            User.objects.filter(role__in=OFFICE_ROLES, is_active=True).values_list(
                "email", flat=True
            )
        )
    mail_after_commit(
        recipients,
        _("[CIO Dispatch] %(subject)s: %(host)s")
        % {"subject": subject, "host": dispatch.host_name},
        body,
    )


def _require_certified(dispatch: Dispatch, day: dt.date | None = None) -> None:
    """A CIO whose certification was revoked, suspended or has lapsed cannot take a post."""
    if not dispatch.application.certification_valid_on(day):
        raise DispatchError(
            _(
                "The CIO's certification is not valid (%s): the dispatch cannot go on. "
                "The office can end it or fill the place."
            )
            % dispatch.application.get_state_display()
        )


def overlapping_dispatch(
    dispatch: Dispatch, start: dt.date, end: dt.date, *, others=None
) -> Dispatch | None:
    """Another dispatch the same CIO has committed to (accepted, running or finished; not a
    mere proposal, not declined) whose term overlaps ``start``–``end``. ``others``: the CIO's
    dispatches already read (a pool checks many CIOs in one query)."""
    if others is None:
        others = Dispatch.objects.filter(application_id=dispatch.application_id).select_related(
            "request__request_round"
        )
    for other in others:
        if other.pk == dispatch.pk or other.state in (S.PROPOSED, S.DECLINED):
            continue
        if other.first_day() <= end and start <= other.last_day():
            return other
    return None


def _check_free(dispatch: Dispatch, start: dt.date, end: dt.date) -> None:
    other = overlapping_dispatch(dispatch, start, end)
    if other is not None:
        raise DispatchError(
            _("The CIO has another dispatch, to %(host)s, over these dates (%(start)s – %(end)s).")
            % {
                "host": other.host_name,
                "start": other.first_day().isoformat(),
                "end": other.last_day().isoformat(),
            }
        )


# --- proposal and answers -----------------------------------------------------------------


@transaction.atomic
def propose_matched(sender, *, match_round, pairs, actor, **kwargs) -> None:
    """Propose a dispatch for each pair a published matching round matched."""
    for request, application in pairs:
        propose(request=request, application=application, match_round=match_round, actor=actor)


@transaction.atomic
def propose(
    *, request: DispatchRequest, application: Application, match_round=None, actor
) -> Dispatch:
    """Record a proposed dispatch (called when the office publishes a matching round)."""
    dispatch = Dispatch.objects.create(
        request=request, application=application, match_round=match_round
    )
    record(
        actor=actor,
        action="dispatches.propose",
        target=dispatch,
        changes={"request": request.pk, "application": application.pk},
    )
    return dispatch


def _prefill_appointment(dispatch: Dispatch) -> None:
    """Copy the appointment from the request: the host confirms or changes it."""
    request = dispatch.request
    start = request.start_date or request.request_round.dispatch_start
    dispatch.appointment_form = request.appointment_form
    dispatch.start_date = start
    dispatch.end_date = add_months(start, request.term_months or 12)
    dispatch.pay_yen_per_month = request.pay_yen_per_month
    # A full-time post names no days a week in the request: five.
    dispatch.days_per_week = request.days_per_week or (
        5 if request.work_pattern == "full_time" else None
    )
    dispatch.authority_statement = request.authority_statement


@transaction.atomic
def accept(dispatch: Dispatch, *, actor, side: str) -> Dispatch:
    """The CIO (``side="cio"``) or the host (``side="host"``) accepts the proposal; once both
    have, the dispatch is accepted and its appointment is copied from the request."""
    action = {"cio": A.ANSWER_AS_CIO, "host": A.ANSWER_AS_HOST}[side]
    dispatch = _locked(dispatch)
    policy.require(actor, action, dispatch)
    if dispatch.state != S.PROPOSED:
        raise DispatchError(
            _("This dispatch is “%s”; only a proposal can be accepted.")
            % dispatch.get_state_display()
        )
    _require_certified(dispatch)
    now = timezone.now()
    if side == "cio":
        if dispatch.cio_accepted_at is not None:
            raise DispatchError(_("You have already accepted this dispatch."))
        dispatch.cio_accepted_at = now
        fields = ["cio_accepted_at"]
    else:
        if dispatch.host_accepted_at is not None:
            raise DispatchError(_("Your government has already accepted this dispatch."))
        dispatch.host_accepted_at = now
        dispatch.host_accepted_by = actor
        fields = ["host_accepted_at", "host_accepted_by"]
    dispatch.save(update_fields=fields)
    record(actor=actor, action=f"dispatches.accept.{side}", target=dispatch)
    if dispatch.both_accepted:
        _prefill_appointment(dispatch)
        DISPATCH_STATES.apply(
            dispatch,
            S.ACCEPTED,
            actor=actor,
            update_fields=APPOINTMENT_FIELDS,  # filled in from the request by _prefill_appointment
        )
        _notify(
            dispatch,
            _("Both sides accepted"),
            _(
                "The CIO and the host have both accepted the dispatch. The host now confirms "
                "the appointment (copied from the request) and the CIO confirms it in turn."
            ),
            office=True,
        )
    return dispatch


@transaction.atomic
def decline(dispatch: Dispatch, *, actor, reason: str) -> Dispatch:
    """Either side declines the proposal, with a reason; the office may then fill the place."""
    dispatch = _locked(dispatch)
    if not (
        policy.can(actor, A.ANSWER_AS_CIO, dispatch)
        or policy.can(actor, A.ANSWER_AS_HOST, dispatch)
    ):
        policy.require(actor, A.ANSWER_AS_HOST, dispatch)
    reason = _text(reason, _("why you decline"))
    if dispatch.state != S.PROPOSED:
        raise DispatchError(
            _("This dispatch is “%s”; only a proposal can be declined.")
            % dispatch.get_state_display()
        )
    dispatch.declined_at = timezone.now()
    dispatch.declined_by = actor
    dispatch.decline_reason = reason
    DISPATCH_STATES.apply(
        dispatch,
        S.DECLINED,
        actor=actor,
        reason=reason,
        update_fields=["declined_at", "declined_by", "decline_reason"],
    )
    _notify(
        dispatch,
        _("Dispatch declined"),
        _("The dispatch was declined. Reason: %s\nThe office may fill the place from the pool.")
        % reason,
        office=True,
    )
    return dispatch


def candidates_for_place(dispatch: Dispatch) -> list[Application]:
    """Certified candidates who could fill a declined place: valid certification, not proposed
    in this round already (whatever became of it), free over the place's term, not in a
    vendor conflict, and never offered this place before (the whole chain of replacements)."""
    today = _today()
    offered = set()
    place: Dispatch | None = dispatch
    while place is not None:
        offered.add(place.application_id)
        place = place.replaces
    taken = set(offered)
    if dispatch.match_round_id:
        # One proposal per candidate and round, declined or not (a unique constraint).
        taken.update(
            Dispatch.objects.filter(match_round=dispatch.match_round).values_list(
                "application_id", flat=True
            )
        )
    pool = list(
        Application.objects.filter(state=Application.State.CERTIFIED, certified_until__gte=today)
        .exclude(pk__in=taken)
        .select_related("user")
        .prefetch_related("vendor_affiliations")
        .order_by("family_name_kana", "given_name_kana", "pk")
    )
    # Every dispatch of the pool in one query, not one per candidate.
    held: dict[int, list[Dispatch]] = {application.pk: [] for application in pool}
    for other in Dispatch.objects.filter(application__in=[a.pk for a in pool]).select_related(
        "request__request_round"
    ):
        held[other.application_id].append(other)
    match_round = dispatch.match_round
    years = match_round.conflict_years if match_round is not None else 3
    start, end = dispatch.first_day(), dispatch.last_day()
    result = []
    for application in pool:
        mine = held[application.pk]
        if match_round is not None and unavailable_reason(
            application,
            starts=match_round.request_round.dispatch_start,
            excluding_round_id=match_round.pk,
            dispatches=mine,
        ):
            continue
        if conflicting_vendors(application, dispatch.request, years=years):
            continue
        probe = Dispatch(request=dispatch.request, application=application)
        if overlapping_dispatch(probe, start, end, others=mine) is not None:
            continue
        result.append(application)
    return result


@transaction.atomic
def fill_place(dispatch: Dispatch, *, application: Application, actor, reason: str) -> Dispatch:
    """The office proposes another certified candidate for a declined place (audited)."""
    dispatch = _locked(dispatch)
    policy.require(actor, A.MANAGE_DISPATCHES, dispatch)
    reason = _text(reason, _("why this candidate"))
    if dispatch.state != S.DECLINED:
        raise DispatchError(_("Only a declined place can be filled by hand."))
    if Dispatch.objects.filter(replaces=dispatch).exists():
        raise DispatchError(_("This place has already been filled."))
    if application.pk not in {a.pk for a in candidates_for_place(dispatch)}:
        raise DispatchError(
            _(
                "%s cannot take this place: the certification is not valid, they are on "
                "another dispatch, or a vendor they worked for supplies the host."
            )
            % application.full_name
        )
    new = Dispatch.objects.create(
        request=dispatch.request,
        application=application,
        match_round=dispatch.match_round,
        replaces=dispatch,
    )
    record(
        actor=actor,
        action="dispatches.fill_place",
        target=new,
        changes={"replaces": dispatch.pk, "application": application.pk},
        reason=reason,
    )
    _notify(
        new,
        _("Dispatch proposed"),
        _(
            "The office proposes this dispatch in place of one that was declined. "
            "Please sign in to accept or decline it."
        ),
    )
    return new


# --- the appointment ----------------------------------------------------------------------

APPOINTMENT_FIELDS = (
    "appointment_form",
    "start_date",
    "end_date",
    "pay_yen_per_month",
    "days_per_week",
    "authority_statement",
)


# The latest a term may start: a year after the round's planned dispatch start.
LATEST_START_DAYS = 366


def _check_term(dispatch: Dispatch, start: dt.date, end: dt.date) -> None:
    from ciodispatch.candidates.choices import MAX_TERM_MONTHS, MIN_TERM_MONTHS

    request_round = dispatch.request.request_round
    earliest = request_round.requests_open
    latest = request_round.dispatch_start + dt.timedelta(days=LATEST_START_DAYS)
    if not earliest <= start <= latest:
        raise DispatchError(
            _("The term of this round starts between %(earliest)s and %(latest)s.")
            % {"earliest": earliest.isoformat(), "latest": latest.isoformat()}
        )
    if end <= start:
        raise DispatchError(_("The end must come after the start."))
    months = months_between(start, end)
    if end < add_months(start, MIN_TERM_MONTHS) or end > add_months(start, MAX_TERM_MONTHS):
        raise DispatchError(
            _(
                "A term runs %(min)d to %(max)d months; %(start)s to %(end)s is %(months)d. "
                "Longer terms come by extension."
            )
            % {
                "min": MIN_TERM_MONTHS,
                "max": MAX_TERM_MONTHS,
                "start": start.isoformat(),
                "end": end.isoformat(),
                "months": months,
            }
        )


@transaction.atomic
def set_appointment(dispatch: Dispatch, *, actor, **values: Any) -> Dispatch:
    """The host sets (or changes) the appointment; a change asks the CIO to confirm again."""
    dispatch = _locked(dispatch)
    policy.require(actor, A.SET_APPOINTMENT, dispatch)
    if dispatch.state != S.ACCEPTED:
        raise DispatchError(
            _("The appointment is set after both sides accept and before the start.")
        )
    unknown = set(values) - set(APPOINTMENT_FIELDS)
    if unknown:
        raise DispatchError(_("Unknown appointment fields: %s") % ", ".join(sorted(unknown)))
    form = values.get("appointment_form", dispatch.appointment_form)
    if form not in AppointmentForm.values:
        raise DispatchError(_("Choose a form of appointment."))
    start, end = (
        values.get("start_date", dispatch.start_date),
        values.get("end_date", dispatch.end_date),
    )
    if start is None or end is None:
        raise DispatchError(_("Give the start and the end of the term."))
    _check_term(dispatch, start, end)
    pay = values.get("pay_yen_per_month", dispatch.pay_yen_per_month)
    if pay is None or int(pay) < 0 or int(pay) != pay:
        raise DispatchError(_("Give the pay as whole yen a month (0 or more)."))
    days = values.get("days_per_week", dispatch.days_per_week)
    if days is None or not 1 <= int(days) <= 5:
        raise DispatchError(_("Give the working days a week (1 to 5)."))
    if form == AppointmentForm.SIDE_JOB and int(days) > 3:
        raise DispatchError(_("A side job (副業) is 1 to 3 days a week."))
    _check_free(dispatch, start, end)
    authority = _text(
        values.get("authority_statement", dispatch.authority_statement),
        _("the authority granted to the CIO"),
    )
    new = {
        "appointment_form": form,
        "start_date": start,
        "end_date": end,
        "pay_yen_per_month": int(pay),
        "days_per_week": int(days),
        "authority_statement": authority,
    }
    changes = {
        key: [_json(getattr(dispatch, key)), _json(value)]
        for key, value in new.items()
        if getattr(dispatch, key) != value
    }
    for key, value in new.items():
        setattr(dispatch, key, value)
    dispatch.appointment_set_at = timezone.now()
    fields = [*APPOINTMENT_FIELDS, "appointment_set_at"]
    if changes and dispatch.appointment_confirmed_at is not None:
        # The CIO confirmed other terms: they confirm again, and the notice is re-issued.
        dispatch.appointment_confirmed_at = None
        dispatch.notice_issued_at = None
        fields += ["appointment_confirmed_at", "notice_issued_at"]
    dispatch.save(update_fields=fields)
    record(actor=actor, action="dispatches.appointment.set", target=dispatch, changes=changes)
    mail_after_commit(
        [cio_address(dispatch)],
        _("[CIO Dispatch] Confirm your appointment: %s") % dispatch.host_name,
        _("The host has set the terms of your appointment. Please sign in and confirm them."),
    )
    return dispatch


def _json(value):
    return value.isoformat() if isinstance(value, dt.date) else value


@transaction.atomic
def confirm_appointment(dispatch: Dispatch, *, actor) -> Dispatch:
    """The CIO confirms the appointment; the notice of appointment is issued."""
    dispatch = _locked(dispatch)
    policy.require(actor, A.CONFIRM_APPOINTMENT, dispatch)
    if dispatch.state != S.ACCEPTED or dispatch.appointment_set_at is None:
        raise DispatchError(_("There is no appointment to confirm: the host sets it first."))
    if dispatch.appointment_confirmed_at is not None:
        raise DispatchError(_("You have already confirmed this appointment."))
    _require_certified(dispatch)
    now = timezone.now()
    dispatch.appointment_confirmed_at = now
    dispatch.notice_issued_at = now
    if not dispatch.notice_number:
        fiscal = dispatch.request.request_round.fiscal_year
        dispatch.notice_number = f"CIO-{fiscal}-{dispatch.pk:05d}"
    dispatch.save(update_fields=["appointment_confirmed_at", "notice_issued_at", "notice_number"])
    record(
        actor=actor,
        action="dispatches.appointment.confirm",
        target=dispatch,
        changes={"notice_number": dispatch.notice_number},
    )
    _notify(
        dispatch,
        _("Appointment confirmed"),
        _("The appointment is confirmed; the notice of appointment %s can be downloaded.")
        % dispatch.notice_number,
    )
    return dispatch


# --- the term -----------------------------------------------------------------------------


@transaction.atomic
def start(dispatch: Dispatch, *, actor, on: dt.date | None = None) -> Dispatch:
    """The term begins (the host or the office records it; the daily job does it on the
    start date): the appointment must be confirmed and the start date reached."""
    dispatch = _locked(dispatch)
    if actor is not None:
        policy.require(actor, A.START_DISPATCH, dispatch)
    on = on or _today()
    if dispatch.state != S.ACCEPTED:
        raise DispatchError(_("Only an accepted dispatch can start."))
    if not dispatch.appointment_confirmed:
        raise DispatchError(_("The CIO has not confirmed the appointment yet."))
    assert dispatch.start_date is not None and dispatch.end_date is not None
    if on < dispatch.start_date:
        raise DispatchError(
            _("The term starts on %s; it cannot begin earlier.") % dispatch.start_date.isoformat()
        )
    if on > dispatch.end_date:
        raise DispatchError(_("The planned end has passed; set a new appointment first."))
    _require_certified(dispatch, on)
    dispatch.started_on = on
    DISPATCH_STATES.apply(dispatch, S.ACTIVE, actor=actor, update_fields=["started_on"])
    _notify(dispatch, _("Dispatch started"), _("The dispatch started on %s.") % on.isoformat())
    return dispatch


@transaction.atomic
def complete(dispatch: Dispatch, *, actor, on: dt.date | None = None) -> Dispatch:
    """The term ends as planned (on or after the end date)."""
    dispatch = _locked(dispatch)
    if actor is not None:
        policy.require(actor, A.END_DISPATCH, dispatch)
    on = on or _today()
    if not dispatch.is_running:
        raise DispatchError(_("Only a running dispatch can be completed."))
    assert dispatch.end_date is not None
    if on < dispatch.end_date:
        raise DispatchError(
            _("The term runs until %s; to stop before then, end it early with a reason.")
            % dispatch.end_date.isoformat()
        )
    dispatch.ended_on = dispatch.end_date
    DISPATCH_STATES.apply(dispatch, S.COMPLETED, actor=actor, update_fields=["ended_on"])
    _close_open_extension(dispatch, actor=actor)
    _notify(
        dispatch,
        _("Dispatch completed"),
        _("The term is over. The host, the CIO and the office now write their evaluations."),
        office=True,
    )
    return dispatch


def _close_open_extension(dispatch: Dispatch, *, actor) -> None:
    """An extension still waiting when the dispatch ends is refused: there is nothing to
    extend any more (audited like any decision)."""
    for extension in dispatch.extensions.select_for_update().filter(
        state=Extension.State.REQUESTED
    ):
        extension.decided_by = actor
        extension.decided_at = timezone.now()
        extension.decision_reason = _("The dispatch ended before the decision.")
        EXTENSION_STATES.apply(
            extension,
            Extension.State.REFUSED,
            actor=actor,
            reason=extension.decision_reason,
            update_fields=["decided_by", "decided_at", "decision_reason"],
        )


@transaction.atomic
def end_early(dispatch: Dispatch, *, actor, on: dt.date, reason: str) -> Dispatch:
    """End a dispatch before its planned end (the host or the office), with a reason. An
    accepted dispatch that has not started can be called off the same way."""
    dispatch = _locked(dispatch)
    policy.require(actor, A.END_DISPATCH, dispatch)
    reason = _text(reason, _("why the dispatch ends early"))
    if dispatch.state not in (S.ACCEPTED, S.ACTIVE, S.EXTENDED):
        raise DispatchError(_("Only an accepted or running dispatch can end early."))
    if on > _today():
        raise DispatchError(_("Record an early end on or after the day it happens."))
    if dispatch.state == S.ACCEPTED:
        accepted = max(d for d in (dispatch.cio_accepted_at, dispatch.host_accepted_at) if d)
        if on < timezone.localdate(accepted):
            raise DispatchError(
                _("The dispatch was accepted on %s; it cannot be called off before.")
                % timezone.localdate(accepted).isoformat()
            )
    if dispatch.is_running:
        assert dispatch.started_on is not None and dispatch.end_date is not None
        if on < dispatch.started_on:
            raise DispatchError(
                _("The dispatch started on %s; it cannot end before.") % dispatch.started_on
            )
        if on >= dispatch.end_date:
            raise DispatchError(_("The planned end has come: complete the dispatch instead."))
    dispatch.ended_on = on
    dispatch.end_reason = reason
    DISPATCH_STATES.apply(
        dispatch,
        S.ENDED_EARLY,
        actor=actor,
        reason=reason,
        update_fields=["ended_on", "end_reason"],
    )
    _close_open_extension(dispatch, actor=actor)
    _notify(
        dispatch,
        _("Dispatch ended early"),
        _("The dispatch ended on %(on)s. Reason: %(reason)s")
        % {"on": on.isoformat(), "reason": reason},
        office=True,
    )
    return dispatch


@transaction.atomic
def request_extension(dispatch: Dispatch, *, actor, new_end: dt.date, reason: str) -> Extension:
    """The host asks the office for a longer term (up to the round's longest term)."""
    dispatch = _locked(dispatch)
    policy.require(actor, A.REQUEST_EXTENSION, dispatch)
    reason = _text(reason, _("why the term should be longer"))
    if not dispatch.is_running:
        raise DispatchError(_("Only a running dispatch can be extended."))
    if dispatch.evaluations.exists():
        raise DispatchError(
            _("The evaluations of this term are written: it can no longer be extended.")
        )
    if dispatch.extensions.filter(state=Extension.State.REQUESTED).exists():
        raise DispatchError(_("An extension is already waiting for the office's decision."))
    assert dispatch.start_date is not None and dispatch.end_date is not None
    if new_end <= dispatch.end_date:
        raise DispatchError(
            _("The new end must come after the current end (%s).") % dispatch.end_date.isoformat()
        )
    longest = dispatch.request.request_round.max_total_term_months
    if new_end > add_months(dispatch.start_date, longest):
        raise DispatchError(
            _(
                "The programme allows at most %(months)d months in all: from %(start)s the "
                "term can run until %(last)s."
            )
            % {
                "months": longest,
                "start": dispatch.start_date.isoformat(),
                "last": add_months(dispatch.start_date, longest).isoformat(),
            }
        )
    _check_free(dispatch, dispatch.start_date, new_end)
    extension = Extension.objects.create(
        dispatch=dispatch,
        previous_end=dispatch.end_date,
        new_end=new_end,
        reason=reason,
        requested_by=actor,
    )
    record(
        actor=actor,
        action="dispatches.extension.request",
        target=dispatch,
        changes={"end_date": [dispatch.end_date.isoformat(), new_end.isoformat()]},
        reason=reason,
    )
    _notify(
        dispatch,
        _("Extension requested"),
        _("The host asks to extend the term until %s. The office decides.") % new_end.isoformat(),
        office=True,
    )
    return extension


@transaction.atomic
def decide_extension(extension: Extension, *, actor, approve: bool, reason: str = "") -> Extension:
    """The office approves (the end date moves; the dispatch is extended) or refuses (with a
    reason)."""
    extension = Extension.objects.select_for_update().get(pk=extension.pk)
    dispatch = _locked(extension.dispatch)
    policy.require(actor, A.DECIDE_EXTENSION, dispatch)
    reason = _text(reason, _("why the extension is refused"), required=not approve)
    if extension.state != Extension.State.REQUESTED:
        raise DispatchError(_("This extension has already been decided."))
    if approve and not dispatch.is_running:
        raise DispatchError(_("The dispatch is no longer running; refuse the extension instead."))
    if approve:
        assert dispatch.start_date is not None
        _check_free(dispatch, dispatch.start_date, extension.new_end)
    extension.decided_by = actor
    extension.decided_at = timezone.now()
    extension.decision_reason = reason
    target = Extension.State.APPROVED if approve else Extension.State.REFUSED
    EXTENSION_STATES.apply(
        extension,
        target,
        actor=actor,
        reason=reason,
        update_fields=["decided_by", "decided_at", "decision_reason"],
    )
    if approve:
        old = dispatch.end_date
        dispatch.end_date = extension.new_end
        # The notice states the term: it is issued again with the new end.
        dispatch.notice_issued_at = timezone.now()
        if dispatch.state == S.ACTIVE:
            DISPATCH_STATES.apply(
                dispatch,
                S.EXTENDED,
                actor=actor,
                update_fields=["end_date", "notice_issued_at"],
                changes={"end_date": [_json(old), extension.new_end.isoformat()]},
            )
        else:
            dispatch.save(update_fields=["end_date", "notice_issued_at"])
            record(
                actor=actor,
                action="dispatches.extended_again",
                target=dispatch,
                changes={"end_date": [_json(old), extension.new_end.isoformat()]},
            )
    _notify(
        dispatch,
        _("Extension approved") if approve else _("Extension refused"),
        (
            _("The office approved the extension: the term now ends on %s.")
            % extension.new_end.isoformat()
            if approve
            else _("The office refused the extension. Reason: %s") % reason
        ),
    )
    return extension


def run_daily(*, today: dt.date | None = None) -> dict[str, int]:
    """The daily job: start confirmed dispatches (on their start date, even when the job runs
    late) and complete those whose end has passed. One dispatch that cannot move (say, a
    lapsed certification) is logged and skipped; the others go on. Returns the counts."""
    today = today or _today()
    counts = {"started": 0, "completed": 0, "skipped": 0}
    due_to_start = Dispatch.objects.filter(
        state=S.ACCEPTED, appointment_confirmed_at__isnull=False, start_date__lte=today,
        end_date__gte=today,
    )  # fmt: skip
    for dispatch in due_to_start:
        assert dispatch.start_date is not None
        try:
            start(dispatch, actor=None, on=dispatch.start_date)
            counts["started"] += 1
        except DispatchError as exc:
            logger.warning("dispatch %s not started: %s", dispatch.pk, exc)
            counts["skipped"] += 1
    due_to_end = Dispatch.objects.filter(state__in=(S.ACTIVE, S.EXTENDED), end_date__lt=today)
    for dispatch in due_to_end:
        try:
            complete(dispatch, actor=None, on=today)
            counts["completed"] += 1
        except DispatchError as exc:
            logger.warning("dispatch %s not completed: %s", dispatch.pk, exc)
            counts["skipped"] += 1
    return counts


# --- evaluations --------------------------------------------------------------------------

EVALUATION_ACTIONS: dict[str, A] = {
    Evaluation.Kind.HOST_OF_CIO: A.EVALUATE_AS_HOST,
    Evaluation.Kind.CIO_OF_HOST: A.EVALUATE_AS_CIO,
    Evaluation.Kind.OFFICE: A.ASSESS_DISPATCH,
}
# Evaluations open this many days before the planned end (the last month of the term).
EVALUATION_WINDOW_DAYS = 31


def evaluation_open(dispatch: Dispatch, *, today: dt.date | None = None) -> bool:
    today = today or _today()
    if dispatch.is_finished:
        return dispatch.started_on is not None
    if dispatch.is_running and dispatch.end_date is not None:
        return (dispatch.end_date - today).days <= EVALUATION_WINDOW_DAYS
    return False


@transaction.atomic
def submit_evaluation(
    dispatch: Dispatch,
    *,
    actor,
    kind: str,
    overall: int,
    scores: dict[str, int],
    went_well: str,
    to_improve: str = "",
    authority_materialised: str = "",
    counterpart_materialised: str = "",
    recommend_as_case: bool = False,
) -> Evaluation:
    """One evaluation per side, final once submitted. The office assesses after the host's
    and the CIO's evaluations are in (or the term ended without one of them)."""
    dispatch = _locked(dispatch)
    if kind not in EVALUATION_ACTIONS:
        raise DispatchError(_("Unknown evaluation."))
    policy.require(actor, EVALUATION_ACTIONS[kind], dispatch)
    if not evaluation_open(dispatch):
        raise DispatchError(
            _("Evaluations open in the last month of the term and after it has ended.")
        )
    if dispatch.evaluations.filter(kind=kind).exists():
        raise DispatchError(_("This evaluation has already been submitted; it is final."))
    if kind == Evaluation.Kind.OFFICE and not dispatch.is_finished:
        sides = {Evaluation.Kind.HOST_OF_CIO, Evaluation.Kind.CIO_OF_HOST}
        if set(dispatch.evaluations.values_list("kind", flat=True)) < sides:
            raise DispatchError(
                _(
                    "The office assesses once the host and the CIO have written theirs, or "
                    "once the term has ended."
                )
            )
    if isinstance(overall, bool) or not isinstance(overall, int) or not 1 <= overall <= 5:
        raise DispatchError(_("Give the overall judgement from 1 to 5."))
    criteria = [code for code, _label in EVALUATION_CRITERIA[kind]]
    clean: dict[str, int] = {}
    for code in criteria:
        value = scores.get(code)
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
            raise DispatchError(_("Score every point from 1 to 5."))
        clean[code] = value
    if kind == Evaluation.Kind.CIO_OF_HOST:
        choices = Evaluation.Materialised.values
        if authority_materialised not in choices or counterpart_materialised not in choices:
            raise DispatchError(
                _("Say whether the authority granted and the counterpart materialised.")
            )
    else:
        authority_materialised = counterpart_materialised = ""
    evaluation = Evaluation.objects.create(
        dispatch=dispatch,
        kind=kind,
        overall=overall,
        scores=clean,
        authority_materialised=authority_materialised,
        counterpart_materialised=counterpart_materialised,
        went_well=_text(went_well, _("what went well")),
        to_improve=_text(to_improve, _("what should be done differently"), required=False),
        recommend_as_case=bool(recommend_as_case),
        submitted_by=actor,
    )
    record(
        actor=actor,
        action=f"dispatches.evaluation.{kind}",
        target=dispatch,
        changes={"overall": overall, "scores": clean},
    )
    return evaluation


@transaction.atomic
def draft_case(dispatch: Dispatch, *, actor):
    """Turn a finished dispatch and its evaluations into a draft case for the know-how base
    (the host or the office; the office reviews and publishes it there)."""
    from ciodispatch.dispatches.queries import case_fields
    from ciodispatch.knowhow import services as knowhow

    dispatch = _locked(dispatch)
    policy.require(actor, A.DRAFT_CASE_FROM_DISPATCH, dispatch)
    if not dispatch.is_finished:
        raise DispatchError(_("A case is drafted once the dispatch has ended."))
    if not dispatch.evaluations.exists():
        raise DispatchError(_("Submit an evaluation first: the case is drafted from it."))
    from ciodispatch.dispatches.queries import case_origin
    from ciodispatch.knowhow.models import Case

    if Case.objects.filter(origin=case_origin(dispatch)).exists():
        raise DispatchError(
            _("A case has already been drafted from this dispatch: find it in the know-how base.")
        )
    fields = case_fields(dispatch)
    case = knowhow.create_case_draft(actor=actor, **fields)
    record(actor=actor, action="dispatches.case_draft", target=dispatch, changes={"case": case.pk})
    return case
