"""The events that tell people: each service notifies after its change, with the page's link."""

import pytest

from ciodispatch.incentives import services as incentives
from ciodispatch.matchround import services as matchround
from ciodispatch.notices.models import Notice
from ciodispatch.requests import services as requests
from tests.dispatches.helpers import dispatch_at
from tests.incentives.helpers import fy, running_claim
from tests.matchround.helpers import build_round, run_now, to_hosts_phase
from tests.progress.helpers import write_plan, write_report
from tests.requests.helpers import complete_readiness_training, taku_request

pytestmark = pytest.mark.django_db


def notices_of(user):
    return list(Notice.objects.filter(recipient=user).values_list("kind", "url"))


def test_a_request_waiting_for_the_head_then_returned_then_approved(personas):
    complete_readiness_training(personas.host1, personas.host1_head)
    request = taku_request(personas)
    requests.submit_request(request, actor=personas.host1)
    assert notices_of(personas.host1_head) == [
        ("requests.awaiting_signature", f"/requests/{request.pk}/commitment/")
    ]
    request.refresh_from_db()
    requests.sign_commitment(
        request, actor=personas.host1_head, text=requests.commitment_text(request)
    )
    requests.decide_request(request, actor=personas.office, decision="return", comment="KPI")
    returned = Notice.objects.get(recipient=personas.host1, kind="requests.returned")
    assert returned.url == f"/requests/{request.pk}/"
    assert returned.text.endswith("was returned with comments: KPI")
    assert not Notice.objects.filter(recipient=personas.host2).exists()  # another town


def test_a_refused_decision_tells_no_one(personas):
    complete_readiness_training(personas.host1, personas.host1_head)
    request = taku_request(personas)
    with pytest.raises(requests.RequestError):
        requests.decide_request(request, actor=personas.office, decision="approve", comment="")
    assert not Notice.objects.filter(kind__startswith="requests.approved").exists()


def test_a_submitted_monthly_report_tells_the_host_liaison(personas, monkeypatch):
    dispatch = dispatch_at(personas, monkeypatch, "active", started_days_ago=40)
    write_plan(dispatch, personas.candidate2)
    report = write_report(dispatch, personas.candidate2)
    liaison = dispatch.request.liaison
    [notice] = Notice.objects.filter(recipient=liaison, kind="progress.report_submitted")
    assert notice.url == f"/progress/reports/{report.pk}/"
    assert f"{report.month:%Y-%m}" in notice.text


def test_an_approved_and_a_returned_claim_tell_the_host(personas, monkeypatch):
    claim = incentives.submit_claim(running_claim(personas, monkeypatch), actor=personas.host1)
    incentives.return_claim(claim, actor=personas.office, reason="領収書が不足")
    returned = Notice.objects.get(kind="incentives.claim_returned")
    assert returned.url == f"/incentives/claims/{claim.pk}/"
    assert "領収書が不足" in returned.text
    claim = incentives.submit_claim(claim, actor=personas.host1)
    incentives.set_budget(fy(), 10_000_000, actor=personas.office_admin)
    incentives.approve_claim(claim, actor=personas.office)
    approved = Notice.objects.get(kind="incentives.claim_approved")
    assert approved.recipient == claim.dispatch.request.liaison
    assert "1,920,000" in approved.text


def test_a_published_match_tells_the_candidates_and_the_hosts(personas, monkeypatch):
    setup = build_round(personas, monkeypatch, extra_candidates=1)
    extra = setup.extras[0]
    matchround.save_candidate_ranking(
        setup.round, [setup.ureshino.pk, setup.shingu.pk], actor=personas.candidate2
    )
    matchround.save_candidate_ranking(setup.round, [setup.ureshino.pk], actor=extra.user)
    to_hosts_phase(setup, personas)
    matchround.save_host_ranking(setup.ureshino, [extra.pk, setup.app2.pk], actor=personas.host2)
    matchround.save_host_ranking(setup.shingu, [setup.app2.pk], actor=personas.host_fukuoka)
    run = run_now(setup, personas)
    assert not Notice.objects.filter(kind="matchround.published").exists()
    matchround.publish(setup.round, run, actor=personas.office)
    told = Notice.objects.filter(kind="matchround.published")
    assert {personas.candidate2, extra.user, personas.host2, personas.host_fukuoka} <= {
        n.recipient for n in told
    }
    assert {n.url for n in told} == {f"/matching/rounds/{setup.round.pk}/my-result/"}
    assert setup.request_round.title in told.first().text
