"""The home page's links to the matchround pages, each shown to those the policy lets in, and
the office's panel of where the programme stands."""

from django.utils.translation import gettext_lazy as _

from ciodispatch import policy
from ciodispatch.core.home import HomeLink, Panel, register, register_panel
from ciodispatch.matchround.queries import programme_status

register(
    HomeLink(
        200,
        policy.Action.VIEW_MATCH_ROUNDS,
        "matchround:office_list",
        _("Matching rounds"),
        _("Set up each year's round, move it through its phases, run, review and publish."),
    ),
    HomeLink(
        210,
        policy.Action.RANK_POSTS,
        "matchround:candidate_rank",
        _("Rank posts in the matching round"),
        _("Read the approved requests and rank the posts you would accept; see your results."),
    ),
    HomeLink(
        220,
        policy.Action.LIST_OWN_REQUESTS,
        "matchround:host_posts",
        _("Matching: rank the candidates"),
        _("Read the files of the candidates who ranked your post, record interviews, rank them."),
    ),
    HomeLink(
        310,
        policy.Action.VIEW_PUBLIC_MATCH_SUMMARY,
        "matchround:public_list",
        _("Matching results"),
        _("How many CIOs each round matched, by region and prefecture."),
    ),
)


@register_panel(10)
def programme_panel(user, today):
    """The office's home: which round, which phase, the next deadline, how many have acted."""
    if not policy.can(user, policy.Action.VIEW_MATCH_ROUNDS):
        return None
    status = programme_status()
    if status is None:
        return None
    return Panel("matchround/includes/programme_panel.html", {"status": status})
