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
from ciodispatch.localgov.models import LocalGovernment
from ciodispatch.outreach.models import SupportRequest
from ciodispatch.outreach.rules import visible_support_requests
from ciodispatch.progress.rules import visible_progress
from ciodispatch.readiness.models import Assessment
from ciodispatch.readiness.rules import visible_assessments, visible_readiness
from ciodispatch.requests.models import DispatchRequest
from ciodispatch.requests.rules import visible_requests
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


@pytest.mark.parametrize(("list_form", "action", "model"), LIST_FORMS, ids=IDS)
def test_the_list_form_lists_exactly_what_the_rule_allows(
    list_form, action, model, people, objects
):
    everything = model.objects.count()
    seen = [len(list_form(people[name])) for name in PEOPLE]
    # The matrix's objects make the comparison meaningful: someone sees some, someone not all.
    assert everything > 1 and max(seen) > 0 and min(seen) < everything
    assert not mismatches(list_form, action, model, people)


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


# The same two checks for every list form: listing everything, or leaving out one object from
# everyone who sees any, is caught (the fixtures make both possible; see the test above).
@pytest.mark.parametrize(("list_form", "action", "model"), LIST_FORMS, ids=IDS)
def test_every_list_form_widened_is_caught(list_form, action, model, people, objects):
    def widened(user):
        return model.objects.all()

    widened.__name__ = list_form.__name__
    assert mismatches(widened, action, model, people)


@pytest.mark.parametrize(("list_form", "action", "model"), LIST_FORMS, ids=IDS)
def test_every_list_form_narrowed_is_caught(list_form, action, model, people, objects):
    def narrowed(user):
        listed = list_form(user)
        first = listed.order_by("pk").first()
        return listed if first is None else listed.exclude(pk=first.pk)

    narrowed.__name__ = list_form.__name__
    assert mismatches(narrowed, action, model, people)
