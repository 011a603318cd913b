"""The home page's links to the outreach pages, each shown to those the policy lets in."""

from django.utils.translation import gettext_lazy as _

from ciodispatch import policy
from ciodispatch.core.home import HomeLink, register

register(
    HomeLink(
        60,
        policy.Action.VIEW_EVENTS,
        "outreach:events",
        _("Events"),
        _("Case talks and lectures: open to anyone, with registration."),
    ),
    HomeLink(
        70,
        policy.Action.VIEW_SUPPORT,
        "outreach:support",
        _("Direct support from advanced regions"),
        _("Offer or request site visits, lectures and document reviews between governments."),
    ),
)
