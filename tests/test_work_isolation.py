"""Everyone's work queue over one programme with work for many people: each task's link opens
for the person it is shown to and lists at least what it counts, ``GET /api/me/tasks`` says
exactly what the home page says, and nobody is shown work of an organisation they do not
belong to (each kind's own test checks its items; this one checks the people)."""

import re

import pytest

from ciodispatch.core import work
from ciodispatch.incentives import services as incentives
from tests.candidates.helpers import new_candidate, submitted_application
from tests.conftest import verified_client
from tests.dispatches.helpers import today
from tests.incentives.helpers import running_claim

# Who may be shown work of which area: the office sees the programme, hosts their own.
HOST_PEOPLE = {"host1", "host1_head", "host2", "host_fukuoka", "pref1", "pref_fukuoka"}


@pytest.fixture
def programme(personas, monkeypatch):
    """多久市's running dispatch (candidate2) with a submitted claim, and an application in
    screening."""
    claim = running_claim(personas, monkeypatch)
    incentives.submit_claim(claim, actor=personas.host1)
    submitted_application(new_candidate("applicant1"))
    return claim


def test_every_task_opens_for_its_person_and_the_api_says_the_same(client, personas, programme):
    shown: dict[str, list[work.Task]] = {}
    for name, user in personas.all().items():
        client.logout()
        verified_client(client, user)
        tasks = work.tasks_for(user, today())
        shown[name] = tasks
        assert client.get("/api/me/tasks").json() == [t.as_json() for t in tasks], name
        home = client.get("/").content.decode()
        for task in tasks:
            assert f'href="{task.url}"' in home.replace("&amp;", "&"), (name, task.kind)
            response = client.get(task.url)
            assert response.status_code == 200, (name, task.kind, task.url)
    # There is work to show (the test would pass vacuously otherwise).
    assert {"incentives.decide", "candidates.assign"} <= {t.kind for t in shown["office"]}
    assert any(t.kind.startswith("progress.") for t in shown["candidate2"])
    # Another government's people are shown none of 多久市's work, nor the office's.
    office_kinds = {t.kind for t in shown["office"]}
    for name in ("host2", "host_fukuoka", "pref_fukuoka", "candidate1"):
        assert not office_kinds & {t.kind for t in shown[name]}, name
        assert not any(t.kind.startswith(("incentives.", "progress.")) for t in shown[name])


def test_a_task_link_names_no_other_organisation(client, personas, programme):
    """The links carry filters, never another organisation's id to be trusted."""
    for user in (personas.host2, personas.host_fukuoka):
        for task in work.tasks_for(user, today()):
            assert not re.search(r"[?&](host|organisation|user)=", task.url), task.url
