"""Events: capacity, the waiting list and its promotion, public registration, ICS."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from icalendar import Calendar

from ciodispatch.audit.models import AuditEvent
from ciodispatch.outreach import services
from ciodispatch.outreach.documents import event_ics
from ciodispatch.outreach.models import Registration
from ciodispatch.outreach.services import OutreachError
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
