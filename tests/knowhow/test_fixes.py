"""Regressions: inputs that used to end in a server error or lose data."""

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ciodispatch.audit.models import AuditEvent
from ciodispatch.knowhow import services
from ciodispatch.knowhow.forms import AwardForm, CaseForm, ManualForm
from ciodispatch.knowhow.models import Case, CaseVersion, Manual
from ciodispatch.knowhow.services import KnowhowError
from ciodispatch.training.models import Course
from tests.conftest import verified_client
from tests.files import minimal_pdf
from tests.knowhow.helpers import draft, published


def _edit_data(case):
    data = {k: v for k, v in CaseForm.initial_for(case).items() if v is not None}
    data["challenges"] = case.challenges
    return data


# 1. "What changed" over 200 characters.


def test_a_long_note_is_refused_by_the_service_and_nothing_is_written(personas):
    case = published(personas.office, summary="最初の要約")
    with pytest.raises(KnowhowError, match="200"):
        services.update_case(case, actor=personas.office, summary="新", note="x" * 201)
    case.refresh_from_db()
    assert case.summary == "最初の要約" and case.version == 1


def test_a_long_note_on_the_edit_page_is_a_form_error_that_keeps_the_edit(client, personas):
    case = published(personas.office, summary="最初の要約")
    office = verified_client(client, personas.office)
    data = {**_edit_data(case), "summary": "書き直した要約", "note": "x" * 300}
    response = office.post(f"/knowhow/workspace/{case.pk}/edit/", data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "書き直した要約" in page and "x" * 300 in page and 'maxlength="200"' in page
    case.refresh_from_db()
    assert case.summary == "最初の要約"
    data["note"] = "要約を更新"
    assert office.post(f"/knowhow/workspace/{case.pk}/edit/", data).status_code == 302
    assert CaseVersion.objects.get(case=case, number=2).note == "要約を更新"


def test_a_draft_edit_page_has_no_note_field(client, personas):
    case = draft(personas.host1, codes=("412040",))
    client.force_login(personas.host1)
    page = client.get(f"/knowhow/workspace/{case.pk}/edit/").content.decode()
    assert 'name="note"' not in page


# 2. A prize over 60 characters.


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


# 3. NUL characters in reasons.


@pytest.mark.parametrize("decision", ["return", "withdraw", "reopen"])
def test_a_nul_in_a_reason_is_refused_clearly(client, personas, decision):
    if decision == "return":
        case = services.submit_case(draft(personas.host1, codes=("412040",)), actor=personas.host1)
    elif decision == "withdraw":
        case = published(personas.office)
    else:
        case = published(personas.office)
        services.withdraw_case(case, actor=personas.office, reason="誤り")
    before = Case.objects.get(pk=case.pk).state
    office = verified_client(client, personas.office)
    response = office.post(
        f"/knowhow/workspace/{case.pk}/decide/", {"decision": decision, "reason": "a\x00b"}
    )
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).state == before
    page = office.get(f"/knowhow/workspace/{case.pk}/").content.decode()
    assert "NUL" in page


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


# 4. Links to inactive courses survive an edit.


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


# 5. Digits that are not ASCII digits.


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


# 6. N+1 queries on the workspace and the award form.


@pytest.mark.parametrize("url", ["/knowhow/workspace/", "/knowhow/awards/record/"])
def test_pages_listing_published_cases_do_not_query_per_case(client, personas, url):
    office = verified_client(client, personas.office)
    published(personas.office, title="事例1")
    office.get(url)
    with CaptureQueriesContext(connection) as one:
        assert office.get(url).status_code == 200
    for n in range(2, 5):
        published(personas.office, title=f"事例{n}", codes=("410004", "412040"))
    with CaptureQueriesContext(connection) as four:
        assert office.get(url).status_code == 200
    assert len(four) == len(one)


# Also: returning a case marks it as changed.


def test_returning_a_case_updates_its_changed_time(personas):
    case = services.submit_case(draft(personas.host1, codes=("412040",)), actor=personas.host1)
    Case.objects.filter(pk=case.pk).update(updated_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    services.return_case(case, actor=personas.office, reason="出典を")
    case.refresh_from_db()
    assert case.updated_at.year > 2020


# Also: authors remove an attachment from their draft.


def test_an_author_removes_an_attachment_from_a_draft(
    client, personas, django_capture_on_commit_callbacks
):
    case = draft(personas.host1, codes=("412040",))
    pdf = SimpleUploadedFile("a.pdf", minimal_pdf(), content_type="application/pdf")
    item = services.add_attachment(case, actor=personas.host1, upload=pdf, title="古い資料")
    client.force_login(personas.host2)
    assert client.post(f"/knowhow/workspace/attachments/{item.pk}/remove/").status_code == 403
    client.force_login(personas.host1)
    page = client.get(f"/knowhow/workspace/{case.pk}/").content.decode()
    assert f"/knowhow/workspace/attachments/{item.pk}/remove/" in page
    assert client.get(f"/knowhow/workspace/attachments/{item.pk}/remove/").status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/knowhow/workspace/attachments/{item.pk}/remove/")
    assert response.status_code == 302 and not case.attachments.exists()
    assert AuditEvent.objects.filter(action="knowhow.case.attachment_removed").exists()
    assert client.post(f"/knowhow/workspace/attachments/{item.pk}/remove/").status_code == 404
