"""Role × organisation × object × action: who may do what. Extend it with every feature.

Each row names exactly who is allowed; everyone else must be refused. Removing a rule from an
app's rules.py (or widening one) makes this test fail.
"""

import pytest
from django.contrib.auth.models import AnonymousUser

from ciodispatch import policy
from ciodispatch.accounts.models import Organisation
from ciodispatch.localgov.services import create_group
from tests.conftest import lg
from tests.matrix import OFFICE, PEOPLE, SIGNED_IN
from tests.matrix import candidates as candidates_matrix
from tests.matrix import dispatches as dispatches_matrix
from tests.matrix import incentives as incentives_matrix
from tests.matrix import knowhow as knowhow_matrix
from tests.matrix import matchround as matchround_matrix
from tests.matrix import notices as notices_matrix
from tests.matrix import outreach as outreach_matrix
from tests.matrix import progress as progress_matrix
from tests.matrix import readiness as readiness_matrix
from tests.matrix import requests as requests_matrix
from tests.matrix import training as training_matrix

A = policy.Action

HOSTS = {"host1", "host1_head", "host2", "host_fukuoka"}
COORDINATORS = {"pref1", "pref_fukuoka"}

# (action, object key, who may) — object keys are built in the ``objects`` fixture.
MATRIX = [
    (A.VIEW_LOCAL_GOVERNMENTS, None, set(PEOPLE)),
    (A.IMPORT_LOCAL_GOVERNMENTS, None, OFFICE),
    (A.VIEW_REGISTRY_IMPORTS, None, OFFICE),
    (A.LIST_GROUPS, None, OFFICE | HOSTS | COORDINATORS),
    (A.VIEW_GROUP, "saga_group", OFFICE | {"pref1", "host1", "host1_head", "host2"}),
    (A.VIEW_GROUP, "fukuoka_group", OFFICE | {"pref_fukuoka", "host_fukuoka"}),
    (A.CREATE_GROUP, "lg_saga", OFFICE | {"pref1"}),
    (A.CREATE_GROUP, "lg_fukuoka", OFFICE | {"pref_fukuoka"}),
    (A.CREATE_GROUP, "lg_taku", OFFICE),
    (A.ADD_GROUP_MEMBER, "lg_taku", OFFICE | {"pref1"}),
    (A.ADD_GROUP_MEMBER, "lg_shingu", OFFICE | {"pref_fukuoka"}),
    (A.VIEW_OWN_ACCOUNT, None, SIGNED_IN),
    (A.VIEW_ORGANISATION, "org_taku", OFFICE | {"host1", "host1_head", "pref1"}),
    (A.VIEW_ORGANISATION, "org_ureshino", OFFICE | {"host2", "pref1"}),
    (A.VIEW_ORGANISATION, "org_office", OFFICE | {"reviewer"}),
    (A.VIEW_ORGANISATION, "org_saga", OFFICE | {"pref1"}),
    (A.VIEW_ORGANISATION, "org_shingu", OFFICE | {"host_fukuoka", "pref_fukuoka"}),
    (A.CHANGE_ORGANISATION, "org_taku", {"office_admin", "host1", "host1_head"}),
    (A.CHANGE_ORGANISATION, "org_ureshino", {"office_admin", "host2"}),
    (A.CHANGE_ORGANISATION, "org_office", {"office_admin"}),
    (A.CHANGE_ORGANISATION, "org_saga", {"office_admin", "pref1"}),
    (A.CHANGE_ORGANISATION, "org_shingu", {"office_admin", "host_fukuoka"}),
    (A.VIEW_AUDIT_LOG, None, OFFICE),
    *requests_matrix.ROWS,
    *training_matrix.ROWS,
    *candidates_matrix.ROWS,
    *readiness_matrix.ROWS,
    *knowhow_matrix.ROWS,
    *outreach_matrix.ROWS,
    *matchround_matrix.ROWS,
    *dispatches_matrix.ROWS,
    *incentives_matrix.ROWS,
    *progress_matrix.ROWS,
    *notices_matrix.ROWS,
]


@pytest.fixture
def people(personas):
    found = personas.all()
    found["anonymous"] = AnonymousUser()
    return found


@pytest.fixture
def objects(personas, saga_group):
    fukuoka_group = create_group(
        name="福岡県 糟屋DX連携",
        lead=lg("400009"),
        members=[lg("403458"), lg("402231")],
        actor=personas.pref_fukuoka,
    )

    def org(code):
        return Organisation.objects.get(local_government__code=code)

    return {
        None: None,
        "saga_group": saga_group,
        "fukuoka_group": fukuoka_group,
        "lg_saga": lg("410004"),
        "lg_fukuoka": lg("400009"),
        "lg_taku": lg("412040"),
        "lg_shingu": lg("403458"),
        "org_taku": org("412040"),
        "org_ureshino": org("412091"),
        "org_saga": org("410004"),
        "org_shingu": org("403458"),
        "org_office": Organisation.objects.get(kind=Organisation.Kind.PROGRAMME_OFFICE),
        **requests_matrix.build_objects(personas),
        **training_matrix.build_objects(personas),
        **candidates_matrix.build_objects(personas),
        **readiness_matrix.build_objects(personas),
        **knowhow_matrix.build_objects(personas),
        **outreach_matrix.build_objects(personas),
        **matchround_matrix.build_objects(personas),
        **dispatches_matrix.build_objects(personas, saga_group),
        # Progress first: its rows need candidate2 as the CIO of a running dispatch, and a
        # CIO holds one post at a time (the incentives rows get a CIO of their own).
        **progress_matrix.build_objects(personas, saga_group),
        **incentives_matrix.build_objects(personas, saga_group),
        **notices_matrix.build_objects(personas),
    }


def test_every_cell_of_the_matrix(people, objects):
    wrong = []
    for action, key, allowed in MATRIX:
        for name in PEOPLE:
            expected = name in allowed
            if policy.can(people[name], action, objects[key]) != expected:
                wrong.append(f"{name} {'should' if expected else 'should not'} {action} {key}")
    assert not wrong, "\n".join(wrong)


def test_the_matrix_covers_every_action():
    assert {action for action, _key, _allowed in MATRIX} == set(A)


# Each app's rows live in its own module: every action of the app has a row there.
APP_ROWS = {
    "requests": requests_matrix.ROWS,
    "training": training_matrix.ROWS,
    "candidates": candidates_matrix.ROWS,
    "readiness": readiness_matrix.ROWS,
    "knowhow": knowhow_matrix.ROWS,
    "outreach": outreach_matrix.ROWS,
    "matchround": matchround_matrix.ROWS,
    "dispatches": dispatches_matrix.ROWS,
    "incentives": incentives_matrix.ROWS,
    "progress": progress_matrix.ROWS,
    "notices": notices_matrix.ROWS,
}


@pytest.mark.parametrize("app", sorted(APP_ROWS))
def test_each_apps_module_has_a_row_for_every_action_of_the_app(app):
    ours = {action for action in A if action.value.startswith(f"{app}.")}
    assert ours and ours <= {action for action, _key, _allowed in APP_ROWS[app]}


def test_every_action_has_a_rule():
    assert set(policy.RULES) == set(A)


def test_an_unknown_action_is_refused(people):
    assert not policy.can(people["office_admin"], "something.new")


def test_an_inactive_user_is_refused_everything(people):
    office = people["office"]
    office.is_active = False
    assert not any(policy.can(office, action) for action in A)


# The same rules over HTTP: pages answer 200 to those allowed, 403 to other signed-in users who
# may know the object exists, 404 to those who may not (as for a missing one).
SEEN_WITH = {"org_taku": A.VIEW_ORGANISATION, "saga_group": A.VIEW_GROUP}


def _pages(objects):
    taku, group = objects["org_taku"], objects["saga_group"]
    return [
        ("get", f"/accounts/organisations/{taku.pk}/", A.VIEW_ORGANISATION, "org_taku"),
        ("get", f"/accounts/organisations/{taku.pk}/edit/", A.CHANGE_ORGANISATION, "org_taku"),
        ("get", f"/local-governments/groups/{group.pk}/", A.VIEW_GROUP, "saga_group"),
        ("get", "/local-governments/imports/", A.VIEW_REGISTRY_IMPORTS, None),
        ("get", "/audit/", A.VIEW_AUDIT_LOG, None),
        ("get", "/notices/", A.VIEW_NOTICES, None),
        ("get", "/notices/preferences/", A.SET_NOTICE_PREFERENCES, None),
    ]


@pytest.mark.parametrize("name", sorted(SIGNED_IN))
def test_pages_follow_the_policy(client, people, objects, name):
    from tests.conftest import verified_client

    verified_client(client, people[name])
    allowed = {(action, key): who for action, key, who in MATRIX}
    for method, url, action, key in _pages(objects):
        response = getattr(client, method)(url)
        if name in allowed[(action, key)]:
            expected = 200
        elif key is not None and name not in allowed[(SEEN_WITH[key], key)]:
            expected = 404
        else:
            expected = 403
        assert response.status_code == expected, f"{name} {method} {url}"


def test_another_host_cannot_change_an_organisation_over_http(client, people, objects):
    from tests.conftest import verified_client

    taku = objects["org_taku"]
    verified_client(client, people["host2"])
    response = client.post(
        f"/accounts/organisations/{taku.pk}/edit/", {"contact_department": "乗っ取り"}
    )
    assert response.status_code == 404  # 嬉野市 may not even know 多久市's organisation page
    taku.refresh_from_db()
    assert taku.contact_department == ""


def test_anonymous_visitors_are_sent_to_sign_in(client, objects):
    response = client.get(f"/accounts/organisations/{objects['org_taku'].pk}/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
