"""The home page's links to the training pages, each shown to those the policy lets in."""

from django.utils.translation import gettext_lazy as _

from ciodispatch import policy
from ciodispatch.core.home import HomeLink, register

register(
    HomeLink(
        100,
        policy.Action.VIEW_TRAINING_CATALOGUE,
        "training:catalogue",
        _("Training"),
        _(
            "Public-sector training for CIOs, readiness training for host staff: "
            "sessions, enrolment, certificates."
        ),
    ),
)
