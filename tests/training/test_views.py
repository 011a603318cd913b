import re

import pytest
from django.utils import timezone

from ciodispatch.training import services
from ciodispatch.training.models import Course, Enrolment, Track, TrainingSession
from tests.conftest import verified_client
from tests.training.conftest import in_days, schedule


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


@pytest.fixture
def completed(personas, past_session):
    enrolment = services.enrol(past_session, personas.candidate1, actor=None)
    services.record_attendance(enrolment, True, actor=personas.office)
    return services.record_completion(enrolment, 88, actor=personas.office)


def test_the_catalogue_shows_each_person_their_own_track(client, personas, sessions, courses):
    client.force_login(personas.candidate1)
    text = page(client, "/training/")
    assert courses.ps.title in text and courses.rd.title not in text
    assert f"/training/sessions/{sessions.ps.pk}/" in text
    client.force_login(personas.host1)
    text = page(client, "/training/")
    assert courses.rd.title in text and courses.ps.title not in text
    verified_client(client, personas.office)
    text = page(client, "/training/")
    assert courses.rd.title in text and courses.ps.title in text
    assert (
        "/training/courses/new/" in text and f"/training/sessions/{sessions.ps.pk}/roster/" in text
    )


def test_the_catalogue_lists_only_upcoming_sessions(client, personas, sessions, past_session):
    client.force_login(personas.candidate1)
    text = page(client, "/training/")
    assert f"/training/sessions/{past_session.pk}/" not in text


def test_the_catalogue_is_refused_to_reviewers_and_asks_visitors_to_sign_in(client, personas):
    assert client.get("/training/")["Location"].startswith("/accounts/login/")
    verified_client(client, personas.reviewer)
    assert client.get("/training/").status_code == 403


def test_a_candidate_enrols_from_the_session_page(client, personas, sessions):
    client.force_login(personas.candidate1)
    text = page(client, f"/training/sessions/{sessions.ps.pk}/")
    assert f'action="/training/sessions/{sessions.ps.pk}/enrol/"' in text
    assert re.search(r'id="seats-left">\D*2\D+2\D*</dd>', text)
    response = client.post(f"/training/sessions/{sessions.ps.pk}/enrol/", follow=True)
    assert response.redirect_chain[-1][0] == f"/training/sessions/{sessions.ps.pk}/"
    assert Enrolment.objects.get(user=personas.candidate1).session == sessions.ps
    text = response.content.decode()
    assert f'action="/training/sessions/{sessions.ps.pk}/enrol/"' not in text
    assert "/cancel/" in text


def test_enrolling_is_a_post(client, personas, sessions):
    client.force_login(personas.candidate1)
    assert client.get(f"/training/sessions/{sessions.ps.pk}/enrol/").status_code == 405


def test_another_tracks_session_is_refused(client, personas, sessions):
    client.force_login(personas.candidate1)
    assert client.get(f"/training/sessions/{sessions.rd.pk}/").status_code == 404
    assert client.post(f"/training/sessions/{sessions.rd.pk}/enrol/").status_code == 404
    assert not Enrolment.objects.exists()


def test_a_refused_enrolment_says_why(client, personas, sessions):
    services.enrol(sessions.ps, personas.candidate2, actor=personas.office)
    services.enrol(sessions.ps, personas.host1, actor=personas.office)
    client.force_login(personas.candidate1)
    response = client.post(f"/training/sessions/{sessions.ps.pk}/enrol/", follow=True)
    assert (
        "This session is full" in response.content.decode() or "満席" in response.content.decode()
    )
    assert not Enrolment.objects.filter(user=personas.candidate1).exists()


def test_a_participant_cancels_their_place(client, personas, sessions):
    enrolment = services.enrol(sessions.rd, personas.host1, actor=personas.host1)
    client.force_login(personas.host1_head)
    assert client.post(f"/training/enrolments/{enrolment.pk}/cancel/").status_code == 404
    client.force_login(personas.host1)
    response = client.post(f"/training/enrolments/{enrolment.pk}/cancel/")
    assert response["Location"] == f"/training/sessions/{sessions.rd.pk}/"
    assert Enrolment.objects.get(pk=enrolment.pk).state == Enrolment.State.CANCELLED


def test_my_training_shows_only_my_own(client, personas, sessions, completed):
    services.enrol(sessions.ps, personas.candidate2, actor=personas.candidate2)
    client.force_login(personas.candidate1)
    text = page(client, "/training/mine/")
    assert f"/training/enrolments/{completed.pk}/certificate.pdf" in text
    assert completed.certificate_number in text
    assert f"/training/sessions/{sessions.ps.pk}/" not in text
    client.force_login(personas.candidate2)
    text = page(client, "/training/mine/")
    assert f"/training/sessions/{sessions.ps.pk}/" in text and "certificate.pdf" not in text


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("candidate1", 200),
        ("office", 200),
        ("office_admin", 200),
        ("candidate2", 404),
        ("host1", 404),
        ("host1_head", 404),
        ("pref1", 404),
        ("reviewer", 404),
    ],
)
def test_only_the_person_and_the_office_download_a_certificate(
    client, personas, completed, name, status
):
    verified_client(client, getattr(personas, name))
    response = client.get(f"/training/enrolments/{completed.pk}/certificate.pdf")
    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == "application/pdf"
        assert completed.certificate_number in response["Content-Disposition"]


def test_there_is_no_certificate_before_completion(client, personas, sessions):
    enrolment = services.enrol(sessions.ps, personas.candidate1, actor=personas.candidate1)
    client.force_login(personas.candidate1)
    assert client.get(f"/training/enrolments/{enrolment.pk}/certificate.pdf").status_code == 404


def test_the_calendar_address_is_created_shown_and_replaced(client, personas, sessions):
    client.force_login(personas.candidate1)
    assert "/training/calendar/" not in page(client, "/training/mine/").replace(
        "/training/calendar/reset/", ""
    )
    assert client.get("/training/calendar/reset/").status_code == 405
    client.post("/training/calendar/reset/")
    token = services.calendar_token(personas.candidate1)
    text = page(client, "/training/mine/")
    assert f"http://testserver/training/calendar/{token}.ics" in text
    client.post("/training/calendar/reset/")
    assert client.get(f"/training/calendar/{token}.ics").status_code == 404
    new = services.calendar_token(personas.candidate1)
    client.logout()
    response = client.get(f"/training/calendar/{new}.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")


def test_an_unknown_calendar_address_is_not_found(client, registry):
    assert client.get("/training/calendar/not-a-token.ics").status_code == 404


# --- office pages -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    ["/training/courses/new/", "/training/sessions/new/"],
)
@pytest.mark.parametrize("name", ["candidate1", "host1", "pref1", "reviewer"])
def test_office_pages_are_refused_to_others(client, personas, url, name):
    verified_client(client, getattr(personas, name))
    assert client.get(url).status_code == 403


def test_the_office_creates_a_course(client, personas):
    verified_client(client, personas.office)
    page(client, "/training/courses/new/")
    response = client.post(
        "/training/courses/new/",
        {
            "track": Track.PUBLIC_SECTOR,
            "title": "地方自治法の基礎",
            "description": "条例と規則",
            "has_assessment": "on",
            "pass_score": "70",
        },
    )
    course = Course.objects.get(title="地方自治法の基礎")
    assert response["Location"] == f"/training/sessions/new/?course={course.pk}"
    assert course.has_assessment and course.pass_score == 70


def test_a_refused_course_shows_the_reason_on_its_field(client, personas):
    verified_client(client, personas.office)
    response = client.post(
        "/training/courses/new/",
        {"track": Track.PUBLIC_SECTOR, "title": "評価あり", "has_assessment": "on"},
    )
    text = response.content.decode()
    assert response.status_code == 200 and "error-summary" in text
    assert 'href="#id_pass_score"' in text
    assert not Course.objects.exists()


def test_the_office_schedules_a_session(client, personas, courses):
    verified_client(client, personas.office)
    assert f'value="{courses.ps.pk}" selected' in page(
        client, f"/training/sessions/new/?course={courses.ps.pk}"
    )
    day = in_days(10).date().isoformat()
    response = client.post(
        "/training/sessions/new/",
        {
            "course": courses.ps.pk,
            "date": day,
            "start_time": "13:00",
            "end_time": "17:00",
            "place": "霞が関 研修室",
            "capacity": "12",
        },
    )
    session = TrainingSession.objects.get()
    assert response["Location"] == f"/training/sessions/{session.pk}/roster/"
    assert session.capacity == 12
    assert timezone.localtime(session.starts_at).strftime("%H:%M") == "13:00"


def test_a_session_in_the_past_is_refused_on_the_date_field(client, personas, courses):
    verified_client(client, personas.office)
    response = client.post(
        "/training/sessions/new/",
        {
            "course": courses.ps.pk,
            "date": in_days(-3).date().isoformat(),
            "start_time": "13:00",
            "end_time": "17:00",
            "place": "研修室",
            "capacity": "12",
        },
    )
    assert response.status_code == 200 and 'href="#id_date"' in response.content.decode()
    assert not TrainingSession.objects.exists()


def test_the_roster_records_attendance_and_results(client, personas, past_session):
    enrolment = services.enrol(past_session, personas.candidate1, actor=None)
    client.force_login(personas.candidate1)
    assert client.get(f"/training/sessions/{past_session.pk}/roster/").status_code == 403
    assert client.post(f"/training/enrolments/{enrolment.pk}/attendance/").status_code == 403
    verified_client(client, personas.office)
    text = page(client, f"/training/sessions/{past_session.pk}/roster/")
    assert f"/training/enrolments/{enrolment.pk}/attendance/" in text
    client.post(f"/training/enrolments/{enrolment.pk}/attendance/", {"attended": "yes"})
    assert Enrolment.objects.get(pk=enrolment.pk).state == Enrolment.State.ATTENDED
    text = page(client, f"/training/sessions/{past_session.pk}/roster/")
    assert f'id="score-{enrolment.pk}"' in text
    response = client.post(
        f"/training/enrolments/{enrolment.pk}/completion/", {"score": "abc"}, follow=True
    )
    assert "whole number from 0 to 100" in response.content.decode() or "0から100" in (
        response.content.decode()
    )
    response = client.post(
        f"/training/enrolments/{enrolment.pk}/completion/", {"score": "101"}, follow=True
    )
    assert Enrolment.objects.get(pk=enrolment.pk).state == Enrolment.State.ATTENDED
    client.post(f"/training/enrolments/{enrolment.pk}/completion/", {"score": "８５"})
    stored = Enrolment.objects.get(pk=enrolment.pk)
    assert stored.state == Enrolment.State.COMPLETED and stored.score == 85
    assert stored.certificate_number in page(
        client, f"/training/sessions/{past_session.pk}/roster/"
    )


def test_the_office_enrols_a_person_from_the_roster(client, personas, courses):
    session = schedule(courses.rd, actor=personas.office)
    verified_client(client, personas.office)
    text = page(client, f"/training/sessions/{session.pk}/roster/")
    assert f'value="{personas.host2.pk}"' in text
    assert f'value="{personas.candidate1.pk}"' not in text
    client.post(f"/training/sessions/{session.pk}/enrol-person/", {"user": personas.host2.pk})
    assert Enrolment.objects.get(session=session).user == personas.host2
    client.force_login(personas.host2)
    assert (
        client.post(
            f"/training/sessions/{session.pk}/enrol-person/", {"user": personas.host1.pk}
        ).status_code
        == 403
    )
