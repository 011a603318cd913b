"""The work the know-how base gives people (knowhow/work.py): the office reviews the cases in
review; the authors change a returned case. Each count is what the workspace lists with the
link's ?show=, for the right people only."""

import re

import pytest

from ciodispatch.core.work import KINDS
from ciodispatch.knowhow import services
from tests.conftest import verified_client
from tests.dispatches.helpers import today
from tests.knowhow.helpers import draft

pytestmark = pytest.mark.django_db


def task(key, user):
    return KINDS[key].task_for(user, today())


def listed(client, user, url) -> set[int]:
    response = verified_client(client, user).get(url)
    assert response.status_code == 200, url
    html = response.content.decode()
    return {int(pk) for pk in re.findall(r'href="/knowhow/workspace/(\d+)/"', html)}


def test_the_office_reviews_cases_and_authors_change_returned_ones(personas, client):
    case = draft(personas.host1, codes=("412040",))
    other = draft(personas.host2, title="窓口DX", codes=("412091",))
    services.submit_case(other, actor=personas.host2)
    assert task("knowhow.review", personas.office).count == 1
    services.submit_case(case, actor=personas.host1)
    found = task("knowhow.review", personas.office)
    assert found.count == 2 and found.due is None
    assert listed(client, personas.office, found.url) == {case.pk, other.pk}
    for user in (personas.host1, personas.reviewer, personas.candidate1, personas.pref1):
        assert task("knowhow.review", user) is None

    assert task("knowhow.returned", personas.host1) is None
    services.return_case(case, actor=personas.office, reason="成果の数値を加えてください")
    assert task("knowhow.review", personas.office).count == 1
    for user in (personas.host1, personas.host1_head):
        found = task("knowhow.returned", user)
        assert found.count == 1 and found.url == "/knowhow/workspace/?show=returned"
        assert listed(client, user, found.url) == {case.pk}
    for user in (personas.host2, personas.office, personas.pref1):
        assert task("knowhow.returned", user) is None
    # A draft never sent is not waiting for anyone but its authors' own time.
    draft(personas.host1, title="未提出の事例", codes=("412040",))
    assert task("knowhow.returned", personas.host1).count == 1
    services.submit_case(case, actor=personas.host1)
    assert task("knowhow.returned", personas.host1) is None
