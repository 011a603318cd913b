"""The work dispatches give people (dispatches/work.py): each kind's count is the number of
dispatches its link lists, for the parties of the dispatch only, with its due date."""

import datetime as dt
import re

import pytest

from ciodispatch.core.work import KINDS, Urgency
from ciodispatch.dispatches import services
from tests.conftest import verified_client
from tests.dispatches.helpers import dispatch_at, today

pytestmark = pytest.mark.django_db

HOST_SCORES = {"leadership": 5, "field": 4, "goals": 4, "transfer": 3}
CIO_SCORES = {"head": 4, "liaison": 4, "data": 4}


def task(key, user):
    return KINDS[key].task_for(user, today())


def listed(client, user, url) -> set[int]:
    """The dispatches the linked list shows to ``user``."""
    response = verified_client(client, user).get(url)
    assert response.status_code == 200, url
    return {int(pk) for pk in re.findall(r'href="/dispatches/(\d+)/"', response.content.decode())}


def assert_listed(client, user, key, expected: set[int]):
    found = task(key, user)
    assert found is not None and found.count == len(expected)
    assert listed(client, user, found.url) == expected
    return found


def test_a_proposal_waits_for_each_side_until_it_answers(personas, monkeypatch, client):
    dispatch = dispatch_at(personas, monkeypatch, "proposed")
    for user in (personas.candidate2, personas.host1, personas.host1_head):
        found = assert_listed(client, user, "dispatches.answer", {dispatch.pk})
        assert found.url == "/dispatches/?waiting=answer" and found.due is None
        assert found.urgency is Urgency.LATER
    for user in (personas.candidate1, personas.host2, personas.pref1, personas.office):
        assert task("dispatches.answer", user) is None
    services.accept(dispatch, actor=personas.candidate2, side="cio")
    assert task("dispatches.answer", personas.candidate2) is None
    assert_listed(client, personas.host1, "dispatches.answer", {dispatch.pk})
    # The filter is kept in the list's form.
    page = client.get("/dispatches/?waiting=answer").content.decode()
    assert '<option value="answer" selected>' in page


def test_the_host_sets_the_appointment_then_the_cio_confirms_it(personas, monkeypatch, client):
    dispatch = dispatch_at(personas, monkeypatch, "accepted")
    assert_listed(client, personas.host1, "dispatches.appointment", {dispatch.pk})
    assert task("dispatches.appointment", personas.candidate2) is None
    assert task("dispatches.appointment", personas.host2) is None
    start = today() + dt.timedelta(days=5)
    services.set_appointment(
        dispatch, actor=personas.host1, start_date=start, end_date=start + dt.timedelta(days=364)
    )
    assert task("dispatches.appointment", personas.host1) is None
    found = assert_listed(client, personas.candidate2, "dispatches.appointment", {dispatch.pk})
    assert found.due == start and found.urgency is Urgency.SOON
    reminded = KINDS["dispatches.appointment"].due_on(start)
    assert [(d.user, d.pending.count) for d in reminded] == [(personas.candidate2, 1)]
    assert KINDS["dispatches.appointment"].due_on(start + dt.timedelta(days=1)) == []
    services.confirm_appointment(dispatch, actor=personas.candidate2)
    assert task("dispatches.appointment", personas.candidate2) is None


def test_the_office_decides_a_requested_extension(personas, monkeypatch, client):
    dispatch = dispatch_at(personas, monkeypatch, "active")
    other = dispatch_at(personas, monkeypatch, "active", fiscal_year=today().year + 1)
    assert task("dispatches.extension", personas.office) is None
    services.request_extension(
        dispatch,
        actor=personas.host1,
        new_end=dispatch.end_date + dt.timedelta(days=180),
        reason="標準化移行が来年度まで続く",
    )
    found = assert_listed(client, personas.office, "dispatches.extension", {dispatch.pk})
    assert found.url == "/dispatches/office/?waiting=extension"
    assert found.due == dispatch.end_date
    assert other.pk not in listed(client, personas.office, found.url)
    for user in (personas.host1, personas.candidate2, personas.reviewer):
        assert task("dispatches.extension", user) is None
    reminded = {d.user for d in KINDS["dispatches.extension"].due_on(dispatch.end_date)}
    assert reminded == {personas.office, personas.office_admin}


def test_each_side_writes_its_evaluation_then_the_office_assesses(personas, monkeypatch, client):
    done = dispatch_at(personas, monkeypatch, "completed")
    # A running dispatch far from its end: no evaluation open yet.
    dispatch_at(personas, monkeypatch, "active", fiscal_year=today().year + 1)
    for user in (personas.candidate2, personas.host1, personas.office):
        found = assert_listed(client, user, "dispatches.evaluation", {done.pk})
        assert found.due == done.term_end and found.urgency is Urgency.OVERDUE
    for user in (personas.host2, personas.candidate1, personas.pref1):
        assert not task("dispatches.evaluation", user)
    services.submit_evaluation(
        done, actor=personas.candidate2, kind="cio_of_host", overall=4, scores=CIO_SCORES,
        went_well="市長の後押し", authority_materialised="yes", counterpart_materialised="yes",
    )  # fmt: skip
    assert task("dispatches.evaluation", personas.candidate2) is None
    assert_listed(client, personas.host1, "dispatches.evaluation", {done.pk})
    services.submit_evaluation(
        done, actor=personas.host1, kind="host_of_cio", overall=4, scores=HOST_SCORES,
        went_well="現場に入った",
    )  # fmt: skip
    assert task("dispatches.evaluation", personas.host1_head) is None
    assert_listed(client, personas.office, "dispatches.evaluation", {done.pk})
    reminded = {d.user for d in KINDS["dispatches.evaluation"].due_on(done.term_end)}
    assert reminded == {personas.office, personas.office_admin}


def test_counting_takes_a_fixed_number_of_queries(
    personas, monkeypatch, django_assert_max_num_queries
):
    for year in range(3):
        dispatch_at(personas, monkeypatch, "completed", fiscal_year=today().year + year)
    with django_assert_max_num_queries(4):
        assert task("dispatches.evaluation", personas.host1).count == 3


def test_a_joint_request_is_answered_by_the_lead_prefecture_not_its_members(
    personas, monkeypatch, client, saga_group
):
    from ciodispatch.requests import services as requests
    from tests.requests.helpers import fill, open_round

    # Only to certify candidate2 (a proposal does not hold the CIO).
    taku = dispatch_at(personas, monkeypatch, "proposed", fiscal_year=today().year + 2)
    services.accept(taku, actor=personas.host1, side="host")
    joint = requests.start_request(
        open_round(fiscal_year=today().year + 3), actor=personas.pref1, group=saga_group
    )
    joint = fill(joint, personas.pref1, liaison=personas.host2, counterpart=personas.pref1)
    dispatch = services.propose(request=joint, application=taku.application, actor=None)
    assert_listed(client, personas.pref1, "dispatches.answer", {dispatch.pk})
    # The members read the joint dispatch but the lead answers for it.
    assert task("dispatches.answer", personas.host2) is None
    assert task("dispatches.answer", personas.host1) is None  # answered 多久市's own already
    assert task("dispatches.answer", personas.pref_fukuoka) is None
    assert_listed(client, personas.candidate2, "dispatches.answer", {taku.pk, dispatch.pk})
