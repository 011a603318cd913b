"""The home page's links to the candidates pages, each shown to those the policy lets in."""

from django.utils.translation import gettext_lazy as _

from ciodispatch import policy
from ciodispatch.core.home import HomeLink, register

register(
    HomeLink(
        80,
        policy.Action.REGISTER_AS_CANDIDATE,
        "candidates:register",
        _("Apply to become a certified CIO"),
        _("Experts in digital transformation: apply to join the national pool."),
    ),
    HomeLink(
        90,
        policy.Action.EXPORT_OWN_DATA,
        "candidates:application",
        _("Your application"),
        _("Fill in your application section by section, submit it, follow its review."),
    ),
    HomeLink(
        150,
        policy.Action.LIST_REVIEW_ASSIGNMENTS,
        "candidates:reviews",
        _("Applications to review"),
        _("Score the applications assigned to you against the round's criteria."),
    ),
    HomeLink(
        160,
        policy.Action.LIST_APPLICATIONS,
        "candidates:applications",
        _("Applications"),
        _("Assign reviewers, compare scores, decide, interview and certify."),
    ),
    HomeLink(
        170,
        policy.Action.VIEW_POOL,
        "candidates:pool",
        _("The pool of certified CIOs"),
        _("Search certified CIOs by skill, domain, region and availability; export it."),
    ),
)
