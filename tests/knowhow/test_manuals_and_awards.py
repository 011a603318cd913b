"""Manuals and awards: what their forms and pages accept, what an edit keeps."""

import datetime as dt
import re

import pytest

from ciodispatch.knowhow import services
from ciodispatch.knowhow.forms import AwardForm, ManualForm
from ciodispatch.knowhow.models import Manual
from ciodispatch.knowhow.services import KnowhowError
from ciodispatch.training.models import Course
from tests.conftest import verified_client
from tests.knowhow.helpers import published


def test_a_long_prize_is_refused_by_the_form_and_the_service(client, personas):
    case = published(personas.office)
    form = AwardForm(
        {
            "fiscal_year": "2025",
            "name": "賞",
            "decided_on": "2026-02-20",
            "selections": f"{case.pk} | {'大' * 61} | 理由",
        }
    )
    assert not form.is_valid() and "60" in str(form.errors["selections"])
    with pytest.raises(KnowhowError, match="60"):
        services.record_award(
            fiscal_year=2025,
            name="賞",
            decided_on=dt.date(2026, 2, 20),
            selections=[(case, "大" * 61, "理由")],
            actor=personas.office,
        )
    office = verified_client(client, personas.office)
    response = office.post(
        "/knowhow/awards/record/",
        {
            "fiscal_year": "2025",
            "name": "賞",
            "decided_on": "2026-02-20",
            "selections": f"{case.pk} | {'大' * 80} | 理由",
        },
    )
    assert response.status_code == 200


def test_a_nul_in_the_reason_for_withdrawing_a_manual_is_refused(client, personas):
    manual = services.create_manual(title="手引き", actor=personas.office, body="本文")
    services.publish_manual(manual, actor=personas.office)
    with pytest.raises(KnowhowError):
        services.withdraw_manual(manual, actor=personas.office, reason="a\x00b")
    office = verified_client(client, personas.office)
    response = office.post(
        f"/knowhow/manuals/manage/{manual.pk}/decide/",
        {"decision": "withdraw", "reason": "a\x00b"},
    )
    assert response.status_code == 302
    manual.refresh_from_db()
    assert manual.state == "published"


def test_editing_a_manual_keeps_its_links_to_inactive_courses(client, personas):
    old = Course.objects.create(track="basic", title="終了した研修", active=False)
    live = Course.objects.create(track="basic", title="開講中の研修")
    manual = services.create_manual(
        title="手引き", actor=personas.office, body="本文", courses=[old, live]
    )
    office = verified_client(client, personas.office)
    page = office.get(f"/knowhow/manuals/manage/{manual.pk}/").content.decode()
    assert "終了した研修" in page
    assert re.search(rf'value="{old.pk}"[^>]*checked', page)
    # The browser sends back the checked boxes: both courses.
    form = ManualForm(initial=ManualForm.initial_for(manual), manual=manual)
    assert set(form.fields["courses"].queryset) == {old, live}
    data = {
        "title": "手引き",
        "kind": "manual",
        "body": "本文を更新",
        "courses": [old.pk, live.pk],
        "note": "更新",
    }
    response = office.post(f"/knowhow/manuals/manage/{manual.pk}/", data)
    assert response.status_code == 302
    manual.refresh_from_db()
    assert set(manual.courses.all()) == {old, live} and manual.version == 2
    # A new manual is offered only active courses.
    assert set(ManualForm().fields["courses"].queryset) == {live}


@pytest.mark.parametrize("number", ["²", "٣", "1²"])
def test_non_ascii_digits_are_a_form_error(personas, number):
    form = AwardForm(
        {
            "fiscal_year": "2025",
            "name": "賞",
            "decided_on": "2026-02-20",
            "selections": f"{number} | 大賞 | 理由",
        }
    )
    assert not form.is_valid() and "selections" in form.errors
    form = ManualForm({"title": "手引き", "kind": "manual", "case_numbers": number})
    assert not form.is_valid() and "case_numbers" in form.errors


def test_non_ascii_digits_on_the_pages_are_not_a_server_error(client, personas):
    office = verified_client(client, personas.office)
    response = office.post(
        "/knowhow/awards/record/",
        {
            "fiscal_year": "2025",
            "name": "賞",
            "decided_on": "2026-02-20",
            "selections": "² | 大賞 | 理由",
        },
    )
    assert response.status_code == 200
    response = office.post(
        "/knowhow/manuals/manage/new/",
        {"title": "手引き", "kind": "manual", "body": "本文", "case_numbers": "²"},
    )
    assert response.status_code == 200 and not Manual.objects.exists()
