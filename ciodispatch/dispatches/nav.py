"""The home page's links to the dispatches pages, each shown to those the policy lets in."""

from django.utils.translation import gettext_lazy as _

from ciodispatch import policy
from ciodispatch.core.home import HomeLink, register

register(
    HomeLink(
        230,
        policy.Action.MANAGE_DISPATCHES,
        "dispatches:office",
        _("Dispatches"),
        _("Every dispatch and its state; fill declined places, decide extensions, assess."),
    ),
    HomeLink(
        240,
        policy.Action.LIST_OWN_DISPATCHES,
        "dispatches:mine",
        _("Your dispatches"),
        _("Accept a proposed dispatch, the appointment and its notice, the term, evaluations."),
        unless=policy.Action.MANAGE_DISPATCHES,
    ),
)
