"""Each "may view" rule and its list form say the same thing, persona by persona.

A list form (``visible_dispatches(user)`` …) is the queryset every list page and export uses;
its rule (``policy.can(user, VIEW_X, obj)``) decides one object. For every persona of the
permission matrix, on the matrix's objects, the list form must return exactly the objects the
rule allows: widening or narrowing either one alone fails here.
"""

import pytest

from ciodispatch import policy
from ciodispatch.candidates.models import Application
from ciodispatch.candidates.rules import visible_applications
from ciodispatch.dispatches.models import Dispatch
from ciodispatch.dispatches.rules import visible_dispatches
from ciodispatch.incentives.models import IncentiveClaim
from ciodispatch.incentives.rules import visible_claims
from ciodispatch.knowhow.models import Case
from ciodispatch.knowhow.rules import visible_cases
from ciodispatch.localgov.models import LocalGovernment, LocalGovernmentGroup
from ciodispatch.localgov.rules import visible_groups
from ciodispatch.notices.models import Notice
from ciodispatch.notices.rules import visible_notices
from ciodispatch.outreach.models import Event, SupportOffer, SupportRequest
from ciodispatch.outreach.rules import visible_events, visible_offers, visible_support_requests
from ciodispatch.progress.models import SmallWin
from ciodispatch.progress.rules import visible_progress, visible_small_wins
from ciodispatch.readiness.models import Assessment
from ciodispatch.readiness.rules import visible_assessments, visible_readiness
from ciodispatch.requests.models import DispatchRequest
from ciodispatch.requests.rules import visible_requests
from ciodispatch.training.models import TrainingSession
from ciodispatch.training.rules import visible_sessions
from tests.matrix import PEOPLE

A = policy.Action
pytestmark = pytest.mark.django_db

LIST_FORMS = [
    (visible_dispatches, A.VIEW_DISPATCH, Dispatch),
    (visible_progress, A.VIEW_PROGRESS, Dispatch),
    (visible_claims, A.VIEW_CLAIM, IncentiveClaim),
    (visible_support_requests, A.VIEW_SUPPORT_REQUEST, SupportRequest),
    (visible_applications, A.VIEW_APPLICATION, Application),
    (visible_requests, A.VIEW_REQUEST, DispatchRequest),
    (visible_cases, A.VIEW_CASE, Case),
    (visible_readiness, A.VIEW_READINESS, LocalGovernment),
    (visible_assessments, A.VIEW_ASSESSMENT, Assessment),
    (visible_groups, A.VIEW_GROUP, LocalGovernmentGroup),
    (visible_offers, A.VIEW_SUPPORT_OFFER, SupportOffer),
    (visible_events, A.VIEW_EVENT, Event),
    (visible_sessions, A.VIEW_TRAINING_SESSION, TrainingSession),
    (visible_small_wins, A.VIEW_SMALL_WIN, SmallWin),
    (visible_notices, A.READ_NOTICE, Notice),
]
IDS = [f.__name__ for f, _a, _m in LIST_FORMS]


def mismatches(list_form, action, model, people) -> list[str]:
    wrong = []
    everything = list(model.objects.all())
    for name in PEOPLE:
        user = people[name]
        listed = {obj.pk for obj in list_form(user)}
        allowed = {obj.pk for obj in everything if policy.can(user, action, obj)}
        if listed != allowed:
            wrong.append(
                f"{name}: {list_form.__name__} lists {sorted(listed - allowed)} it may not see "
                f"and misses {sorted(allowed - listed)}"
            )
    return wrong


def widened(list_form, model):
    """``list_form`` listing every object."""

    def form(user):
        return model.objects.all()

    form.__name__ = f"widened {list_form.__name__}"
    return form


def narrowed(list_form):
    """``list_form`` leaving out one object from everyone who sees any."""

    def form(user):
        listed = list_form(user)
        first = listed.order_by("pk").first()
        return listed if first is None else listed.exclude(pk=first.pk)

    form.__name__ = f"narrowed {list_form.__name__}"
    return form


@pytest.mark.parametrize(("list_form", "action", "model"), LIST_FORMS, ids=IDS)
def test_the_list_form_lists_exactly_what_the_rule_allows(
    list_form, action, model, people, objects
):
    everything = model.objects.count()
    seen = [len(list_form(people[name])) for name in PEOPLE]
    # The matrix's objects make the comparison meaningful: someone sees some, someone not all.
    assert everything > 1 and max(seen) > 0 and min(seen) < everything
    assert not mismatches(list_form, action, model, people)
    # And this comparison can fail: widened or narrowed, the list form is caught.
    assert mismatches(widened(list_form, model), action, model, people)
    assert mismatches(narrowed(list_form), action, model, people)


def test_a_widened_list_form_is_caught(people, objects):
    def widened(user):
        return Dispatch.objects.all()

    assert mismatches(widened, A.VIEW_DISPATCH, Dispatch, people)


def test_a_narrowed_list_form_is_caught(people, objects):
    def narrowed(user):
        return (
            visible_dispatches(user).none()
            if policy.can(user, A.MANAGE_DISPATCHES)
            else visible_dispatches(user)
        )

    assert mismatches(narrowed, A.VIEW_DISPATCH, Dispatch, people)
