"""The work incentive claims give people (incentives/work.py): the office decides the
submitted claims, the host side corrects the returned ones; each count is what its link
lists, for the right people only."""

import re

import pytest

from ciodispatch.core.work import KINDS
from ciodispatch.incentives import services
from tests.conftest import verified_client
from tests.dispatches.helpers import today
from tests.incentives.helpers import running_claim

pytestmark = pytest.mark.django_db


def task(key, user):
    return KINDS[key].task_for(user, today())


def listed(client, user, url) -> set[int]:
    response = verified_client(client, user).get(url)
    assert response.status_code == 200, url
    return {
        int(pk) for pk in re.findall(r'href="/incentives/claims/(\d+)/"', response.content.decode())
    }


def test_the_office_decides_the_submitted_claims(personas, monkeypatch, client):
    claim = running_claim(personas, monkeypatch)
    assert task("incentives.decide", personas.office) is None  # a draft is the host's
    services.submit_claim(claim, actor=personas.host1)
    found = task("incentives.decide", personas.office)
    assert found.count == 1 and found.due is None
    assert listed(client, personas.office, found.url) == {claim.pk}
    page = client.get(found.url).content.decode()
    assert re.search(r'<option value="submitted"[^>]*selected', page)
    for user in (personas.host1, personas.host1_head, personas.reviewer, personas.candidate2):
        assert task("incentives.decide", user) is None
    services.reject_claim(claim, actor=personas.office, reason="対象外の経費のみ")
    assert task("incentives.decide", personas.office) is None


def test_a_returned_claim_waits_for_the_host_side(personas, monkeypatch, client):
    claim = services.submit_claim(running_claim(personas, monkeypatch), actor=personas.host1)
    assert task("incentives.returned", personas.host1) is None
    services.return_claim(claim, actor=personas.office, reason="領収書を添付してください")
    for user in (personas.host1, personas.host1_head):
        found = task("incentives.returned", user)
        assert found.count == 1 and found.url == f"/incentives/claims/{claim.pk}/"
        # One claim: its page, with the office's note.
        assert (
            "領収書を添付してください"
            in verified_client(client, user).get(found.url).content.decode()
        )
        # The dispatch's list, filtered to the returned claims, shows the same one.
        assert listed(client, user, f"/incentives/dispatches/{claim.dispatch_id}/?returned=1") == {
            claim.pk
        }
    for user in (personas.host2, personas.pref1, personas.office, personas.candidate2):
        assert task("incentives.returned", user) is None
    services.submit_claim(claim, actor=personas.host1)
    assert task("incentives.returned", personas.host1) is None
    assert task("incentives.decide", personas.office).count == 1


def test_returned_claims_of_a_dispatch_are_listed_on_its_claims_page(personas, monkeypatch, client):
    from ciodispatch.incentives import programmes
    from ciodispatch.incentives.models import IncentiveProgramme
    from ciodispatch.incentives.services import CostInput
    from tests.incentives.helpers import cost_day, fy, pdf

    first = running_claim(personas, monkeypatch)
    dispatch = first.dispatch
    second = services.start_claim(
        dispatch,
        actor=personas.host1,
        programme=IncentiveProgramme.objects.get(code=programmes.REGIONAL_ADVISER),
        fiscal_year=fy(),
    )
    rows = [CostInput("pay", 1_200_000, cost_day(dispatch), "報酬")]
    second = services.save_costs(second, rows, actor=personas.host1)
    services.add_evidence(second, actor=personas.host1, upload=pdf())
    for claim in (first, second):
        services.submit_claim(claim, actor=personas.host1)
    services.return_claim(first, actor=personas.office, reason="領収書を添付してください")
    services.return_claim(second, actor=personas.office, reason="報酬の期間を確認してください")
    found = task("incentives.returned", personas.host1)
    assert found.count == 2
    assert found.url == f"/incentives/dispatches/{dispatch.pk}/?returned=1"
    assert listed(client, personas.host1, found.url) == {first.pk, second.pk}
    services.submit_claim(first, actor=personas.host1)
    assert listed(client, personas.host1, found.url) == {second.pk}
    assert task("incentives.returned", personas.host1).count == 1
