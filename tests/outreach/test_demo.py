"""The outreach demo: offers from 佐賀県 and two other prefectures, requests in several
states, past and upcoming events with a waiting list; built through the services."""

from ciodispatch.demo.outreach import load_outreach_demo
from ciodispatch.outreach.models import Event, Registration, SupportOffer, SupportRequest


def test_the_demo_has_offers_requests_and_events_in_every_state(personas):
    people = {"pref1": personas.pref1, "host1": personas.host1, "host2": personas.host2}
    load_outreach_demo(office=personas.office, people=people)
    assert load_outreach_demo(office=personas.office, people=people) == ["outreach: already loaded"]
    prefectures = {o.provider.prefecture for o in SupportOffer.objects.select_related("provider")}
    assert "佐賀県" in prefectures and len(prefectures) >= 3
    assert set(SupportRequest.objects.values_list("state", flat=True)) == {
        "submitted",
        "approved",
        "completed",
        "declined",
        "withdrawn",
    }
    assert SupportRequest.objects.filter(offer__isnull=True).exists()  # for the office to match
    completed = SupportRequest.objects.get(state="completed")
    assert completed.report and completed.held_on
    states = set(Event.objects.values_list("state", flat=True))
    assert states == {"published", "draft"}
    full = Event.objects.get(capacity=5)
    assert full.confirmed_count() == 5 and full.waiting_count() >= 1
    assert Registration.objects.filter(event__ends_at__lt=full.starts_at).exists()  # past events
