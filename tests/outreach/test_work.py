"""The work direct support gives people (outreach/work.py): the office decides requests and
reviews offers, a provider gives the support approved and records it, a provider corrects a
returned offer. Each count is what its link's ?show= lists, for the right people only."""

import datetime as dt
import re

import pytest

from ciodispatch.core.work import KINDS
from ciodispatch.outreach import services
from tests.conftest import lg, verified_client
from tests.dispatches.helpers import today
from tests.outreach.helpers import offer_fields, published_offer, support_request

pytestmark = pytest.mark.django_db


def task(key, user):
    return KINDS[key].task_for(user, today())


def listed(client, user, url, what) -> set[int]:
    response = verified_client(client, user).get(url)
    assert response.status_code == 200, url
    found = re.findall(rf'href="/support/{what}/(\d+)/"', response.content.decode())
    return {int(pk) for pk in found}


def test_the_office_decides_requests_and_the_provider_gives_the_support(personas, client):
    offer = published_offer(personas.pref1, personas.office)
    first = support_request(personas.host1, offer)
    second = support_request(personas.host2, offer)
    found = task("outreach.decide", personas.office)
    assert found.count == 2 and found.url == "/support/office/?show=requests"
    assert listed(client, personas.office, found.url, "requests") == {first.pk, second.pk}
    for user in (personas.host1, personas.pref1, personas.reviewer):
        assert task("outreach.decide", user) is None

    assert task("outreach.visit", personas.pref1) is None
    services.approve_support_request(first, actor=personas.office)
    assert task("outreach.decide", personas.office).count == 1
    found = task("outreach.visit", personas.pref1)
    assert found.count == 1 and found.url == "/support/?show=visits"
    assert listed(client, personas.pref1, found.url, "requests") == {first.pk}
    # The requester and others have nothing to give.
    for user in (personas.host1, personas.host2, personas.office, personas.pref_fukuoka):
        assert task("outreach.visit", user) is None
    services.record_visit(
        first,
        actor=personas.pref1,
        held_on=today() - dt.timedelta(days=1),
        participants=5,
        report="救急搬送の現場運用を紹介し、受入れ照会の手順を一緒に見直した。",
    )
    assert task("outreach.visit", personas.pref1) is None


def test_the_office_reviews_offers_and_the_provider_corrects_a_returned_one(personas, client):
    offer = services.create_offer(lg("410004"), actor=personas.pref1, **offer_fields())
    assert task("outreach.review", personas.office) is None  # a draft is the provider's
    services.submit_offer(offer, actor=personas.pref1)
    published_offer(personas.host2, personas.office, title="窓口DXの講義")
    found = task("outreach.review", personas.office)
    assert found.count == 1 and found.url == "/support/office/?show=offers"
    assert listed(client, personas.office, found.url, "offers") == {offer.pk}
    for user in (personas.pref1, personas.host1):
        assert task("outreach.review", user) is None

    services.return_offer(offer, actor=personas.office, comment="受入れ人数を明記してください")
    assert task("outreach.review", personas.office) is None
    found = task("outreach.offer_returned", personas.pref1)
    assert found.count == 1 and found.url == "/support/?show=returned"
    assert listed(client, personas.pref1, found.url, "offers") == {offer.pk}
    for user in (personas.host1, personas.host2, personas.office, personas.pref_fukuoka):
        assert task("outreach.offer_returned", user) is None
