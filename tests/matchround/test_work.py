"""The work a matching round creates (matchround/work.py): each kind's count is what its
linked page shows, for the right people only, due on the phase's last day."""

import pytest
from django.test import Client
from django.utils import timezone

from ciodispatch.core.templatetags.jpdates import wareki
from ciodispatch.core.work import KINDS, Urgency
from ciodispatch.matchround import services
from ciodispatch.matchround.models import MatchRound
from tests.conftest import verified_client
from tests.matchround.helpers import build_round, run_now, to_hosts_phase
from tests.work_lists import listed, task

HOST_POST = r"/matching/host/posts/(\d+)/"
ROUND = r"/matching/office/rounds/(\d+)/"


def today():
    return timezone.localdate()


@pytest.fixture
def setup(personas, monkeypatch):
    return build_round(personas, monkeypatch, extra_candidates=1)


def test_a_certified_candidate_who_has_not_ranked_has_a_ranking_due(setup, personas):
    extra = setup.extras[0]
    until = setup.round.candidates_rank_until
    found = task("matchround.rank_posts", personas.candidate2, today())
    assert (found.count, found.due, found.urgency) == (1, until, Urgency.LATER)
    page = verified_client(Client(), personas.candidate2).get(found.url)
    # The ranking page, open, with the deadline the task gives.
    assert page.status_code == 200 and "ranking.js" in page.content.decode()
    assert wareki(until) in page.content.decode()
    assert task("matchround.rank_posts", extra.user, today()).count == 1
    due = {d.user for d in KINDS["matchround.rank_posts"].due_on(until)}
    assert due == {personas.candidate2, extra.user}

    services.save_candidate_ranking(setup.round, [setup.shingu.pk], actor=personas.candidate2)
    assert task("matchround.rank_posts", personas.candidate2, today()) is None
    assert {d.user for d in KINDS["matchround.rank_posts"].due_on(until)} == {extra.user}
    # Not certified, not a candidate, or past the deadline: nothing due.
    for other in (personas.candidate1, personas.host1, personas.office):
        assert task("matchround.rank_posts", other, today()) is None
    assert task("matchround.rank_posts", extra.user, until + timezone.timedelta(days=1)) is None
    to_hosts_phase(setup, personas)
    assert task("matchround.rank_posts", extra.user, today()) is None


def test_a_host_ranks_the_candidates_who_ranked_its_post(setup, personas):
    extra = setup.extras[0]
    services.save_candidate_ranking(
        setup.round, [setup.shingu.pk, setup.ureshino.pk], actor=personas.candidate2
    )
    services.save_candidate_ranking(setup.round, [setup.ureshino.pk], actor=extra.user)
    # Before the hosts' phase there is nothing to rank.
    assert task("matchround.rank_candidates", personas.host2, today()) is None
    to_hosts_phase(setup, personas)
    until = setup.round.hosts_rank_until

    found = task("matchround.rank_candidates", personas.host2, today())
    assert (found.count, found.due) == (1, until)
    client = verified_client(Client(), personas.host2)
    assert listed(client, found.url, HOST_POST) == [setup.ureshino.pk]
    fukuoka = task("matchround.rank_candidates", personas.host_fukuoka, today())
    client = verified_client(Client(), personas.host_fukuoka)
    assert fukuoka.count == 1 and listed(client, fukuoka.url, HOST_POST) == [setup.shingu.pk]
    # 多久市's post was ranked by nobody: it is listed, but no ranking waits for it.
    client = verified_client(Client(), personas.host1)
    assert task("matchround.rank_candidates", personas.host1, today()) is None
    assert listed(client, "/matching/host/", HOST_POST) == [setup.taku.pk]
    assert listed(client, found.url, HOST_POST) == []
    for other in (personas.pref1, personas.candidate2, personas.office):
        assert task("matchround.rank_candidates", other, today()) is None

    due = {
        d.user.username: d.pending.count for d in KINDS["matchround.rank_candidates"].due_on(until)
    }
    assert due == {"host2": 1, "ureshino-head": 1, "host-fukuoka": 1, "shingu-head": 1}
    services.save_host_ranking(setup.ureshino, [extra.pk], actor=personas.host2)
    assert task("matchround.rank_candidates", personas.host2, today()) is None
    assert task("matchround.rank_candidates", personas.host_fukuoka, today()).count == 1


def test_the_office_reviews_and_publishes_a_finished_run(setup, personas):
    assert task("matchround.publish", personas.office, today()) is None
    services.save_candidate_ranking(setup.round, [setup.shingu.pk], actor=personas.candidate2)
    to_hosts_phase(setup, personas)
    services.save_host_ranking(setup.shingu, [setup.app2.pk], actor=personas.host_fukuoka)
    run_now(setup, personas)
    assert MatchRound.objects.get(pk=setup.round.pk).phase == MatchRound.Phase.REVIEW

    found = task("matchround.publish", personas.office, today())
    assert (found.count, found.due) == (1, setup.round.publish_on)
    late = setup.round.publish_on + timezone.timedelta(days=1)
    assert task("matchround.publish", personas.office, late).urgency is Urgency.OVERDUE
    client = verified_client(Client(), personas.office)
    assert listed(client, found.url, ROUND) == [setup.round.pk]
    assert set(listed(client, "/matching/office/", ROUND)) == {setup.round.pk}
    for other in (personas.host_fukuoka, personas.candidate2, personas.reviewer):
        assert task("matchround.publish", other, today()) is None
