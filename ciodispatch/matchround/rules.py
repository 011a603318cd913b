"""Who configures, ranks in, and reads the yearly matching round."""

from django.db.models import QuerySet

from ciodispatch.accounts import roles
from ciodispatch.candidates.availability import conflicting_vendors, participating_application
from ciodispatch.matchround.models import MatchRound, MatchRun, Post
from ciodispatch.policy import Action, rule, seen_with
from ciodispatch.requests.rules import is_member_staff, speaks_for_request


def certified_candidate(user) -> bool:
    return roles.is_candidate(user) and participating_application(user) is not None


rule(
    Action.CONFIGURE_MATCH_ROUND,
    Action.VIEW_MATCH_ROUNDS,
    Action.RUN_MATCH,
    Action.PUBLISH_MATCH,
    Action.EXPORT_MATCH_RESULT,
)(roles.office)


@rule(Action.RANK_POSTS)
def rank_posts(user, match_round) -> bool:
    return certified_candidate(user)


@rule(Action.RANK_CANDIDATES)
def speaks_for_post(user, post) -> bool:
    """A post is ranked by its host's staff, or for a joint request by the lead prefecture."""
    return post is not None and speaks_for_request(user, post.request)


def posts_spoken_for(user, queryset: QuerySet[Post] | None = None) -> QuerySet[Post]:
    """The list form of ``speaks_for_post``: the posts ``user`` ranks candidates for."""
    queryset = Post.objects.all() if queryset is None else queryset
    own = roles.host_local_government(user)
    if own is not None:
        return queryset.filter(request__host=own)
    prefecture = roles.coordinated_prefecture(user)
    if prefecture is not None:
        return queryset.filter(
            request__group__isnull=False, request__group__lead__prefecture_code=prefecture
        )
    return queryset.none()


@rule(Action.VIEW_POST)
def view_post(user, post) -> bool:
    if post is None:
        return False
    if roles.is_office(user) or speaks_for_post(user, post):
        return True
    if not certified_candidate(user):
        return False
    application = participating_application(user)
    return application is not None and not conflicting_vendors(
        application, post.request, years=post.match_round.conflict_years
    )


@rule(Action.VIEW_APPLICANT)
def view_applicant(user, pairing) -> bool:
    """The office, or a post's host about a candidate who ranked that post."""
    if pairing is None:
        return False
    if roles.is_office(user):
        return True
    from ciodispatch.matchround.services import applicants_of

    post, application = pairing
    return speaks_for_post(user, post) and any(a.pk == application.pk for a in applicants_of(post))


@rule(Action.VIEW_OWN_MATCH_RESULT)
def own_match_result(user, match_round) -> bool:
    """A candidate who ranked in a published round, or a host (or joint member, or the lead
    coordinator) of one of its posts. Each then sees only their own result."""
    if match_round is None or match_round.phase != MatchRound.Phase.PUBLISHED:
        return False
    if not user.is_authenticated:
        return False
    if roles.is_candidate(user):
        return match_round.candidate_rankings.filter(application__user=user).exists()
    for post in match_round.posts.select_related("request__host", "request__group__lead"):
        if speaks_for_post(user, post) or is_member_staff(user, post.request):
            return True
    return False


@rule(Action.VIEW_PUBLIC_MATCH_SUMMARY)
def public_summary(user, match_round) -> bool:
    return match_round is None or match_round.phase == MatchRound.Phase.PUBLISHED


# Who may know that one exists: others are answered 404, as for a missing one.
seen_with(Post, Action.VIEW_POST)
# A round is public knowledge (the year's round is announced); its runs are the office's.
seen_with(MatchRound, Action.VIEW_PORTAL)
seen_with(MatchRun, Action.VIEW_MATCH_ROUNDS)
