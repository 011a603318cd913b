"""The work direct support creates for people (core/work.py): the office decides requests
and reviews offers; a provider gives and records the support it approved; a provider
corrects an offer the office returned. Each counts what its link's ``?show=`` lists."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ciodispatch.accounts import roles
from ciodispatch.core.work import Pending, kind
from ciodispatch.outreach.models import SupportOffer, SupportRequest
from ciodispatch.outreach.rules import provider_visits, visible_offers, visible_support_requests


def _pending(count: int, page: str, show: str) -> Pending | None:
    return Pending(count, reverse(page) + f"?show={show}")


@kind(
    "outreach.decide",
    title=_("Support requests to decide"),
    reminder=_("A support request waits for the office's decision"),
    who=roles.is_office,
)
def requests_to_decide(user, today):
    found = visible_support_requests(user).filter(state=SupportRequest.State.SUBMITTED)
    return _pending(found.count(), "outreach:support_office", "requests")


@kind(
    "outreach.review",
    title=_("Support offers to review"),
    reminder=_("A support offer waits for the office's review"),
    who=roles.is_office,
)
def offers_to_review(user, today):
    found = visible_offers(user).filter(state=SupportOffer.State.SUBMITTED)
    return _pending(found.count(), "outreach:support_office", "offers")


@kind(
    "outreach.visit",
    title=_("Support visits to give and record"),
    reminder=_("An approved support visit waits to be given and recorded"),
)
def visits_to_give(user, today):
    if roles.is_office(user):
        return None
    return _pending(provider_visits(user).count(), "outreach:support", "visits")


@kind(
    "outreach.offer_returned",
    title=_("Support offers returned with comments"),
    reminder=_("The office returned your support offer with comments"),
)
def offers_returned(user, today):
    own = roles.acting_government(user)
    if own is None:
        return None
    found = visible_offers(user).filter(provider=own, state=SupportOffer.State.RETURNED)
    return _pending(found.count(), "outreach:support", "returned")
