import datetime as dt

import pytest

from ciodispatch.audit.models import AuditEvent
from ciodispatch.audit.services import record
from tests.conftest import verified_client


def test_events_cannot_be_changed_or_deleted(personas):
    event = record(actor=personas.office, action="test.something", target=personas.host1)
    event.action = "test.other"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(action="x")
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "test.something"


def test_an_event_records_who_what_and_which_object(personas):
    event = record(
        actor=personas.host1,
        action="test.changed",
        target=personas.host1.organisation,
        changes={"contact_phone": ["", "1"]},
        reason="because",
    )
    assert event.actor_label == "host1"
    assert event.object_type == "accounts.organisation"
    assert event.object_id == str(personas.host1.organisation.pk)
    assert event.at is not None


def test_office_browses_and_filters_the_log(client, personas):
    record(actor=personas.host1, action="test.first", target=personas.host1)
    record(actor=personas.host2, action="test.second", target=personas.host2)
    verified_client(client, personas.office)
    everything = client.get("/audit/")
    assert everything.status_code == 200
    only = client.get("/audit/", {"action": "test.second"})
    row = "<code>{}</code>".format
    body = only.content.decode()
    assert row("test.second") in body and row("test.first") not in body
    by_actor = client.get("/audit/", {"actor": "host1"}).content.decode()
    assert row("test.first") in by_actor and row("test.second") not in by_actor
    tomorrow = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    none = client.get("/audit/", {"since": tomorrow}).content.decode()
    assert row("test.first") not in none


def test_an_impossible_date_range_says_what_to_fix(client, personas):
    verified_client(client, personas.office)
    response = client.get("/audit/", {"since": "2026-12-01", "until": "2026-11-01"})
    assert response.status_code == 200
    assert b"error-summary" in response.content


def test_nobody_can_edit_the_log_over_http(client, personas):
    verified_client(client, personas.office_admin)
    assert client.post("/audit/", {"action": "x"}).status_code in (403, 405, 200)
    assert not AuditEvent.objects.filter(action="x").exists()


def test_the_log_pages_newer_and_older_without_counting_the_table(client, personas):
    """The log never counts its table: a page reads one row more than it shows to know
    whether an older page exists; the filters stay in the links."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    event = record(actor=personas.office, action="test.paging", target=personas.host1)
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                actor=event.actor, actor_label=event.actor_label, action="test.paging",
                object_type=event.object_type, object_id=str(i), object_repr=event.object_repr,
            )
            for i in range(60)
        ]
    )  # fmt: skip
    client = verified_client(client, personas.office)
    client.get("/")  # the menu's work counts, kept in the session from then on
    with CaptureQueriesContext(connection) as queries:
        first = client.get("/audit/?action=test.paging")
    assert first.status_code == 200
    # The audit table is never counted (the header's unread notices are, on their index).
    table = AuditEvent._meta.db_table
    assert not [q for q in queries if "COUNT(" in q["sql"].upper() and table in q["sql"]]
    page = first.context["page"]
    assert len(page.object_list) == 50 and page.has_next and not page.has_previous
    assert 'href="?action=test.paging&amp;page=2" rel="next"' in first.content.decode()
    second = client.get("/audit/?action=test.paging&page=2").context["page"]
    assert len(second.object_list) == 11 and not second.has_next and second.has_previous
    shown = [e.pk for e in page.object_list] + [e.pk for e in second.object_list]
    expected = AuditEvent.objects.filter(action="test.paging").values_list("pk", flat=True)
    assert shown == list(expected.order_by("-at", "-id"))
    assert client.get("/audit/?page=x").context["page"].number == 1


def test_the_filter_choices_are_every_distinct_action_and_object_type_in_order(personas):
    from ciodispatch.audit.forms import AuditFilterForm, distinct_values

    for action, target in [("zeta.done", personas.office), ("alpha.done", None)] * 3:
        record(actor=personas.office, action=action, target=target)
    actions = list(
        AuditEvent.objects.order_by("action").values_list("action", flat=True).distinct()
    )
    assert distinct_values("action") == actions and "alpha.done" in actions
    types = list(
        AuditEvent.objects.exclude(object_type="")
        .order_by("object_type")
        .values_list("object_type", flat=True)
        .distinct()
    )
    form = AuditFilterForm()
    assert [value for value, _label in form.fields["object_type"].choices][1:] == types
    assert [value for value, _label in form.fields["action"].choices][1:] == actions
    with pytest.raises(ValueError):
        distinct_values("actor_label; DROP TABLE x")
