"""The work dispatch requests create for people (core/work.py): the head's signature (and
for a joint request, the members' confirmations the coordinator follows), the office's
decision, the corrections of a returned request.

None of them has a deadline of its own: a round has a window for starting requests, not a
day by which a request must be signed, decided or corrected.
"""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ciodispatch import policy
from ciodispatch.accounts import roles
from ciodispatch.core.work import Pending, kind
from ciodispatch.requests.forms import MyRequestsFilterForm
from ciodispatch.requests.models import DispatchRequest
from ciodispatch.requests.rules import (
    awaiting_confirmations,
    awaiting_signature,
    editable_requests,
    visible_requests,
)
from ciodispatch.requests.services import current_round

S = DispatchRequest.State


def _mine(awaiting: str) -> str:
    return reverse("requests:mine") + "?" + urlencode({"awaiting": awaiting})


@kind(
    "requests.sign",
    title=_("Requests waiting for your signature"),
    reminder=_("A dispatch request waits for your signature"),
    who=roles.is_host_head,
)
def requests_to_sign(user, today):
    """A host head: their government's submitted request to commit to, or a joint request
    their government takes part in and has not confirmed."""
    count = awaiting_signature(user).count()
    return Pending(count, _mine(MyRequestsFilterForm.SIGNATURE))


@kind(
    "requests.confirmations",
    title=_("Joint requests waiting for members' confirmations"),
    reminder=_("A joint dispatch request waits for its members' confirmations"),
)
def joint_requests_to_confirm(user, today):
    """A coordinator: the submitted joint requests its prefecture leads, until every member's
    head has confirmed (the coordinator may record a confirmation received on paper)."""
    if roles.coordinated_prefecture(user) is None:
        return None
    count = awaiting_confirmations(user).count()
    return Pending(count, _mine(MyRequestsFilterForm.CONFIRMATIONS))


@kind(
    "requests.correct",
    title=_("Requests returned to you for correction"),
    reminder=_("A dispatch request was returned to you with comments"),
)
def requests_to_correct(user, today):
    """The host's liaison (a joint request: the lead prefecture's coordinator) corrects a
    returned request and submits it again. The head signs; the liaison edits."""
    if roles.is_host_head(user) or not policy.can(user, policy.Action.LIST_OWN_REQUESTS):
        return None
    count = editable_requests(user).filter(state=S.RETURNED).count()
    return Pending(count, _mine(MyRequestsFilterForm.CORRECTION))


@kind(
    "requests.decide",
    title=_("Requests waiting for your decision"),
    reminder=_("A dispatch request waits for the office's decision"),
)
def requests_to_decide(user, today):
    """The office: the current round's eligible requests, to approve, reject or return (a
    not-eligible one waits for its host to act first)."""
    if not policy.can(user, policy.Action.DECIDE_REQUEST):
        return None
    request_round = current_round(today)
    if request_round is None:
        return None
    count = visible_requests(user).filter(request_round=request_round, state=S.ELIGIBLE).count()
    query = urlencode({"year": request_round.fiscal_year, "state": S.ELIGIBLE.value})
    return Pending(count, reverse("requests:office") + "?" + query)
