"""Pages of direct support and events, over HTTP."""

import re

from ciodispatch.outreach.models import Registration, SupportRequest
from tests.conftest import verified_client
from tests.outreach.helpers import event, published_offer, support_request


def test_a_host_requests_support_and_the_office_approves_it(client, personas):
    offer = published_offer(personas.pref1, personas.office, capacity=1)
    client.force_login(personas.host1)
    page = client.get("/support/")
    assert page.status_code == 200 and offer.title in page.content.decode()
    form = client.get(f"/support/requests/new/?offer={offer.pk}")
    assert 'value="lecture"' in form.content.decode()
    short = client.post(
        "/support/requests/new/", {"offer": offer.pk, "kind": "site_visit", "purpose": "短い"}
    )
    assert short.status_code == 200 and "error-summary" in short.content.decode()
    response = client.post(
        "/support/requests/new/",
        {
            "offer": offer.pk,
            "kind": "site_visit",
            "purpose": "救急搬送の受入れ照会に時間がかかっており、現場運用を学びたい。",
            "challenges": ["organisational_walls"],
        },
    )
    support = SupportRequest.objects.get()
    assert (
        response.status_code == 302 and response["Location"] == f"/support/requests/{support.pk}/"
    )
    # 嬉野市 cannot read 多久市's request; the office can, and approves it.
    client.force_login(personas.host2)
    assert client.get(f"/support/requests/{support.pk}/").status_code == 404
    assert client.post(f"/support/requests/{support.pk}/decide/", {}).status_code == 404
    verified_client(client, personas.office)
    assert "多久市" in client.get("/support/office/").content.decode()
    client.post(
        f"/support/requests/{support.pk}/decide/", {"decision": "approve", "offer": offer.pk}
    )
    support.refresh_from_db()
    assert support.state == SupportRequest.State.APPROVED


def test_direct_support_is_for_officials_only(client, personas):
    assert client.get("/support/")["Location"].startswith("/accounts/login/")
    client.force_login(personas.candidate1)
    assert client.get("/support/").status_code == 403


def _mailed_link(message, kind):
    return re.search(rf"https?://[^/\s]+(/events/{kind}/\S+/)", message.body).group(1)


def test_anyone_reads_the_events_and_registers_with_a_name_and_an_address(
    client, personas, mailoutbox, django_capture_on_commit_callbacks
):
    talk = event(personas.office, capacity=1)
    listing = client.get("/events/")
    assert listing.status_code == 200 and talk.title in listing.content.decode()
    page = client.get(f"/events/{talk.pk}/").content.decode()
    assert 'name="email"' in page and 'id="what-happens-next"' in page
    refused = client.post(f"/events/{talk.pk}/register/", {"name": "青木 美咲", "email": "x"})
    assert refused.status_code == 400
    data = {"name": "青木 美咲", "email": "aoki@example.jp", "consent": "on"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/events/{talk.pk}/register/", data)
    assert response["Location"] == f"/events/{talk.pk}/"
    assert not Registration.objects.exists()  # nothing is held before the address confirms
    confirm = _mailed_link(mailoutbox[-1], "confirm")
    assert client.get(confirm).status_code == 200 and not Registration.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(confirm)
    registration = Registration.objects.get()
    assert done["Location"] == f"/events/cancel/{registration.token}/"
    assert registration.state == Registration.State.CONFIRMED and registration.user is None
    assert client.post(confirm).status_code == 404  # the link works once
    # The page never shows the registration (nor whether the address was registered before).
    again = client.post(f"/events/{talk.pk}/register/", data, follow=True)
    assert registration.token not in again.content.decode()
    assert Registration.objects.count() == 1
    # The next person confirms into the waiting list; the first cancels through the link.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/events/{talk.pk}/register/",
            {"name": "井上 大輔", "email": "inoue@example.jp", "consent": "on"},
        )
    confirm = _mailed_link(mailoutbox[-1], "confirm")
    assert 'name="waiting_list"' in client.get(confirm).content.decode()
    client.post(confirm, {"waiting_list": "yes"})
    second = Registration.objects.get(email="inoue@example.jp")
    assert second.state == Registration.State.WAITLISTED
    client.post(f"/events/cancel/{registration.token}/")
    second.refresh_from_db()
    assert second.state == Registration.State.CONFIRMED
    assert client.get("/events/cancel/not-the-token/").status_code == 404


def test_the_calendar_file_downloads_and_drafts_stay_hidden(client, personas):
    talk = event(personas.office)
    response = client.get(f"/events/{talk.pk}/event.ics")
    assert response["Content-Type"].startswith("text/calendar")
    assert b"BEGIN:VEVENT" in response.content
    draft = event(personas.office, publish=False, title="準備中の講演会")
    assert client.get(f"/events/{draft.pk}/").status_code == 302  # to sign in
    assert "準備中の講演会" not in client.get("/events/").content.decode()
    client.force_login(personas.host1)
    assert client.get(f"/events/{draft.pk}/").status_code == 404


def test_a_signed_in_user_registers_as_themselves_and_the_office_sees_the_roster(client, personas):
    talk = event(personas.office)
    client.force_login(personas.host1)
    client.post(f"/events/{talk.pk}/register/")
    page = client.get(f"/events/{talk.pk}/").content.decode()
    assert 'id="my-registration"' in page
    assert client.get(f"/events/{talk.pk}/roster/").status_code == 403
    verified_client(client, personas.office)
    roster = client.get(f"/events/{talk.pk}/roster/?format=csv")
    assert "host1@example.jp" in roster.content.decode("utf-8-sig")
    assert re.search(
        r"attachment; filename=\"event-\d+-roster.csv\"", roster["Content-Disposition"]
    )


def test_a_coordinator_follows_the_support_of_the_prefectures_municipalities(client, personas):
    offer = published_offer(personas.pref_fukuoka, personas.office)
    support = support_request(personas.host1, offer)  # 多久市 (佐賀県) asks 福岡県
    client.force_login(personas.pref1)
    page = client.get("/support/").content.decode()
    assert 'id="prefecture-requests-table"' in page and f"/support/requests/{support.pk}/" in page
    assert client.get(f"/support/requests/{support.pk}/").status_code == 200
    client.force_login(personas.host2)  # another municipality of 佐賀県 does not see it
    assert f"/support/requests/{support.pk}/" not in client.get("/support/").content.decode()
