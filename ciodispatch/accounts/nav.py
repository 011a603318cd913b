"""The home page's links to the accounts pages, each shown to those the policy lets in."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ciodispatch import policy
from ciodispatch.core.home import HomeLink, register


@dataclass(frozen=True)
class OrganisationLink:
    """The user's own organisation, first on the page, for those who may see it."""

    position: int

    def for_user(self, user):
        organisation = getattr(user, "organisation", None) if user.is_authenticated else None
        if organisation is None or not policy.can(
            user, policy.Action.VIEW_ORGANISATION, organisation
        ):
            return None
        return {
            "url": reverse("accounts:organisation", args=[organisation.pk]),
            "title": organisation.name,
            "description": _("Your organisation: contact details and the people registered."),
            "area": "accounts",
        }


register(
    OrganisationLink(0),
    HomeLink(
        340,
        policy.Action.VIEW_OWN_ACCOUNT,
        "accounts:account",
        _("Your account"),
        _("Your role, your organisation, your password and two-factor authentication."),
    ),
)
