"""The home page's links to the portal pages, each shown to those the policy lets in."""

from django.utils.translation import gettext_lazy as _

from ciodispatch import policy
from ciodispatch.core.home import HomeLink, register

register(
    HomeLink(
        40,
        policy.Action.VIEW_PORTAL,
        "portal:landing",
        _("About the programme"),
        _("What the programme does, its figures, and how success spreads to others."),
    ),
    HomeLink(
        50,
        policy.Action.VIEW_STATISTICS,
        "portal:statistics",
        _("Programme statistics"),
        _(
            "Requests, matches and dispatches by year, prefecture (map), region and challenge; "
            "open data."
        ),
    ),
)
