"""The home page's links to the readiness pages, each shown to those the policy lets in."""

from django.utils.translation import gettext_lazy as _

from ciodispatch import policy
from ciodispatch.core.home import HomeLink, register

register(
    HomeLink(
        110,
        policy.Action.VIEW_OWN_READINESS,
        "readiness:own",
        _("Readiness"),
        _("Self-assess your organisation's readiness to host a CIO: scores, gaps and what to do."),
    ),
    HomeLink(
        120,
        policy.Action.LIST_READINESS,
        "readiness:list",
        _("Readiness of local governments"),
        _("The latest readiness self-assessment of each local government, by prefecture."),
    ),
)
