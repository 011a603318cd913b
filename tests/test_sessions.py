"""Sessions and sign-in: the key changes when the second factor passes, an idle session ends,
and spraying passwords over many user names from one address is stopped."""

import time

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client

from ciodispatch.accounts.sessions import LAST_SEEN
from tests.conftest import PASSWORD, current_token, enrol_totp, verified_client


def _login(client, username, password, address="192.0.2.10"):
    return client.post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address
    )


def _idle(client, minutes):
    session = client.session
    session[LAST_SEEN] = int(time.time()) - minutes * 60
    session.save()


def test_the_session_key_changes_when_the_second_factor_passes(client, personas, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    device = enrol_totp(personas.office)
    assert _login(client, "office", PASSWORD).status_code == 302
    before = client.session.session_key
    response = client.post("/accounts/two-factor/", {"token": current_token(device)})
    assert response.status_code == 302
    after = client.session.session_key
    assert after != before
    assert not SessionStore().exists(before)
    assert client.get("/audit/").status_code == 200  # still signed in and verified


def test_an_office_session_ends_after_30_idle_minutes_and_says_why(client, personas):
    verified_client(client, personas.office)
    assert client.get("/audit/").status_code == 200
    _idle(client, 29)
    assert client.get("/audit/").status_code == 200
    _idle(client, 31)
    response = client.get("/audit/?page=2")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Faudit%2F%3Fpage%3D2"
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"])
    assert "操作のない状態が30分続いたため" in page.content.decode()


def test_other_roles_have_the_longer_idle_timeout(client, personas, settings):
    verified_client(client, personas.host1)
    _idle(client, 31)
    assert client.get("/").status_code == 200 and "_auth_user_id" in client.session
    settings.IDLE_TIMEOUT_MINUTES = 60
    _idle(client, 61)
    client.get("/")
    assert "_auth_user_id" not in client.session


def test_spraying_many_user_names_from_one_address_is_stopped(client, personas, settings):
    settings.SIGN_IN_ADDRESS_FAILURE_LIMIT = 20
    for n in range(20):  # one wrong password each: no single user name is locked
        assert _login(client, f"sprayed-{n}", "not-the-password-1").status_code == 200
    refused = _login(client, "host1", PASSWORD)
    assert refused.status_code == 429
    assert "_auth_user_id" not in client.session
    assert "複数のユーザー名" in refused.content.decode()  # Japanese first
    # Another address is not held back by this one.
    assert _login(Client(), "host1", PASSWORD, address="198.51.100.7").status_code == 302


@pytest.mark.parametrize("failures", [19])
def test_fewer_failures_than_the_limit_still_sign_in(client, personas, settings, failures):
    settings.SIGN_IN_ADDRESS_FAILURE_LIMIT = 20
    for n in range(failures):
        _login(client, f"typo-{n}", "not-the-password-1")
    assert _login(client, "host1", PASSWORD).status_code == 302
