"""The work incentive claims create for people (core/work.py): the office decides submitted
claims; the host side corrects a claim the office returned."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ciodispatch.accounts import roles
from ciodispatch.core.work import Pending, kind
from ciodispatch.incentives import queries
from ciodispatch.incentives.models import IncentiveClaim


@kind(
    "incentives.decide",
    title=_("Incentive claims to decide"),
    reminder=_("An incentive claim waits for the office's decision"),
    who=roles.is_office,
)
def claims_to_decide(user, today):
    count = queries.office_claims(user, year=None, state=IncentiveClaim.State.SUBMITTED).count()
    # Every fiscal year (an empty year), the submitted ones.
    return Pending(count, reverse("incentives:office_claims") + "?year=&state=submitted")


@kind(
    "incentives.returned",
    title=_("Incentive claims returned for correction"),
    reminder=_("The office returned an incentive claim for correction"),
)
def claims_returned(user, today):
    if roles.host_local_government(user) is None and roles.coordinated_prefecture(user) is None:
        return None
    found = list(queries.returned_claims(user).values_list("pk", "dispatch_id"))
    if not found:
        return None
    dispatches = {dispatch for _pk, dispatch in found}
    if len(found) == 1:
        url = reverse("incentives:claim", args=[found[0][0]])
    else:
        # The claims are listed by dispatch; a host has one dispatch at a time, so all
        # returned claims are on one list (else the list of the first).
        url = reverse("incentives:dispatch", args=[min(dispatches)]) + "?returned=1"
    return Pending(len(found), url)
