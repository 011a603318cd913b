"""The work a matching round creates for people (core/work.py): the candidates' and the
hosts' rankings, each due on its phase's last day, and the office's review of a result."""

from django.db.models import Min
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ciodispatch.accounts import roles
from ciodispatch.accounts.models import HOST_ROLES, Role, User
from ciodispatch.candidates.availability import participating, participating_application
from ciodispatch.core.work import Due, Pending, kind
from ciodispatch.matchround import queries, services
from ciodispatch.matchround.forms import HostPostsFilterForm
from ciodispatch.matchround.models import CandidateRanking, MatchRound, Post
from ciodispatch.matchround.rules import posts_spoken_for

Phase = MatchRound.Phase


def _candidate_rank_url() -> str:
    return reverse("matchround:candidate_rank")


def _host_posts_url() -> str:
    return reverse("matchround:host_posts") + f"?awaiting={HostPostsFilterForm.RANKING}"


@kind(
    "matchround.rank_posts",
    title=_("Your ranking of the posts is due"),
    reminder=_("Your ranking of the posts in the matching round is due"),
    who=roles.is_candidate,
)
def posts_to_rank(user, today):
    """A certified candidate free to take part, in a round open for candidates' rankings,
    who has ranked no post yet."""
    match_round = queries.candidate_round()
    if (
        match_round is None
        or match_round.phase != Phase.CANDIDATES_RANK
        or today > match_round.candidates_rank_until
    ):
        return None
    application = participating_application(user)
    if application is None or services.unavailable_reason(match_round, application):
        return None
    if services.candidate_ranking(match_round, application):
        return Pending(0, _candidate_rank_url())
    return Pending(1, _candidate_rank_url(), due=match_round.candidates_rank_until)


@posts_to_rank.due_on
def posts_to_rank_due(day):
    due = []
    for match_round in MatchRound.objects.filter(
        phase=Phase.CANDIDATES_RANK, candidates_rank_until=day
    ).select_related("request_round"):
        if match_round != queries.candidate_round():
            continue
        ranked = [
            ranking.application_id
            for ranking in CandidateRanking.objects.filter(match_round=match_round)
            if ranking.posts
        ]
        waiting = participating().exclude(pk__in=ranked)
        busy = services.unavailable_reasons(match_round, waiting)
        for application in waiting.filter(user__is_active=True).select_related("user"):
            if application.pk not in busy:
                due.append(
                    Due(
                        user=application.user,
                        pending=Pending(1, _candidate_rank_url(), day),
                        detail=str(match_round),
                    )
                )
    return due


@kind(
    "matchround.rank_candidates",
    title=_("Your ranking of the candidates is due"),
    reminder=_("Your post's ranking of the candidates is due"),
)
def candidates_to_rank(user, today):
    """A host's staff (a joint request: the lead prefecture's coordinators): their posts in
    the hosts' ranking phase that candidates ranked and they have not ranked yet."""
    if roles.host_local_government(user) is None and roles.coordinated_prefecture(user) is None:
        return None
    posts = queries.posts_to_rank(posts_spoken_for(user), today)
    due = min((post.match_round.hosts_rank_until for post in posts), default=None)
    return Pending(len(posts), _host_posts_url(), due=due)


def _speaking_for(post: Post):
    request = post.request
    if request.group_id is not None:
        return User.objects.filter(
            is_active=True,
            role=Role.PREFECTURE_COORDINATOR,
            organisation__local_government__prefecture_code=request.group.lead.prefecture_code,
        )
    return User.objects.filter(
        is_active=True, role__in=HOST_ROLES, organisation__local_government=request.host_id
    )


@candidates_to_rank.due_on
def candidates_to_rank_due(day):
    posts = Post.objects.filter(match_round__hosts_rank_until=day).select_related(
        "request__host", "request__group__lead"
    )
    waiting: dict[User, list[Post]] = {}
    for post in queries.posts_to_rank(posts, day):
        for user in _speaking_for(post):
            waiting.setdefault(user, []).append(post)
    return [
        Due(
            user=user,
            pending=Pending(len(found), _host_posts_url(), day),
            detail="、".join(str(post) for post in found),
        )
        for user, found in waiting.items()
    ]


@kind(
    "matchround.publish",
    title=_("Match results to review and publish"),
    reminder=_("A match result waits for review and publication"),
    who=roles.is_office,
)
def results_to_publish(user, today):
    """The office: rounds whose run finished and whose result waits for review; due on the
    planned publication day."""
    found = queries.rounds_to_publish().aggregate(due=Min("publish_on"))
    count = queries.rounds_to_publish().count()
    url = reverse("matchround:office_list") + f"?phase={Phase.REVIEW.value}"
    return Pending(count, url, due=found["due"])
