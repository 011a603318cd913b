"""The work dispatch requests create (requests/work.py): each kind's count is what its
linked list shows, for the right people only."""

import datetime as dt

from django.utils import timezone

from ciodispatch.core.work import Urgency
from ciodispatch.requests import services
from ciodispatch.requests.models import DispatchRequest
from tests.conftest import lg, verified_client
from tests.matchround.helpers import head_of
from tests.requests.helpers import complete_readiness_training, fill, open_round, taku_request
from tests.work_lists import listed, task

S = DispatchRequest.State
DETAIL = r"/requests/(\d+)/"


def today():
    return timezone.localdate()


def submitted_taku(personas, request_round):
    request = taku_request(personas, request_round)
    services.submit_request(request, actor=personas.host1)
    request.refresh_from_db()
    return request


def submitted_joint(personas, group, request_round):
    # A government takes part in one request a round: the joint one is next year's.
    request_round = open_round(fiscal_year=request_round.fiscal_year + 1)
    joint = services.start_request(request_round, actor=personas.pref1, group=group)
    joint = fill(joint, personas.pref1, liaison=personas.host1, counterpart=personas.host2)
    services.submit_request(joint, actor=personas.pref1)
    joint.refresh_from_db()
    return joint


def test_a_head_signs_their_own_request_and_confirms_the_joint_ones(client, personas, saga_group):
    request_round = open_round()
    taku = submitted_taku(personas, request_round)
    joint = submitted_joint(personas, saga_group, request_round)
    # A draft of another government is nobody's signature yet.
    services.start_request(request_round, actor=personas.host_fukuoka, host=lg("403458"))
    ureshino_head = head_of("412091", "ureshino-head")

    found = task("requests.sign", personas.host1_head, today())
    assert found.count == 2 and found.due is None and found.urgency is Urgency.LATER
    client.force_login(personas.host1_head)
    assert sorted(listed(client, found.url, DETAIL)) == sorted([taku.pk, joint.pk])

    mine = task("requests.sign", ureshino_head, today())
    client.force_login(ureshino_head)
    assert mine.count == 1 and listed(client, mine.url, DETAIL) == [joint.pk]

    services.confirm_membership(joint, lg("412040"), actor=personas.host1_head)
    found = task("requests.sign", personas.host1_head, today())
    client.force_login(personas.host1_head)
    assert found.count == 1 and listed(client, found.url, DETAIL) == [taku.pk]
    # The liaison, the coordinator and the office sign nothing.
    for other in (personas.host1, personas.host2, personas.pref1, personas.office):
        assert task("requests.sign", other, today()) is None

    # The lead prefecture's coordinator follows the joint request until every member confirms.
    follow = task("requests.confirmations", personas.pref1, today())
    client.force_login(personas.pref1)
    assert follow.count == 1 and listed(client, follow.url, DETAIL) == [joint.pk]
    for other in (personas.pref_fukuoka, personas.host1, personas.host1_head, personas.office):
        assert task("requests.confirmations", other, today()) is None
    services.confirm_membership(joint, lg("412091"), actor=ureshino_head)
    assert DispatchRequest.objects.get(pk=joint.pk).state != S.SUBMITTED
    assert task("requests.confirmations", personas.pref1, today()) is None
    assert task("requests.sign", ureshino_head, today()) is None


def test_the_office_decides_the_eligible_requests_of_the_round(client, personas):
    request_round = open_round()
    complete_readiness_training(personas.host1, personas.host1_head)
    taku = submitted_taku(personas, request_round)
    services.sign_commitment(taku, actor=personas.host1_head, text=services.commitment_text(taku))
    # 伊万里市's CIO liaison and counterpart have no readiness training: not eligible, it waits
    # for its host, not for the office.
    imari_head = head_of("412091", "imari-head")
    imari = services.start_request(request_round, actor=personas.host2, host=lg("412091"))
    imari = fill(imari, personas.host2, liaison=personas.host2, counterpart=imari_head)
    services.submit_request(imari, actor=personas.host2)
    imari.refresh_from_db()
    services.sign_commitment(imari, actor=imari_head, text=services.commitment_text(imari))
    # A request of another round is not this round's work.
    older = open_round(
        fiscal_year=today().year - 1,
        requests_open=today() - dt.timedelta(days=400),
        requests_close=today() - dt.timedelta(days=300),
        dispatch_start=today() - dt.timedelta(days=200),
    )
    assert services.current_round(today()) == request_round != older
    assert DispatchRequest.objects.get(pk=taku.pk).state == S.ELIGIBLE
    assert DispatchRequest.objects.get(pk=imari.pk).state == S.NOT_ELIGIBLE

    found = task("requests.decide", personas.office, today())
    assert found.count == 1 and found.due is None
    assert listed(verified_client(client, personas.office), found.url, DETAIL) == [taku.pk]

    services.decide_request(taku, actor=personas.office, decision="approve", comment="")
    assert task("requests.decide", personas.office, today()) is None
    for other in (personas.host1, personas.host1_head, personas.pref1, personas.reviewer):
        assert task("requests.decide", other, today()) is None


def test_a_returned_request_waits_for_whoever_edits_it(client, personas, saga_group):
    request_round = open_round()
    taku = submitted_taku(personas, request_round)
    joint = submitted_joint(personas, saga_group, request_round)
    for request in (taku, joint):
        services.decide_request(request, actor=personas.office, decision="return", comment="KPI")

    found = task("requests.correct", personas.host1, today())
    client.force_login(personas.host1)
    # 多久市's liaison sees the joint request too, but the lead prefecture corrects it.
    assert found.count == 1 and listed(client, found.url, DETAIL) == [taku.pk]
    assert sorted(listed(client, "/requests/", DETAIL)) == sorted([taku.pk, joint.pk])

    coordinator = task("requests.correct", personas.pref1, today())
    client.force_login(personas.pref1)
    assert coordinator.count == 1 and listed(client, coordinator.url, DETAIL) == [joint.pk]

    # The head signs and does not edit; others' requests are not theirs to correct.
    assert task("requests.correct", personas.host1_head, today()) is None
    for other in (personas.host2, personas.pref_fukuoka, personas.host_fukuoka, personas.office):
        assert task("requests.correct", other, today()) is None

    taku.refresh_from_db()
    services.submit_request(taku, actor=personas.host1)
    assert task("requests.correct", personas.host1, today()) is None
    assert task("requests.sign", personas.host1_head, today()).count == 1
