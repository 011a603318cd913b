"""The home page reads the links each app declares in its nav.py, in one order across apps."""

import pytest

from ciodispatch import policy
from ciodispatch.core import home
from tests.conftest import verified_client


def urls(response):
    return [link["url"] for link in response.context["links"]]


def test_the_public_sees_the_open_pages_of_several_apps_in_their_order(client, registry):
    assert urls(client.get("/")) == [
        "/knowhow/cases/",
        "/portal/",
        "/portal/statistics/",
        "/events/",
        "/candidates/register/",
        "/local-governments/",
        "/progress/wins/",
        "/matching/results/",
        "/api/docs",
    ]


def test_a_liaison_sees_their_organisation_first_and_their_own_dispatches(client, personas):
    shown = urls(verified_client(client, personas.host1).get("/"))
    assert shown[0] == f"/accounts/organisations/{personas.host1.organisation.pk}/"
    assert "/dispatches/" in shown and "/progress/mine/" in shown
    assert shown[-2:] == ["/accounts/me/", "/api/docs"]


def test_a_position_is_taken_once():
    with pytest.raises(ValueError):
        home.register(home.HomeLink(10, policy.Action.VIEW_PORTAL, "portal:landing", "", ""))
