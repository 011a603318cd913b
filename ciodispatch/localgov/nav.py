"""The home page's links to the localgov pages, each shown to those the policy lets in."""

from django.utils.translation import gettext_lazy as _

from ciodispatch import policy
from ciodispatch.core.home import HomeLink, register

register(
    HomeLink(
        180,
        policy.Action.VIEW_LOCAL_GOVERNMENTS,
        "localgov:list",
        _("Local governments"),
        _("All 1,788 local governments: population, fiscal strength, region."),
    ),
    HomeLink(
        190,
        policy.Action.LIST_GROUPS,
        "localgov:groups",
        _("Groups of local governments"),
        _("Groups working together (広域連携) for joint dispatch requests."),
    ),
    HomeLink(
        320,
        policy.Action.VIEW_REGISTRY_IMPORTS,
        "localgov:imports",
        _("Registry imports"),
        _("Load the registry file again and see the result of each import."),
    ),
)
