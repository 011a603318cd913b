"""A joint request is one post: the lead prefecture's coordinator ranks for it; its member
municipalities read the result."""

import datetime as dt

from ciodispatch import policy
from ciodispatch.localgov.services import create_group
from ciodispatch.matchround import services
from ciodispatch.matchround.models import MatchRound, Post
from ciodispatch.requests import services as requests
from tests.conftest import lg
from tests.matchround.helpers import build_round
from tests.requests.helpers import fill, open_round

A = policy.Action


def test_the_lead_coordinator_ranks_for_a_joint_post_and_members_read_the_result(
    personas, monkeypatch
):
    setup = build_round(personas, monkeypatch)
    group = create_group(
        name="佐賀県 嬉野・有田", lead=lg("410004"), members=[lg("412091"), lg("414018")],
        actor=personas.pref1,
    )  # fmt: skip
    # (a round of its own: 嬉野市 already files alone in the setup's round)
    request_round = open_round(fiscal_year=setup.request_round.fiscal_year + 1)
    match_round = services.configure_round(
        request_round,
        actor=personas.office,
        candidates_rank_from=request_round.requests_close,
        candidates_rank_until=request_round.requests_close,
        hosts_rank_until=request_round.requests_close + dt.timedelta(days=1),
        publish_on=request_round.requests_close + dt.timedelta(days=2),
    )
    joint = requests.start_request(request_round, actor=personas.pref1, group=group)
    joint = fill(joint, personas.pref1, liaison=personas.host2, counterpart=personas.pref1)
    # (the approval steps of a joint request are the requests app's; the post is what matters)
    post = Post.objects.create(
        match_round=match_round, request=joint, prefecture_code="41", region="kyushu"
    )
    assert policy.can(personas.pref1, A.RANK_CANDIDATES, post)
    assert not policy.can(personas.pref_fukuoka, A.RANK_CANDIDATES, post)
    assert not policy.can(personas.host1, A.RANK_CANDIDATES, post)
    assert not policy.can(personas.host2, A.RANK_CANDIDATES, post)  # a member, not the lead
    assert policy.can(personas.pref1, A.VIEW_POST, post)
    published = MatchRound.objects.get(pk=match_round.pk)
    published.phase = MatchRound.Phase.PUBLISHED  # as the policy would see it after publication
    assert policy.can(personas.pref1, A.VIEW_OWN_MATCH_RESULT, published)
    assert policy.can(personas.host2, A.VIEW_OWN_MATCH_RESULT, published)  # a member
    assert not policy.can(personas.pref_fukuoka, A.VIEW_OWN_MATCH_RESULT, published)
    assert not policy.can(personas.host1, A.VIEW_OWN_MATCH_RESULT, published)
