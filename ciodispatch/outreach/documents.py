"""An event as an iCalendar file (ICS), for the attendee's calendar."""

import datetime as dt

from django.utils import timezone
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from ciodispatch.outreach.models import Event, EventKind


def event_ics(event: Event, *, url: str) -> bytes:
    """One event; a cancelled event is marked CANCELLED so calendar apps remove it.

    The online meeting address is left out: it is given only to confirmed attendees.
    """
    calendar = Calendar()
    calendar.add("prodid", "-//CIO Dispatch//Events//JA")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    entry = CalendarEvent()
    entry.add("uid", f"outreach-event-{event.pk}@ciodispatch")
    entry.add("dtstamp", timezone.now().astimezone(dt.UTC))
    entry.add("dtstart", event.starts_at.astimezone(dt.UTC))
    entry.add("dtend", event.ends_at.astimezone(dt.UTC))
    entry.add("summary", event.title)
    if event.location_label:
        entry.add("location", event.location_label)
    entry.add("url", url)
    kind = dict(EventKind.choices).get(event.kind, event.kind)
    entry.add("description", f"{kind}\n{event.description}\n{url}")
    entry.add("status", "CANCELLED" if event.state == Event.State.CANCELLED else "CONFIRMED")
    calendar.add_component(entry)
    return calendar.to_ical()
