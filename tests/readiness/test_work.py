"""The work readiness creates (readiness/work.py): a coordinator chases the members of its
groups that have not assessed themselves; the count is what the linked list shows."""

from django.utils import timezone

from ciodispatch.localgov.services import create_group
from ciodispatch.readiness import services
from tests.conftest import lg, verified_client
from tests.readiness.helpers import submitted_assessment
from tests.work_lists import listed, task

GOVERNMENT = r"/readiness/local-governments/([0-9]{6})/"


def test_a_coordinator_chases_its_group_members_without_a_self_assessment(
    client, personas, saga_group
):
    today = timezone.localdate()
    # 多久市 has submitted; 嬉野市 has only a draft (in progress is not done).
    submitted_assessment(personas.host1)
    services.start_assessment(lg("412091"), actor=personas.host2)
    create_group(
        name="福岡県 粕屋DX", lead=lg("400009"), members=[lg("403458"), lg("403415")],
        actor=personas.pref_fukuoka,
    )  # fmt: skip

    found = task("readiness.members", personas.pref1, today)
    assert found.count == 1 and found.due is None
    verified_client(client, personas.pref1)
    assert listed(client, found.url, GOVERNMENT, cast=str) == ["412091"]
    # Without the filters the coordinator's list has every government of the prefecture.
    assert len(listed(client, "/readiness/local-governments/", GOVERNMENT, cast=str)) > 1

    fukuoka = task("readiness.members", personas.pref_fukuoka, today)
    verified_client(client, personas.pref_fukuoka)
    assert fukuoka.count == 2
    assert sorted(listed(client, fukuoka.url, GOVERNMENT, cast=str)) == ["403415", "403458"]

    submitted_assessment(personas.host2)
    assert task("readiness.members", personas.pref1, today) is None
    for other in (personas.host1, personas.host1_head, personas.office, personas.candidate1):
        assert task("readiness.members", other, today) is None
