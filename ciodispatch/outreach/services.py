"""Writes to direct support (offers, requests, visits) and events (registrations, waiting list).

Each function checks the policy, changes state only through the transition tables and writes
the audit record in the same transaction. A refusal raises ``OutreachError`` with a message
that says what to do; nothing is written then.
"""

import datetime as dt
import secrets
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ciodispatch import policy
from ciodispatch.audit.services import record
from ciodispatch.core.dates import fiscal_year as fiscal_year_of
from ciodispatch.core.errors import Refusal
from ciodispatch.core.mail import mail_after_commit, mail_once_after_commit
from ciodispatch.core.programme import Challenge
from ciodispatch.core.text import text_problem
from ciodispatch.localgov.models import LocalGovernment
from ciodispatch.outreach.models import (
    EVENT_STATES,
    OFFER_STATES,
    REGISTRATION_STATES,
    SUPPORT_REQUEST_STATES,
    Event,
    EventKind,
    PendingRegistration,
    Registration,
    SupportKind,
    SupportOffer,
    SupportRequest,
)

A = policy.Action
OfferState = SupportOffer.State
RequestState = SupportRequest.State
MAX_CAPACITY = 50


class OutreachError(Refusal, ValueError):
    """A change was refused; the message says what to do. Nothing was written."""


def _mail(addresses: Iterable[str], subject: str, body: str) -> None:
    """Send after the commit, so a rolled-back change never sends mail; one message per
    address, so no registrant sees another's address."""
    mail_after_commit(addresses, subject, body)


def _require_storable(text: str) -> None:
    """A comment or reason a view passes without a form: no control characters (core/text.py)."""
    problem = text_problem(text, multiline=True)
    if problem:
        raise OutreachError(problem)


def _require_written(text: str, missing: str) -> None:
    """A comment or reason the user must write: ``missing`` says what to write when it is
    empty; and it must be storable."""
    if not text.strip():
        raise OutreachError(missing)
    _require_storable(text)


def _clean_choices(values: Iterable[str], allowed: Iterable[str]) -> list[str]:
    allowed = set(allowed)
    chosen = sorted(set(values))
    if any(v not in allowed for v in chosen):
        raise OutreachError(_("Choose only from the options shown."))
    return chosen


# --- support offers ---------------------------------------------------------------------------


def _lock_offer(offer: SupportOffer) -> None:
    """Lock the offer and re-read it: decide on what is stored, not on what a page loaded."""
    SupportOffer.objects.select_for_update().get(pk=offer.pk)
    offer.refresh_from_db()


def _require_offer_state(offer: SupportOffer, *states: str, message: str) -> None:
    if offer.state not in states:
        raise OutreachError(message % {"state": offer.get_state_display()})


def _offer_values(
    *,
    fiscal_year: int,
    title: str,
    description: str,
    kinds: Iterable[str],
    capacity: int,
    contact_department: str,
    contact_email: str,
    contact_phone: str = "",
    challenges: Iterable[str] = (),
    themes: str = "",
) -> dict:
    kinds = _clean_choices(kinds, SupportKind.values)
    if not kinds:
        raise OutreachError(
            _("Choose at least one kind of support: site visit, lecture or review.")
        )
    if not title.strip():
        raise OutreachError(_("Give the offer a title."))
    if len(description.strip()) < 20:
        raise OutreachError(
            _("Describe what you offer (at least 20 characters): what others can learn from you.")
        )
    if not 1 <= capacity <= MAX_CAPACITY:
        raise OutreachError(
            _("The capacity is from 1 to %(max)s supports a fiscal year.") % {"max": MAX_CAPACITY}
        )
    if not contact_department.strip():
        raise OutreachError(_("Name the department others contact."))
    try:
        validate_email(contact_email)
    except ValidationError as exc:
        raise OutreachError(_("Enter a valid contact e-mail address.")) from exc
    this_year = fiscal_year_of(timezone.localdate())
    if fiscal_year not in (this_year, this_year + 1):
        raise OutreachError(
            _("Offers are for this fiscal year or the next (%(this)s or %(next)s).")
            % {"this": this_year, "next": this_year + 1}
        )
    return {
        "fiscal_year": fiscal_year,
        "title": title.strip(),
        "description": description.strip(),
        "kinds": kinds,
        "challenges": _clean_choices(challenges, Challenge.values),
        "themes": themes.strip(),
        "capacity": capacity,
        "contact_department": contact_department.strip(),
        "contact_email": contact_email.strip(),
        "contact_phone": contact_phone.strip(),
    }


@transaction.atomic
def create_offer(provider: LocalGovernment, *, actor, **fields) -> SupportOffer:
    """A local government drafts an offer of support to others (its own government only)."""
    policy.require(actor, A.OFFER_SUPPORT, provider)
    values = _offer_values(**fields)
    offer = SupportOffer.objects.create(provider=provider, created_by=actor, **values)
    record(
        actor=actor,
        action="outreach.supportoffer.created",
        target=offer,
        changes={"kinds": values["kinds"], "capacity": values["capacity"]},
    )
    return offer


@transaction.atomic
def update_offer(offer: SupportOffer, *, actor, **fields) -> SupportOffer:
    policy.require(actor, A.EDIT_SUPPORT_OFFER, offer)
    _lock_offer(offer)
    if not offer.is_editable:
        raise OutreachError(_("The offer has been submitted; it can be changed only if returned."))
    values = _offer_values(**fields)
    before = {k: getattr(offer, k) for k in values}
    for key, value in values.items():
        setattr(offer, key, value)
    offer.save()
    record(
        actor=actor,
        action="outreach.supportoffer.updated",
        target=offer,
        changes={k: [str(before[k]), str(v)] for k, v in values.items() if before[k] != v},
    )
    return offer


@transaction.atomic
def submit_offer(offer: SupportOffer, *, actor) -> SupportOffer:
    policy.require(actor, A.EDIT_SUPPORT_OFFER, offer)
    _lock_offer(offer)
    _require_offer_state(
        offer,
        OfferState.DRAFT,
        OfferState.RETURNED,
        message=_("Only a draft or a returned offer can be submitted (it is now “%(state)s”)."),
    )
    policy.require(actor, A.EDIT_SUPPORT_OFFER, offer)
    OFFER_STATES.apply(offer, OfferState.SUBMITTED, actor=actor, update_fields=["updated_at"])
    return offer


def _lock_submitted_offer(offer: SupportOffer) -> None:
    """Lock the offer; the office publishes or returns only an offer submitted to it."""
    _lock_offer(offer)
    _require_offer_state(
        offer,
        OfferState.SUBMITTED,
        message=_(
            "Only an offer submitted to the office can be published or returned "
            "(it is now “%(state)s”)."
        ),
    )


@transaction.atomic
def publish_offer(offer: SupportOffer, *, actor) -> SupportOffer:
    """The office checks the offer and opens it to requests."""
    policy.require(actor, A.REVIEW_SUPPORT_OFFER, offer)
    _lock_submitted_offer(offer)
    offer.published_at = timezone.now()
    OFFER_STATES.apply(
        offer,
        OfferState.PUBLISHED,
        actor=actor,
        update_fields=["published_at", "updated_at"],
    )
    return offer


@transaction.atomic
def return_offer(offer: SupportOffer, *, actor, comment: str) -> SupportOffer:
    policy.require(actor, A.REVIEW_SUPPORT_OFFER, offer)
    _require_written(comment, _("Say what to change: the provider sees your comment."))
    _lock_submitted_offer(offer)
    offer.office_comment = comment.strip()
    OFFER_STATES.apply(
        offer,
        OfferState.RETURNED,
        actor=actor,
        reason=offer.office_comment,
        update_fields=["office_comment", "updated_at"],
    )
    return offer


@transaction.atomic
def withdraw_offer(offer: SupportOffer, *, actor, reason: str = "") -> SupportOffer:
    """No new requests; supports already approved stay approved and can still take place."""
    policy.require(actor, A.WITHDRAW_SUPPORT_OFFER, offer)
    _lock_offer(offer)
    if offer.state == OfferState.WITHDRAWN:
        raise OutreachError(_("The offer is already withdrawn."))
    policy.require(actor, A.WITHDRAW_SUPPORT_OFFER, offer)
    OFFER_STATES.apply(
        offer, OfferState.WITHDRAWN, actor=actor, reason=reason, update_fields=["updated_at"]
    )
    return offer


def published_offers(fiscal_year: int | None = None):
    found = SupportOffer.objects.filter(state=OfferState.PUBLISHED).select_related("provider")
    if fiscal_year is not None:
        found = found.filter(fiscal_year=fiscal_year)
    return found


# --- support requests -------------------------------------------------------------------------

OPEN_REQUEST_STATES = (RequestState.SUBMITTED, RequestState.APPROVED)


def _lock_support(support: SupportRequest) -> None:
    """Lock the request and re-read it: two people acting on one request at once (or on a
    page loaded before the other's decision) cannot both change it."""
    SupportRequest.objects.select_for_update().get(pk=support.pk)
    support.refresh_from_db()


def _require_support_state(support: SupportRequest, state: str, message: str) -> None:
    if support.state != state:
        raise OutreachError(message % {"state": support.get_state_display()})


def _require_undecided(support: SupportRequest) -> None:
    _require_support_state(
        support,
        RequestState.SUBMITTED,
        _(
            "This request is no longer awaiting a decision (it is now “%(state)s”). "
            "Reload the page to see it."
        ),
    )


def _check_offer_fits(offer: SupportOffer, requester: LocalGovernment, kind: str) -> None:
    if offer.state != OfferState.PUBLISHED:
        raise OutreachError(_("This offer is not open to requests."))
    if offer.provider_id == requester.code:
        raise OutreachError(_("A local government cannot request its own offer."))
    if kind not in offer.kinds:
        raise OutreachError(
            _("%(provider)s does not offer this kind of support; it offers: %(kinds)s.")
            % {"provider": offer.provider, "kinds": "、".join(offer.kind_labels)}
        )


@transaction.atomic
def request_support(
    requester: LocalGovernment,
    *,
    actor,
    kind: str,
    purpose: str,
    challenges: Iterable[str] = (),
    preferred_period: str = "",
    offer: SupportOffer | None = None,
) -> SupportRequest:
    """A government asks for support: from a named offer, or (offer None) for the office to
    match with an offer that fits."""
    policy.require(actor, A.REQUEST_SUPPORT, requester)
    if kind not in SupportKind.values:
        raise OutreachError(_("Choose the kind of support."))
    if len(purpose.strip()) < 20:
        raise OutreachError(
            _("Describe what you want to learn or have reviewed (at least 20 characters).")
        )
    if offer is not None:
        offer = SupportOffer.objects.select_related("provider").get(pk=offer.pk)
        _check_offer_fits(offer, requester, kind)
        if SupportRequest.objects.filter(
            offer=offer, requester=requester, state__in=OPEN_REQUEST_STATES
        ).exists():
            raise OutreachError(
                _("You already have an open request for this offer; follow that one.")
            )
    year = offer.fiscal_year if offer is not None else fiscal_year_of(timezone.localdate())
    support = SupportRequest.objects.create(
        requester=requester,
        offer=offer,
        fiscal_year=year,
        kind=kind,
        challenges=_clean_choices(challenges, Challenge.values),
        purpose=purpose.strip(),
        preferred_period=preferred_period.strip(),
        filed_by=actor,
    )
    record(
        actor=actor,
        action="outreach.supportrequest.submitted",
        target=support,
        changes={"offer": offer.pk if offer else None, "kind": kind},
    )
    return support


@transaction.atomic
def approve_support_request(
    support: SupportRequest, *, actor, offer: SupportOffer | None = None, comment: str = ""
) -> SupportRequest:
    """The office matches the request with an offer and approves it, within the offer's
    capacity for its fiscal year."""
    policy.require(actor, A.DECIDE_SUPPORT_REQUEST, support)
    _lock_support(support)
    _require_undecided(support)
    policy.require(actor, A.DECIDE_SUPPORT_REQUEST, support)
    chosen = offer or support.offer
    if chosen is None:
        raise OutreachError(_("Choose the offer that will give this support."))
    # Lock the offer: two approvals at once cannot both take its last place.
    chosen = SupportOffer.objects.select_for_update().select_related("provider").get(pk=chosen.pk)
    _check_offer_fits(chosen, support.requester, support.kind)
    if chosen.taken() >= chosen.capacity:
        raise OutreachError(
            _(
                "%(provider)s has no capacity left in fiscal year %(year)s "
                "(%(capacity)s supports, all taken). Choose another offer or decline."
            )
            % {"provider": chosen.provider, "year": chosen.fiscal_year, "capacity": chosen.capacity}
        )
    matched = support.offer_id != chosen.pk
    support.offer = chosen
    support.fiscal_year = chosen.fiscal_year
    support.office_comment = comment.strip()
    support.decided_at = timezone.now()
    SUPPORT_REQUEST_STATES.apply(
        support,
        RequestState.APPROVED,
        actor=actor,
        reason=support.office_comment,
        update_fields=["offer", "fiscal_year", "office_comment", "decided_at"],
        changes={"offer": chosen.pk, "matched_by_office": matched},
    )
    _mail(
        [support.filed_by.email, chosen.contact_email],
        _("[CIO Dispatch] Direct support approved: %s") % chosen.title,
        _(
            "The programme office approved direct support.\n\n"
            "Requested by: %(requester)s\nGiven by: %(provider)s (%(department)s)\n"
            "Kind: %(kind)s\n\nPlease agree the date between you, then record the visit."
        )
        % {
            "requester": support.requester,
            "provider": chosen.provider,
            "department": chosen.contact_department,
            "kind": support.get_kind_display(),
        },
    )
    return support


@transaction.atomic
def decline_support_request(support: SupportRequest, *, actor, comment: str) -> SupportRequest:
    policy.require(actor, A.DECIDE_SUPPORT_REQUEST, support)
    _require_written(comment, _("Give the reason: the requesting government sees it."))
    _lock_support(support)
    _require_undecided(support)
    policy.require(actor, A.DECIDE_SUPPORT_REQUEST, support)
    support.office_comment = comment.strip()
    support.decided_at = timezone.now()
    SUPPORT_REQUEST_STATES.apply(
        support,
        RequestState.DECLINED,
        actor=actor,
        reason=support.office_comment,
        update_fields=["office_comment", "decided_at"],
    )
    _mail(
        [support.filed_by.email],
        _("[CIO Dispatch] Direct support request declined"),
        _("The programme office declined your request for direct support:\n\n%s")
        % support.office_comment,
    )
    return support


@transaction.atomic
def withdraw_support_request(support: SupportRequest, *, actor, reason: str = "") -> SupportRequest:
    policy.require(actor, A.WITHDRAW_SUPPORT_REQUEST, support)
    _lock_support(support)
    _require_support_state(
        support,
        RequestState.SUBMITTED,
        _(
            "Only a request still awaiting the office's decision can be withdrawn "
            "(it is now “%(state)s”)."
        ),
    )
    policy.require(actor, A.WITHDRAW_SUPPORT_REQUEST, support)
    SUPPORT_REQUEST_STATES.apply(support, RequestState.WITHDRAWN, actor=actor, reason=reason)
    return support


@transaction.atomic
def cancel_support(support: SupportRequest, *, actor, reason: str) -> SupportRequest:
    """An approved support that will not take place; its place returns to the offer."""
    policy.require(actor, A.DECIDE_SUPPORT_REQUEST, support)
    _require_written(reason, _("Give the reason for the cancellation."))
    _lock_support(support)
    _require_support_state(
        support,
        RequestState.APPROVED,
        _("Only an approved support can be cancelled (it is now “%(state)s”)."),
    )
    policy.require(actor, A.DECIDE_SUPPORT_REQUEST, support)
    SUPPORT_REQUEST_STATES.apply(support, RequestState.CANCELLED, actor=actor, reason=reason)
    return support


@transaction.atomic
def record_visit(
    support: SupportRequest, *, actor, held_on: dt.date, participants: int, report: str
) -> SupportRequest:
    """The provider (or the office) records that the support took place, with a short report."""
    policy.require(actor, A.RECORD_SUPPORT_VISIT, support)
    if held_on > timezone.localdate():
        raise OutreachError(_("Record the visit after it has taken place (the date is ahead)."))
    if participants < 1:
        raise OutreachError(_("Enter how many people took part (at least 1)."))
    if len(report.strip()) < 30:
        raise OutreachError(
            _("Write a short report (at least 30 characters): what was done, what was learnt.")
        )
    _lock_support(support)
    _require_support_state(
        support,
        RequestState.APPROVED,
        _("A visit can be recorded only for an approved support (it is now “%(state)s”)."),
    )
    policy.require(actor, A.RECORD_SUPPORT_VISIT, support)
    support.held_on, support.participants, support.report = held_on, participants, report.strip()
    support.reported_by = actor
    SUPPORT_REQUEST_STATES.apply(
        support,
        RequestState.COMPLETED,
        actor=actor,
        update_fields=["held_on", "participants", "report", "reported_by"],
        changes={"held_on": held_on.isoformat(), "participants": participants},
    )
    return support


# --- events -----------------------------------------------------------------------------------


@transaction.atomic
def create_event(
    *,
    actor,
    title: str,
    kind: str,
    description: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    capacity: int,
    place: str = "",
    online: bool = False,
    online_url: str = "",
    speakers: str = "",
) -> Event:
    policy.require(actor, A.MANAGE_EVENTS)
    if kind not in EventKind.values:
        raise OutreachError(_("Choose the kind of event."))
    if not title.strip() or not description.strip():
        raise OutreachError(_("Give the event a title and a description."))
    if ends_at <= starts_at:
        raise OutreachError(_("The event must end after it starts."))
    if not place.strip() and not online:
        raise OutreachError(_("Give the place, or hold the event online (or both)."))
    if capacity < 1:
        raise OutreachError(_("The capacity is at least 1."))
    event = Event.objects.create(
        title=title.strip(),
        kind=kind,
        description=description.strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=capacity,
        place=place.strip(),
        online=online,
        online_url=online_url.strip(),
        speakers=speakers.strip(),
        created_by=actor,
    )
    record(
        actor=actor,
        action="outreach.event.created",
        target=event,
        changes={"starts_at": starts_at.isoformat(), "capacity": capacity},
    )
    return event


@transaction.atomic
def publish_event(event: Event, *, actor) -> Event:
    policy.require(actor, A.MANAGE_EVENTS, event)
    EVENT_STATES.apply(event, Event.State.PUBLISHED, actor=actor)
    return event


@transaction.atomic
def cancel_event(event: Event, *, actor, reason: str) -> Event:
    policy.require(actor, A.MANAGE_EVENTS, event)
    if not reason.strip():
        raise OutreachError(_("Give the reason: everyone registered is told."))
    EVENT_STATES.apply(event, Event.State.CANCELLED, actor=actor, reason=reason)
    _mail(
        event.registrations.exclude(state=Registration.State.CANCELLED).values_list(
            "email", flat=True
        ),
        _("[CIO Dispatch] Event cancelled: %s") % event.title,
        _("The event “%(title)s” is cancelled.\n\n%(reason)s")
        % {"title": event.title, "reason": reason},
    )
    return event


def _registrant(actor):
    """The signed-in user, or None for a member of the public."""
    return actor if actor is not None and actor.is_authenticated else None


def _open_for_registration(event: Event, actor) -> None:
    if not policy.can(actor, A.REGISTER_FOR_EVENT, event):
        raise OutreachError(
            _(
                "Registration for this event is closed: it has started, or it was cancelled. "
                "See the events page for others."
            )
        )


def _link_kind(event: Event) -> str:
    # One mail per address per event in the interval: registering for two events in one
    # hour still mails both, while 30 posts for one event mail one.
    return f"outreach.registration.link.{event.pk}"


@transaction.atomic
def register(event: Event, *, actor) -> Registration:
    """A signed-in user registers as themselves: a place if one is free, else a place on the
    waiting list (first come, first served). The account's address needs no confirmation;
    members of the public go through ``request_registration``."""
    user = _registrant(actor)
    if user is None:
        raise OutreachError(_("Sign in first, or register with your name and e-mail address."))
    # Lock the event: two people cannot both take its last place.
    event = Event.objects.select_for_update().get(pk=event.pk)
    policy.require(actor, A.REGISTER_FOR_EVENT, event)
    name, email = user.display_name.strip(), user.email.strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise OutreachError(
            _("Your account has no valid e-mail address; ask the office to add one.")
        ) from exc
    active = event.registrations.exclude(state=Registration.State.CANCELLED)
    if active.filter(user=user).exists() or active.filter(email=email).exists():
        raise OutreachError(_("You are already registered for this event."))
    return _take_place(event, user=user, name=name, email=email, organisation="")


def _take_place(
    event: Event, *, user, name: str, email: str, organisation: str, waiting_list: bool = True
) -> Registration:
    """Create the registration under the event's lock: a place if one is free, else the
    waiting list (or, with ``waiting_list`` False, a refusal that says so)."""
    confirmed = event.registrations.filter(state=Registration.State.CONFIRMED).count()
    if confirmed < event.capacity:
        state = Registration.State.CONFIRMED
    elif waiting_list:
        state = Registration.State.WAITLISTED
    else:
        raise OutreachError(
            _(
                "The event became full while your registration awaited confirmation. You can "
                "join the waiting list with the button below: if a place frees up, the first "
                "person waiting gets it and is told by e-mail."
            )
        )
    registration = Registration.objects.create(
        event=event, user=user, name=name, email=email, organisation=organisation, state=state
    )
    record(
        actor=user,
        action=f"outreach.registration.{state}",
        target=registration,
        changes={"event": event.pk, "state": state, "public": user is None},
    )
    subject, body = _registration_message(registration)
    mail_once_after_commit(email, kind=_link_kind(event), subject=subject, body=body)
    return registration


def confirmation_deadline() -> dt.datetime:
    """Until when a registration asked for now may be confirmed."""
    return timezone.now() + dt.timedelta(hours=settings.EVENT_CONFIRMATION_HOURS)


@transaction.atomic
def request_registration(
    event: Event, *, actor, name: str, email: str, organisation: str = ""
) -> PendingRegistration | None:
    """A member of the public asks for a place with a name and an e-mail address.

    Nothing is reserved: the address is mailed a confirmation link (``confirm_registration``
    takes the place). An address already registered is mailed its registration's link again,
    and one already awaiting confirmation its confirmation link again (with a new deadline),
    so the caller learns nothing about the address and must answer the same in every case.
    Each kind of mail goes to an address at most once per ``MAIL_REPEAT_MINUTES``. Returns
    the pending registration (None when the address was already registered).
    """
    event = Event.objects.select_for_update().get(pk=event.pk)
    policy.require(actor, A.REGISTER_FOR_EVENT, event)
    name, email, organisation = name.strip(), email.strip().lower(), organisation.strip()
    if not name:
        raise OutreachError(_("Enter your name."))
    try:
        validate_email(email)
    except ValidationError as exc:
        raise OutreachError(
            _("Enter a valid e-mail address: we send the confirmation link there.")
        ) from exc
    existing = (
        event.registrations.exclude(state=Registration.State.CANCELLED).filter(email=email).first()
    )
    if existing is not None:
        record(
            actor=None,
            action="outreach.registration.link_resent",
            target=existing,
            changes={"event": event.pk, "public": True},
        )
        subject, body = _registration_message(existing)
        mail_once_after_commit(existing.email, kind=_link_kind(event), subject=subject, body=body)
        return None
    pending = event.pending.filter(email=email).first()
    if pending is not None and pending.expires_at <= timezone.now():
        pending.delete()
        pending = None
    if pending is None:
        pending = PendingRegistration.objects.create(
            event=event,
            name=name,
            email=email,
            organisation=organisation,
            expires_at=confirmation_deadline(),
        )
        action = "outreach.registration.requested"
    else:
        pending.expires_at = confirmation_deadline()
        pending.save(update_fields=["expires_at"])
        action = "outreach.registration.request_resent"
    record(actor=None, action=action, target=pending, changes={"event": event.pk, "public": True})
    subject, body = _confirmation_message(pending)
    mail_once_after_commit(
        email, kind=f"outreach.registration.confirm.{event.pk}", subject=subject, body=body
    )
    return pending


def _confirmation_message(pending: PendingRegistration) -> tuple[str, str]:
    event = pending.event
    subject = _("[CIO Dispatch] Confirm your registration: %s") % event.title
    body = _(
        "Someone, we hope you, asked for a place at this event with this e-mail address.\n\n"
        "Event: %(title)s\nStarts: %(starts)s\nWhere: %(where)s\n\n"
        "Nothing is reserved yet. To take a place (or a place on the waiting list if the "
        "event is full), open this link by %(deadline)s and press the button on the page:\n"
        "%(link)s\n\n"
        "If it was not you, ignore this mail: the request is deleted when the link expires."
    ) % {
        "title": event.title,
        "starts": timezone.localtime(event.starts_at).strftime("%Y-%m-%d %H:%M"),
        "where": event.location_label,
        "deadline": timezone.localtime(pending.expires_at).strftime("%Y-%m-%d %H:%M"),
        "link": confirmation_link(pending),
    }
    return subject, body


def confirmation_link(pending: PendingRegistration) -> str:
    return settings.SITE_URL + reverse("outreach:confirm_by_link", args=[pending.token])


def pending_for_link(token: str) -> PendingRegistration | None:
    """The unconfirmed registration a link names, if it exists and has not expired."""
    return (
        PendingRegistration.objects.select_related("event")
        .filter(token=token, expires_at__gt=timezone.now())
        .first()
    )


@transaction.atomic
def confirm_registration(token: str, *, actor, join_waiting_list: bool = False) -> Registration:
    """The address's owner followed the mailed link and confirms: now a place is taken (or,
    if the event is full, a place on the waiting list, when ``join_waiting_list`` says they
    accept it; otherwise a refusal saying so). The link works once."""
    found = PendingRegistration.objects.filter(token=token).values_list("event_id", flat=True)
    event_id = found.first()
    if event_id is None:
        raise OutreachError(
            _(
                "This confirmation link is not valid any more: it works once, for %(hours)s "
                "hours. If you confirmed already, the e-mail sent then holds your "
                "registration's link; otherwise register again on the event's page."
            )
            % {"hours": settings.EVENT_CONFIRMATION_HOURS}
        )
    # Lock the event first, then read the pending registration under that lock.
    event = Event.objects.select_for_update().get(pk=event_id)
    pending = PendingRegistration.objects.filter(token=token).first()
    if pending is None or pending.expires_at <= timezone.now():
        raise OutreachError(
            _(
                "This confirmation link has expired (links work for %(hours)s hours), so "
                "nothing was reserved. Register again on the event's page."
            )
            % {"hours": settings.EVENT_CONFIRMATION_HOURS}
        )
    _open_for_registration(event, actor)
    existing = (
        event.registrations.exclude(state=Registration.State.CANCELLED)
        .filter(email=pending.email)
        .first()
    )
    if existing is not None:
        pending.delete()
        return existing
    registration = _take_place(
        event,
        user=None,
        name=pending.name,
        email=pending.email,
        organisation=pending.organisation,
        waiting_list=join_waiting_list,
    )
    pending.delete()
    return registration


def purge_expired_pending(now: dt.datetime | None = None) -> int:
    """Delete the registrations whose confirmation link expired (run daily)."""
    expired = PendingRegistration.objects.filter(expires_at__lte=now or timezone.now())
    with transaction.atomic():
        # The count is what this run deleted, not what it saw before: a second run at once
        # deletes (and records) only what the first left.
        _total, per_model = expired.delete()
        count = per_model.get(PendingRegistration._meta.label, 0)
        if count:
            record(
                actor=None,
                action="outreach.registration.unconfirmed_purged",
                changes={"count": count},
            )
    return count


def _registration_message(registration: Registration) -> tuple[str, str]:
    event = registration.event
    if registration.state == Registration.State.CONFIRMED:
        subject = _("[CIO Dispatch] Your place is confirmed: %s") % event.title
        status = _("Your place is confirmed.")
    else:
        subject = _("[CIO Dispatch] You are on the waiting list: %s") % event.title
        status = _(
            "The event is full; you are on the waiting list. If a place becomes free, "
            "the first person waiting gets it and is told by e-mail."
        )
    body = _("%(status)s\n\nEvent: %(title)s\nStarts: %(starts)s\nWhere: %(where)s\n") % {
        "status": status,
        "title": event.title,
        "starts": timezone.localtime(event.starts_at).strftime("%Y-%m-%d %H:%M"),
        "where": event.location_label,
    }
    if show_online_url(registration):
        body += _("Online meeting address: %s\n") % event.online_url
    body += "\n" + _("To see or cancel your registration, open: %s") % registration_link(
        registration
    )
    return subject, body


def registration_link(registration: Registration) -> str:
    """The absolute address of the registration's secret page (mails have no request)."""
    return settings.SITE_URL + reverse("outreach:cancel_by_link", args=[registration.token])


def show_online_url(registration: Registration) -> bool:
    """The meeting address goes only to a confirmed place at a published online event."""
    event = registration.event
    return (
        registration.state == Registration.State.CONFIRMED
        and event.state == Event.State.PUBLISHED
        and event.online
        and bool(event.online_url)
    )


@transaction.atomic
def cancel_registration(
    registration: Registration, *, actor, token: str | None = None
) -> Registration | None:
    """Cancel a place. A confirmed place that is freed goes to the first person waiting;
    that promotion is audited. Returns the promoted registration, if any.

    ``token`` is the secret of the cancellation link (for people without an account);
    without it the policy decides (the person themselves, or the office).
    """
    if token is None:
        policy.require(actor, A.CANCEL_REGISTRATION, registration)
    # Lock the event first, then read the registration under that lock: two cancellations of
    # one place at once are serialised, and the second sees the first's result.
    event_id = Registration.objects.values_list("event_id", flat=True).get(pk=registration.pk)
    event = Event.objects.select_for_update().get(pk=event_id)
    registration = (
        Registration.objects.select_for_update().select_related("event").get(pk=registration.pk)
    )
    if token is not None and not secrets.compare_digest(token, registration.token):
        raise OutreachError(_("This cancellation link is not valid."))
    if registration.state == Registration.State.CANCELLED:
        raise OutreachError(_("This registration is already cancelled."))
    if token is None:
        policy.require(actor, A.CANCEL_REGISTRATION, registration)
    was_confirmed = registration.state == Registration.State.CONFIRMED
    REGISTRATION_STATES.apply(
        registration,
        Registration.State.CANCELLED,
        actor=_registrant(actor),
        reason="cancellation link" if token is not None else "",
    )
    if not was_confirmed or event.state != Event.State.PUBLISHED:
        return None
    if event.starts_at <= timezone.now():
        return None
    # Promote only into a free place (never beyond the capacity, whatever happened before).
    if event.confirmed_count() >= event.capacity:
        return None
    first = (
        event.registrations.filter(state=Registration.State.WAITLISTED)
        .order_by("created_at", "pk")
        .first()
    )
    if first is None:
        return None
    REGISTRATION_STATES.apply(
        first,
        Registration.State.CONFIRMED,
        actor=None,
        reason=_("A place became free; the first person on the waiting list gets it."),
        changes={"freed_by": registration.pk},
    )
    _mail([first.email], *_registration_message(first))
    return first


def registration_for(event: Event, user) -> Registration | None:
    if user is None or not user.is_authenticated:
        return None
    return event.registrations.exclude(state=Registration.State.CANCELLED).filter(user=user).first()


def waiting_position(registration: Registration) -> int | None:
    if registration.state != Registration.State.WAITLISTED:
        return None
    earlier = registration.event.registrations.filter(
        state=Registration.State.WAITLISTED, created_at__lte=registration.created_at
    ).exclude(created_at=registration.created_at, pk__gt=registration.pk)
    return earlier.count()


def erase_registrations(sender, *, user, emails: Iterable[str], **kwargs) -> int:
    """Delete the event registrations of an erased candidate: those made with their account or
    with one of their addresses (told by ``candidates.signals``). A place still held at an
    upcoming event is cancelled first, through the person's own cancellation path, so the
    first person waiting gets it as if they had cancelled. Returns the number deleted."""
    addresses = sorted({e.strip().lower() for e in emails if e and e.strip()})
    condition = _any_address(addresses)
    if user is not None:
        condition |= Q(user=user)
    registrations = list(Registration.objects.filter(condition).order_by("pk"))
    for registration in registrations:
        if registration.state != Registration.State.CANCELLED:
            cancel_registration(registration, actor=None, token=registration.token)
        record(
            actor=None,
            action="outreach.registration.erased",
            target=registration,
            changes={"event": registration.event_id},
        )
    Registration.objects.filter(pk__in=[r.pk for r in registrations]).delete()
    # Requests still waiting for their confirmation link hold the name and the address too.
    pending = PendingRegistration.objects.filter(_any_address(addresses))
    if pending.exists():
        record(
            actor=None,
            action="outreach.pending_registrations_erased",
            target=None,
            changes={"count": pending.count()},
        )
        pending.delete()
    return len(registrations)


def _any_address(addresses: list[str]) -> Q:
    condition = Q(pk__in=[])
    for address in addresses:
        condition |= Q(email__iexact=address)
    return condition
