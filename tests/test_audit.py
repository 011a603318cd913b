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
