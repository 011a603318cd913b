"""The home page's links to the progress pages, each shown to those the policy lets in."""

from django.utils.translation import gettext_lazy as _

from ciodispatch import policy
from ciodispatch.core.home import HomeLink, register

register(
    HomeLink(
        250,
        policy.Action.VIEW_PROGRESS_OVERVIEW,
        "progress:office",
        _("Progress of the dispatches"),
        _("Overdue plans and reports, help asked for, outcomes across dispatches."),
    ),
    HomeLink(
        260,
        policy.Action.LIST_OWN_PROGRESS,
        "progress:mine",
        _("Plans, reports and small wins"),
        _("The action plan, the monthly reports, small wins and KPI values of your dispatches."),
        unless=policy.Action.VIEW_PROGRESS_OVERVIEW,
    ),
    HomeLink(
        270,
        policy.Action.VIEW_PUBLIC_PROGRESS,
        "progress:wins",
        _("Small wins"),
        _("Small successes the host governments publish, and the outcomes of the programme."),
    ),
)
