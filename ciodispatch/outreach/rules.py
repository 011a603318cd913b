"""Direct support and events. Hosts act for their own government, prefecture coordinators for
their prefecture's government and read what its municipalities do; the office sees and decides
everything. Events are public: anyone reads published events and registers."""

from django.db.models import Q
from django.utils import timezone

from ciodispatch.accounts import roles
from ciodispatch.outreach.models import Event, Registration, SupportOffer, SupportRequest
from ciodispatch.policy import Action, rule, seen_with

rule(
    Action.REVIEW_SUPPORT_OFFER,
    Action.DECIDE_SUPPORT_REQUEST,
    Action.LIST_SUPPORT_REQUESTS,
    Action.MANAGE_EVENTS,
    Action.VIEW_EVENT_ROSTER,
)(roles.office)


# The secret token in the link e-mailed to the person is the proof; the service checks it.
rule(
    Action.VIEW_EVENTS,
    Action.CANCEL_REGISTRATION_BY_LINK,
    Action.CONFIRM_REGISTRATION_BY_LINK,
)(roles.anyone)


@rule(Action.VIEW_SUPPORT)
def official(user, obj) -> bool:
    return roles.is_office(user) or roles.acting_government(user) is not None


@rule(Action.OFFER_SUPPORT, Action.REQUEST_SUPPORT)
def for_own_government(user, local_government) -> bool:
    if local_government is None:
        return roles.acting_government(user) is not None
    return roles.acts_for(user, local_government)


@rule(Action.VIEW_SUPPORT_OFFER)
def view_support_offer(user, offer) -> bool:
    if offer is None:
        return False
    if (
        roles.is_office(user)
        or roles.acts_for(user, offer.provider)
        or roles.oversees(user, offer.provider)
    ):
        return True
    return offer.state == SupportOffer.State.PUBLISHED and roles.acting_government(user) is not None


def visible_offers(user, queryset=None):
    """The list form of ``view_support_offer``: the offers ``user`` may read."""
    queryset = SupportOffer.objects.all() if queryset is None else queryset
    if roles.is_office(user):
        return queryset
    own = roles.acting_government(user)
    if own is None:
        return queryset.none()
    seen = Q(state=SupportOffer.State.PUBLISHED) | Q(provider=own)
    prefecture = roles.coordinated_prefecture(user)
    if prefecture is not None:
        seen |= Q(provider__prefecture_code=prefecture)
    return queryset.filter(seen)


@rule(Action.EDIT_SUPPORT_OFFER)
def edit_support_offer(user, offer) -> bool:
    return offer is not None and offer.is_editable and roles.acts_for(user, offer.provider)


@rule(Action.WITHDRAW_SUPPORT_OFFER)
def withdraw_support_offer(user, offer) -> bool:
    if offer is None or offer.state == SupportOffer.State.WITHDRAWN:
        return False
    return roles.is_office(user) or roles.acts_for(user, offer.provider)


@rule(Action.VIEW_SUPPORT_REQUEST)
def view_support_request(user, support) -> bool:
    if support is None:
        return False
    if roles.is_office(user):
        return True
    provider = support.offer.provider if support.offer_id else None
    return (
        roles.acts_for(user, support.requester)
        or roles.oversees(user, support.requester)
        or (
            provider is not None
            and (roles.acts_for(user, provider) or roles.oversees(user, provider))
        )
    )


@rule(Action.WITHDRAW_SUPPORT_REQUEST)
def withdraw_support_request(user, support) -> bool:
    return (
        support is not None
        and support.state == SupportRequest.State.SUBMITTED
        and roles.acts_for(user, support.requester)
    )


@rule(Action.RECORD_SUPPORT_VISIT)
def record_support_visit(user, support) -> bool:
    if support is None or support.state != SupportRequest.State.APPROVED or not support.offer_id:
        return False
    return roles.is_office(user) or roles.acts_for(user, support.offer.provider)


def provider_visits(user, queryset=None):
    """The provider's side of ``record_support_visit`` as a list: the approved requests for
    the offers of the government ``user`` acts for (the support it is to give and record)."""
    queryset = SupportRequest.objects.all() if queryset is None else queryset
    own = roles.acting_government(user)
    if own is None:
        return queryset.none()
    return queryset.filter(state=SupportRequest.State.APPROVED, offer__provider=own)


# Event pages are public: with no event named (obj None) the answer is yes, so that
# policy.guard lets anonymous visitors reach the page. A named event must be published, or
# cancelled (those registered still open its page and its .ics, which says it is cancelled);
# drafts stay with the office.
@rule(Action.VIEW_EVENT)
def view_event(user, event) -> bool:
    return (
        event is None
        or event.state in (Event.State.PUBLISHED, Event.State.CANCELLED)
        or roles.is_office(user)
    )


def visible_events(user, queryset=None):
    """The list form of ``view_event``: the events ``user`` may read."""
    queryset = Event.objects.all() if queryset is None else queryset
    if roles.is_office(user):
        return queryset
    return queryset.filter(state__in=(Event.State.PUBLISHED, Event.State.CANCELLED))


@rule(Action.REGISTER_FOR_EVENT)
def register_for_event(user, event) -> bool:
    """Anyone, signed in or not, while a published event has not started."""
    return event is None or (
        event.state == Event.State.PUBLISHED and event.starts_at > timezone.now()
    )


@rule(Action.CANCEL_REGISTRATION)
def cancel_registration(user, registration) -> bool:
    if registration is None or registration.state == Registration.State.CANCELLED:
        return False
    own = user.is_authenticated and registration.user_id == user.pk
    return roles.is_office(user) or bool(own)


def visible_support_requests(user, queryset=None):
    """The list form of ``view_support_request``: the support requests ``user`` may read."""
    queryset = SupportRequest.objects.all() if queryset is None else queryset
    if roles.is_office(user):
        return queryset
    own = roles.acting_government(user)
    prefecture = roles.coordinated_prefecture(user)
    seen = Q(pk__in=[])
    if own is not None:
        seen |= Q(requester=own) | Q(offer__provider=own)
    if prefecture is not None:
        seen |= Q(requester__prefecture_code=prefecture)
        seen |= Q(offer__provider__prefecture_code=prefecture)
    return queryset.filter(seen) if own is not None or prefecture is not None else queryset.none()


# Who may know that one exists: others are answered 404, as for a missing one.
seen_with(Event, Action.VIEW_EVENT)
seen_with(SupportOffer, Action.VIEW_SUPPORT_OFFER)
seen_with(SupportRequest, Action.VIEW_SUPPORT_REQUEST)
