"""Permission-matrix rows of the matching round (see test_permission_matrix.py).

Posts: 多久市 (host1, host1_head), 嬉野市 (host2), 新宮町 (host_fukuoka). candidate2 is certified
and once worked for 富士通, which supplies 多久市, so 多久市 is hidden from them; candidate1 is
not certified. candidate2 ranked 嬉野市 and 新宮町, not 多久市. A second, published round: only
its participants read their results.
"""

import pytest

from ciodispatch.matchround import services
from ciodispatch.matchround.models import MatchRound
from ciodispatch.policy import Action as A
from tests.matchround.helpers import build_round, second_reviewer
from tests.matrix import OFFICE, PEOPLE

ROWS: list = [
    (A.CONFIGURE_MATCH_ROUND, None, OFFICE),
    (A.VIEW_MATCH_ROUNDS, None, OFFICE),
    (A.RUN_MATCH, "mr_round", OFFICE),
    (A.PUBLISH_MATCH, "mr_round", OFFICE),
    (A.EXPORT_MATCH_RESULT, "mr_round", OFFICE),
    (A.RANK_POSTS, "mr_round", {"candidate2"}),
    (A.VIEW_POST, "mr_post_taku", OFFICE | {"host1", "host1_head"}),
    (A.VIEW_POST, "mr_post_ureshino", OFFICE | {"host2", "candidate2"}),
    (A.RANK_CANDIDATES, "mr_post_taku", {"host1", "host1_head"}),
    (A.RANK_CANDIDATES, "mr_post_ureshino", {"host2"}),
    (A.RANK_CANDIDATES, "mr_post_shingu", {"host_fukuoka"}),
    # A host reads only the files of candidates who ranked its own post.
    (A.VIEW_APPLICANT, "mr_ureshino_app2", OFFICE | {"host2"}),
    (A.VIEW_APPLICANT, "mr_taku_app2", OFFICE),
    # Results: nobody before publication; afterwards only the round's participants.
    (A.VIEW_OWN_MATCH_RESULT, "mr_round", set()),
    (
        A.VIEW_OWN_MATCH_RESULT,
        "mr_published",
        {"candidate2", "host1", "host1_head", "host2", "host_fukuoka"},
    ),
    (A.VIEW_PUBLIC_MATCH_SUMMARY, "mr_round", set()),
    (A.VIEW_PUBLIC_MATCH_SUMMARY, "mr_published", set(PEOPLE)),
]


def build_objects(personas) -> dict:
    """The objects the rows name, built through the services."""
    monkeypatch = pytest.MonkeyPatch()
    try:
        setup = build_round(personas, monkeypatch, reviewer=second_reviewer(personas))
    finally:
        monkeypatch.undo()
    services.save_candidate_ranking(
        setup.round, [setup.ureshino.pk, setup.shingu.pk], actor=personas.candidate2
    )
    published = _published_copy(setup, personas)
    return {
        "mr_round": setup.round,
        "mr_post_taku": setup.taku,
        "mr_post_ureshino": setup.ureshino,
        "mr_post_shingu": setup.shingu,
        "mr_ureshino_app2": (setup.ureshino, setup.app2),
        "mr_taku_app2": (setup.taku, setup.app2),
        "mr_published": published,
    }


def _published_copy(setup, personas) -> MatchRound:
    """Run and publish the round's current rankings, then give the matrix a fresh open round
    object: the policy reads the phase, so the published one is the same row reloaded."""
    match_round = setup.round
    services.advance(match_round, MatchRound.Phase.HOSTS_RANK, actor=personas.office)
    services.save_host_ranking(setup.ureshino, [setup.app2.pk], actor=personas.host2)
    services.advance(match_round, MatchRound.Phase.RUN, actor=personas.office)
    run = services.execute_run(services.start_run(match_round, actor=personas.office).pk)
    match_round.refresh_from_db()
    services.publish(match_round, run, actor=personas.office)
    published = MatchRound.objects.get(pk=match_round.pk)
    # The rows about the open round read the phase it had before publication.
    setup.round.phase = MatchRound.Phase.CANDIDATES_RANK
    return published
