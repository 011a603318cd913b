"""The home page's links to the incentives pages, each shown to those the policy lets in."""

from django.utils.translation import gettext_lazy as _

from ciodispatch import policy
from ciodispatch.core.home import HomeLink, register

register(
    HomeLink(
        280,
        policy.Action.LIST_CLAIMS,
        "incentives:office_claims",
        _("Incentive claims"),
        _("Claims of the hosts with their calculation: approve, adjust, reject, record payment."),
    ),
    HomeLink(
        290,
        policy.Action.VIEW_BUDGET,
        "incentives:budget",
        _("Programme budget"),
        _("Committed, paid and remaining by fiscal year, with a forecast and a what-if; Excel."),
    ),
    HomeLink(
        300,
        policy.Action.VIEW_INCENTIVE_RULES,
        "incentives:rules",
        _("Incentive rules"),
        _("The rules of each fiscal year (rate, ceilings, exclusions) and their versions."),
    ),
)
