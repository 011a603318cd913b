import pytest
from django.core.exceptions import PermissionDenied

from ciodispatch.audit.models import AuditEvent
from ciodispatch.localgov.services import GroupError, create_group
from tests.conftest import lg


def test_coordinator_creates_a_group_of_own_municipalities(personas):
    group = create_group(
        name="佐賀県 西部DX共同推進",
        lead=lg("410004"),
        members=[lg("412040"), lg("412091"), lg("414018")],
        actor=personas.pref1,
    )
    assert sorted(m.code for m in group.members.all()) == ["412040", "412091", "414018"]
    event = AuditEvent.objects.get(action="localgov.group_created", object_id=str(group.pk))
    assert event.actor == personas.pref1 and event.changes["lead"] == "410004"


@pytest.mark.parametrize(
    ("lead", "members", "fragment"),
    [
        ("410004", ["412040", "412040", "412091"], "once"),
        ("410004", ["412040"], "at least two"),
        ("410004", ["410004", "412040"], "prefecture"),
        ("410004", ["412040", "403458"], "outside"),
        ("412040", ["412091", "414018"], "must also be one of its members"),
    ],
)
def test_bad_groups_are_refused_with_a_reason(personas, lead, members, fragment):
    with pytest.raises(GroupError, match=fragment):
        create_group(
            name="テスト", lead=lg(lead), members=[lg(c) for c in members], actor=personas.office
        )
    assert not AuditEvent.objects.filter(action="localgov.group_created").exists()


def test_names_are_unique(personas, saga_group):
    with pytest.raises(GroupError, match="already exists"):
        create_group(
            name=saga_group.name,
            lead=lg("410004"),
            members=[lg("412040"), lg("414018")],
            actor=personas.pref1,
        )


@pytest.mark.parametrize(
    ("who", "lead", "members"),
    [
        ("pref1", "400009", ["403458", "402231"]),  # a coordinator, another prefecture
        ("host1", "412040", ["412040", "412091"]),  # a host
        ("candidate1", "412040", ["412040", "412091"]),
    ],
)
def test_only_the_office_and_own_coordinators_create_groups(personas, who, lead, members):
    with pytest.raises(PermissionDenied):
        create_group(
            name="越境",
            lead=lg(lead),
            members=[lg(c) for c in members],
            actor=getattr(personas, who),
        )


def test_coordinator_creates_a_group_in_the_browser_form(client, personas):
    client.force_login(personas.pref1)
    page = client.get("/local-governments/groups/new/")
    assert page.status_code == 200 and "多久市" in page.content.decode()
    refused = client.post(
        "/local-governments/groups/new/", {"name": "佐賀 東部", "members": [lg("412040").pk]}
    )
    assert refused.status_code == 200 and b"error-summary" in refused.content
    created = client.post(
        "/local-governments/groups/new/",
        {"name": "佐賀 東部", "members": [lg("412040").pk, lg("412091").pk]},
    )
    assert created.status_code == 302
    listing = client.get("/local-governments/groups/").content.decode()
    assert "佐賀 東部" in listing


def test_group_members_see_the_group_others_do_not(client, personas, saga_group):
    client.force_login(personas.host2)
    assert saga_group.name in client.get("/local-governments/groups/").content.decode()
    client.force_login(personas.host_fukuoka)
    assert saga_group.name not in client.get("/local-governments/groups/").content.decode()
    assert client.get(f"/local-governments/groups/{saga_group.pk}/").status_code == 404
