"""The home page's links to the matchround pages, each shown to those the policy lets in."""

from django.utils.translation import gettext_lazy as _

from ciodispatch import policy
from ciodispatch.core.home import HomeLink, register

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
