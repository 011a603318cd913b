"""The home page's links to the audit pages, each shown to those the policy lets in."""

from django.utils.translation import gettext_lazy as _

from ciodispatch import policy
from ciodispatch.core.home import HomeLink, register

register(
    HomeLink(
        330,
        policy.Action.VIEW_AUDIT_LOG,
        "audit:log",
        _("Audit log"),
        _("Every change made in the system: who, when, what."),
    ),
)
