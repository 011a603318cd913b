"""The home page's links to the knowhow pages, each shown to those the policy lets in."""

from django.utils.translation import gettext_lazy as _

from ciodispatch import policy
from ciodispatch.core.home import HomeLink, register

register(
    HomeLink(
        10,
        policy.Action.BROWSE_KNOWHOW,
        "knowhow:case_list",
        _("Cases of IT reform"),
        _("Search the published cases, manuals and awards: what worked and how to spread it."),
    ),
    HomeLink(
        20,
        policy.Action.VIEW_RECOMMENDATIONS,
        "knowhow:recommendations",
        _("Cases for you"),
        _("Cases chosen for your challenges, your readiness gaps and your domains."),
    ),
    HomeLink(
        30,
        policy.Action.LIST_OWN_CASES,
        "knowhow:workspace",
        _("Case workspace"),
        _("Draft a case, send it for review; the office reviews, publishes and keeps versions."),
    ),
)
