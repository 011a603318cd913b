import io

import pytest
from icalendar import Calendar
from pypdf import PdfReader

from ciodispatch.accounts import services as accounts
from ciodispatch.accounts.models import Role
from ciodispatch.training import services
from ciodispatch.training.documents import certificate_pdf
from tests.training.conftest import schedule


@pytest.fixture
def hanako(personas):
    return accounts.create_user(
        username="yamada",
        role=Role.CANDIDATE,
        organisation=None,
        password="correct-horse-battery-2026",
        actor=None,
        last_name="山田",
        first_name="花子",
    )


def test_the_certificate_reads_back_in_japanese(client, personas, past_session, hanako):
    enrolment = services.enrol(past_session, hanako, actor=None)
    services.record_attendance(enrolment, True, actor=personas.office)
    enrolment = services.record_completion(enrolment, 82, actor=personas.office)
    client.force_login(hanako)
    response = client.get(f"/training/enrolments/{enrolment.pk}/certificate.pdf")
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.content))
    text = "".join(page.extract_text() for page in reader.pages)
    compact = "".join(text.split())
    assert "修了証書" in compact
    assert "山田花子殿" in compact
    assert "自治体の予算と財政" in compact
    assert "公共での仕事の進め方" in compact
    assert enrolment.certificate_number in compact
    assert "令和" in compact and "82点" in compact
    assert reader.metadata.title == f"修了証書 {enrolment.certificate_number}"


def test_an_unfinished_enrolment_has_no_certificate(personas, sessions):
    enrolment = services.enrol(sessions.ps, personas.candidate1, actor=personas.candidate1)
    with pytest.raises(ValueError, match="Only a completed enrolment"):
        certificate_pdf(enrolment)


def test_the_calendar_feed_lists_my_sessions(client, personas, sessions, courses):
    online = schedule(
        courses.ps,
        days=14,
        place="",
        online=True,
        url="https://meet.example.jp/ps",
        actor=personas.office,
    )
    kept = services.enrol(sessions.ps, personas.candidate1, actor=personas.candidate1)
    dropped = services.enrol(online, personas.candidate1, actor=personas.candidate1)
    services.cancel_enrolment(dropped, actor=personas.candidate1)
    services.enrol(sessions.ps, personas.candidate2, actor=personas.candidate2)
    token = services.reset_calendar_token(personas.candidate1, actor=personas.candidate1).token

    response = client.get(f"/training/calendar/{token}.ics")

    calendar = Calendar.from_ical(response.content)
    events = {str(e["uid"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {
        f"training-enrolment-{kept.pk}@ciodispatch",
        f"training-enrolment-{dropped.pk}@ciodispatch",
    }
    event = events[f"training-enrolment-{kept.pk}@ciodispatch"]
    assert str(event["summary"]) == courses.ps.title
    assert event.decoded("dtstart") == sessions.ps.starts_at
    assert event.decoded("dtend") == sessions.ps.ends_at
    assert str(event["location"]) == "霞が関 研修室"
    assert str(event["status"]) == "CONFIRMED"
    assert str(event["url"]) == f"http://testserver/training/sessions/{sessions.ps.pk}/"
    cancelled = events[f"training-enrolment-{dropped.pk}@ciodispatch"]
    assert str(cancelled["status"]) == "CANCELLED"
    assert "https://meet.example.jp/ps" in str(cancelled["description"])
