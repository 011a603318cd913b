"""The home page's links to the requests pages, each shown to those the policy lets in."""

from django.utils.translation import gettext_lazy as _

from ciodispatch import policy
from ciodispatch.core.home import HomeLink, register

register(
    HomeLink(
        130,
        policy.Action.LIST_OWN_REQUESTS,
        "requests:mine",
        _("Dispatch requests"),
        _("File a request for a certified CIO, alone or jointly; follow its eligibility."),
    ),
    HomeLink(
        140,
        policy.Action.REVIEW_REQUESTS,
        "requests:office",
        _("Dispatch requests of the round"),
        _("Every request with its eligibility; approve, return or reject; charts and exports."),
    ),
)
