"""The home page's link to one's notices."""

from django.utils.translation import gettext_lazy as _

from ciodispatch import policy
from ciodispatch.core.home import HomeLink, register

register(
    HomeLink(
        335,
        policy.Action.VIEW_NOTICES,
        "notices:list",
        _("Notices"),
        _("What happened that concerns you, each with a link to its page; which come by mail."),
    ),
)
