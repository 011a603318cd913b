"""Rate limits on the anonymous forms (per client address and per e-mail address), kept in the
database so every process shares them, and one mail per address and kind per interval."""

import datetime as dt
from unittest import mock

import pytest
from django.core.management import call_command
from django.test import RequestFactory
from django.utils import timezone

from ciodispatch.core.mail import mail_once_after_commit
from ciodispatch.core.models import RateLimitWindow
from ciodispatch.core.ratelimit import client_address, consume
from ciodispatch.outreach.models import PendingRegistration
from tests.outreach.helpers import event

HOUR = dt.timedelta(hours=1)


def _register(client, talk, email, address):
    return client.post(
        f"/events/{talk.pk}/register/",
        {"name": "青木 美咲", "email": email, "consent": "on"},
        REMOTE_ADDR=address,
    )


@pytest.mark.django_db
def test_a_window_allows_the_limit_then_refuses_until_it_ends():
    start = timezone.now()
    with mock.patch("django.utils.timezone.now", return_value=start):
        assert [consume("form:client", "192.0.2.1", limit=3, window=HOUR) for _ in range(3)] == [
            None
        ] * 3
        assert consume("form:client", "192.0.2.1", limit=3, window=HOUR) == start + HOUR
        assert consume("form:client", "192.0.2.2", limit=3, window=HOUR) is None  # another key
        assert consume("other:client", "192.0.2.1", limit=3, window=HOUR) is None  # another form
    with mock.patch("django.utils.timezone.now", return_value=start + HOUR):
        assert consume("form:client", "192.0.2.1", limit=3, window=HOUR) is None
    # The table keeps a keyed hash, never the address itself.
    assert not RateLimitWindow.objects.filter(key__contains="192.0.2").exists()


def test_many_posts_from_one_client_address_are_refused_after_the_limit(client, personas, settings):
    settings.ANONYMOUS_POSTS_PER_CLIENT = 20
    talk = event(personas.office, capacity=95)
    for n in range(20):
        assert _register(client, talk, f"bot{n}@example.jp", "192.0.2.66").status_code == 302
    refused = _register(client, talk, "bot20@example.jp", "192.0.2.66")
    page = refused.content.decode()
    assert refused.status_code == 429 and 'id="retry-after"' in page
    assert 3500 <= int(refused["Retry-After"]) <= 3600
    assert "<main" in page  # the site's layout, not a bare error
    assert PendingRegistration.objects.count() == 20  # the refused post wrote nothing
    # Another client is not held up; nor is the same client on a signed-in account.
    assert _register(client, talk, "someone@example.jp", "192.0.2.67").status_code == 302
    client.force_login(personas.host1)
    assert client.post(f"/events/{talk.pk}/register/", REMOTE_ADDR="192.0.2.66").status_code == 302


def test_a_forged_forwarded_for_header_does_not_reset_the_count(client, personas, settings):
    settings.ANONYMOUS_POSTS_PER_CLIENT = 2
    talk = event(personas.office)
    for n in range(3):
        response = client.post(
            f"/events/{talk.pk}/register/",
            {"name": "x", "email": f"b{n}@example.jp", "consent": "on"},
            REMOTE_ADDR="192.0.2.9",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}",
        )
    assert response.status_code == 429


def test_posts_with_one_email_address_are_refused_after_the_limit(client, personas, settings):
    settings.ANONYMOUS_POSTS_PER_EMAIL = 5
    talk = event(personas.office)
    codes = [
        _register(client, talk, "Victim@example.jp ", f"198.51.100.{n}").status_code
        for n in range(6)
    ]
    assert codes == [302] * 5 + [429]
    assert _register(client, talk, "other@example.jp", "198.51.100.99").status_code == 302


def test_candidate_sign_up_is_limited_per_client_address(client, db, settings):
    settings.ANONYMOUS_POSTS_PER_CLIENT = 2
    data = {"username": "", "email": "c@example.jp"}  # invalid: attempts count all the same
    codes = [
        client.post("/candidates/register/", data, REMOTE_ADDR="192.0.2.5").status_code
        for _ in range(3)
    ]
    assert codes == [200, 200, 429]


def test_ipv6_clients_count_by_their_64_block():
    factory = RequestFactory()
    one = factory.post("/", REMOTE_ADDR="2001:db8:1:2::1")
    same_block = factory.post("/", REMOTE_ADDR="2001:db8:1:2:ffff::9")
    other = factory.post("/", REMOTE_ADDR="2001:db8:1:3::1")
    mapped = factory.post("/", REMOTE_ADDR="::ffff:192.0.2.1")
    assert client_address(one) == client_address(same_block) == "2001:db8:1:2::/64"
    assert client_address(other) != client_address(one)
    assert client_address(mapped) == "192.0.2.1"


@pytest.mark.django_db
def test_one_mail_per_address_and_kind_per_interval(
    mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.MAIL_REPEAT_MINUTES = 60
    start = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        with mock.patch("django.utils.timezone.now", return_value=start):
            sent = [
                mail_once_after_commit("A@example.jp", kind="k", subject="s", body="b"),
                mail_once_after_commit("a@example.jp", kind="k", subject="s", body="b"),
                mail_once_after_commit("a@example.jp", kind="other", subject="s", body="b"),
            ]
        with mock.patch("django.utils.timezone.now", return_value=start + dt.timedelta(minutes=59)):
            sent.append(mail_once_after_commit("a@example.jp", kind="k", subject="s", body="b"))
        with mock.patch("django.utils.timezone.now", return_value=start + dt.timedelta(minutes=60)):
            sent.append(mail_once_after_commit("a@example.jp", kind="k", subject="s", body="b"))
    assert sent == [True, False, True, False, True] and len(mailoutbox) == 3


@pytest.mark.django_db
def test_the_daily_purge_deletes_ended_windows_only(capsys):
    consume("a:client", "192.0.2.1", limit=5, window=HOUR)
    consume("b:client", "192.0.2.1", limit=5, window=dt.timedelta(minutes=1))
    RateLimitWindow.objects.filter(scope="b:client").update(
        window_ends_at=timezone.now() - dt.timedelta(seconds=1)
    )
    call_command("purge_rate_limits")
    assert "1 ended" in capsys.readouterr().out
    assert list(RateLimitWindow.objects.values_list("scope", flat=True)) == ["a:client"]
