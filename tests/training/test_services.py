import datetime as dt
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from ciodispatch.accounts import services as accounts
from ciodispatch.accounts.models import Role
from ciodispatch.audit.models import AuditEvent
from ciodispatch.core.states import TransitionRefused
from ciodispatch.training import services
from ciodispatch.training.models import ENROLMENT_STATES, CalendarFeed, Enrolment, Track
from ciodispatch.training.services import TrainingError
from tests.training.conftest import in_days, schedule

State = Enrolment.State


def attended(session, user, office):
    enrolment = services.enrol(session, user, actor=None)
    return services.record_attendance(enrolment, True, actor=office)


# --- courses ------------------------------------------------------------------------------


def test_the_office_creates_a_course_and_it_is_audited(personas):
    course = services.create_course(
        track=Track.PUBLIC_SECTOR,
        title="  調達と契約  ",
        has_assessment=True,
        pass_score=70,
        actor=personas.office,
    )
    assert course.title == "調達と契約" and course.pass_score == 70 and course.active
    event = AuditEvent.objects.get(action="training.course_created")
    assert event.actor == personas.office and event.changes["pass_score"] == 70


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"track": "other"}, "track", "Choose the track"),
        ({"title": "  "}, "title", "Give the course a title"),
        ({"has_assessment": True}, "pass_score", "Give the pass score"),
        ({"has_assessment": True, "pass_score": 101}, "pass_score", "from 0 to 100"),
        ({"has_assessment": True, "pass_score": -1}, "pass_score", "from 0 to 100"),
        ({"has_assessment": True, "pass_score": True}, "pass_score", "whole number"),
        ({"pass_score": 60}, "pass_score", "needs an assessment"),
    ],
)
def test_a_course_is_refused_with_a_reason(personas, kwargs, field, message):
    values = {"track": Track.READINESS, "title": "受入れ体制"} | kwargs
    with pytest.raises(TrainingError, match=message) as refused:
        services.create_course(actor=personas.office, **values)
    assert refused.value.field == field


def test_a_title_is_used_once_per_track(personas, courses):
    with pytest.raises(TrainingError, match="already has a course titled"):
        services.create_course(track=Track.READINESS, title=courses.rd.title, actor=personas.office)
    # The other track may use the same title.
    services.create_course(track=Track.PUBLIC_SECTOR, title=courses.rd.title, actor=None)


@pytest.mark.parametrize("name", ["reviewer", "candidate1", "host1", "pref1"])
def test_only_the_office_creates_courses(personas, name):
    with pytest.raises(PermissionDenied):
        services.create_course(track=Track.READINESS, title="x", actor=getattr(personas, name))


def test_the_database_refuses_a_pass_score_without_an_assessment(courses):
    courses.rd.pass_score = 50
    with pytest.raises(IntegrityError), transaction.atomic():
        courses.rd.save()


# --- sessions -----------------------------------------------------------------------------


def test_the_office_schedules_a_session(personas, courses):
    session = schedule(
        courses.rd,
        capacity=20,
        place="",
        online=True,
        url="https://meet.example.jp/x",
        actor=personas.office,
    )
    assert session.capacity == 20 and session.online
    assert session.remaining_seats() == 20
    event = AuditEvent.objects.get(action="training.session_scheduled")
    assert event.changes["capacity"] == 20 and event.actor == personas.office


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"starts_at": in_days(-1)}, "starts_at", "cannot start in the past"),
        ({"ends_at": in_days(3, hour=9)}, "ends_at", "must end after it starts"),
        ({"ends_at": in_days(3, hour=10)}, "ends_at", "must end after it starts"),
        ({"capacity": 0}, "capacity", "at least 1"),
        ({"capacity": -5}, "capacity", "at least 1"),
        ({"capacity": True}, "capacity", "at least 1"),
        ({"place": "", "online": True}, "url", "address of the online meeting"),
        ({"online": True, "url": "meet.example.jp"}, "url", "starting with https://"),
        ({"url": "https://meet.example.jp"}, "url", "Tick “Online”"),
        ({"place": "  "}, "place", "Give the place"),
    ],
)
def test_a_session_is_refused_with_a_reason(personas, courses, kwargs, field, message):
    values = {
        "starts_at": in_days(3),
        "ends_at": in_days(3, hour=12),
        "capacity": 10,
        "place": "研修室",
    } | kwargs
    with pytest.raises(TrainingError, match=message) as refused:
        services.schedule_session(courses.ps, actor=personas.office, **values)
    assert refused.value.field == field


def test_a_retired_course_takes_no_new_session(personas, courses):
    courses.ps.active = False
    courses.ps.save()
    with pytest.raises(TrainingError, match="no longer offered"):
        schedule(courses.ps, actor=personas.office)


def test_only_the_office_schedules(personas, courses):
    with pytest.raises(PermissionDenied):
        schedule(courses.rd, actor=personas.pref1)


def test_the_system_may_record_a_past_session(courses):
    session = schedule(courses.ps, days=-30, actor=None)
    assert session.starts_at < timezone.now()


# --- enrolment ----------------------------------------------------------------------------


def test_a_candidate_enrols_in_the_public_sector_track(personas, sessions):
    enrolment = services.enrol(sessions.ps, personas.candidate1, actor=personas.candidate1)
    assert enrolment.state == State.ENROLLED
    assert sessions.ps.remaining_seats() == 1
    event = AuditEvent.objects.get(action="training.enrolment.enrolled")
    assert event.actor == personas.candidate1 and event.changes["by_office"] is False


@pytest.mark.parametrize("name", ["host1", "host1_head", "pref1"])
def test_host_staff_and_coordinators_enrol_in_the_readiness_track(personas, sessions, name):
    user = getattr(personas, name)
    assert services.enrol(sessions.rd, user, actor=user).state == State.ENROLLED


def test_a_candidate_cannot_take_the_readiness_track(personas, sessions):
    with pytest.raises(TrainingError, match="in the Readiness track; your role takes the Public"):
        services.enrol(sessions.rd, personas.candidate1, actor=personas.candidate1)
    assert not Enrolment.objects.exists()


@pytest.mark.parametrize("name", ["host1", "pref1"])
def test_hosts_cannot_take_the_public_sector_track(personas, sessions, name):
    user = getattr(personas, name)
    with pytest.raises(TrainingError, match="your role takes the Readiness track"):
        services.enrol(sessions.ps, user, actor=user)


def test_a_reviewer_has_no_track_to_enrol_in(personas, sessions):
    with pytest.raises(TrainingError, match="Your role takes no training track"):
        services.enrol(sessions.ps, personas.reviewer, actor=personas.reviewer)


def test_the_office_may_enrol_anyone_in_any_track(personas, sessions):
    enrolment = services.enrol(sessions.rd, personas.candidate1, actor=personas.office)
    assert enrolment.user == personas.candidate1
    event = AuditEvent.objects.get(action="training.enrolment.enrolled")
    assert event.actor == personas.office and event.changes["by_office"] is True


def test_no_one_else_enrols_another_person(personas, sessions):
    with pytest.raises(PermissionDenied):
        services.enrol(sessions.ps, personas.candidate2, actor=personas.candidate1)
    with pytest.raises(PermissionDenied):
        services.enrol(sessions.rd, personas.host1, actor=personas.host1_head)


def test_a_full_session_is_refused_and_a_cancelled_place_is_free_again(personas, sessions):
    first = services.enrol(sessions.ps, personas.candidate1, actor=personas.candidate1)
    services.enrol(sessions.ps, personas.candidate2, actor=personas.candidate2)
    with pytest.raises(TrainingError, match="This session is full"):
        services.enrol(sessions.ps, personas.host1, actor=personas.office)
    services.cancel_enrolment(first, actor=personas.candidate1)
    services.enrol(sessions.ps, personas.host1, actor=personas.office)
    assert sessions.ps.remaining_seats() == 0


def test_a_second_enrolment_in_the_same_session_is_refused(personas, sessions):
    enrolment = services.enrol(sessions.ps, personas.candidate1, actor=personas.candidate1)
    with pytest.raises(TrainingError, match="already enrolled in this session"):
        services.enrol(sessions.ps, personas.candidate1, actor=personas.candidate1)
    services.cancel_enrolment(enrolment, actor=personas.candidate1)
    with pytest.raises(TrainingError, match="cancelled the place in this session"):
        services.enrol(sessions.ps, personas.candidate1, actor=personas.candidate1)


def test_the_database_holds_one_enrolment_per_person_and_session(personas, sessions):
    Enrolment.objects.create(session=sessions.ps, user=personas.candidate1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Enrolment.objects.create(session=sessions.ps, user=personas.candidate1)


def test_a_session_that_started_takes_no_enrolment(personas, past_session):
    with pytest.raises(TrainingError, match="already started"):
        services.enrol(past_session, personas.candidate1, actor=personas.candidate1)
    with pytest.raises(TrainingError, match="already started"):
        services.enrol(past_session, personas.candidate1, actor=personas.office)


def test_a_retired_course_takes_no_enrolment(personas, sessions, courses):
    courses.ps.active = False
    courses.ps.save()
    with pytest.raises(TrainingError, match="no longer offered"):
        services.enrol(sessions.ps, personas.candidate1, actor=personas.office)


def test_a_closed_account_is_not_enrolled(personas, sessions):
    personas.candidate2.is_active = False
    personas.candidate2.save()
    with pytest.raises(TrainingError, match="account is closed"):
        services.enrol(sessions.ps, personas.candidate2, actor=personas.office)


# --- cancelling ---------------------------------------------------------------------------


def test_a_participant_cancels_before_the_session(personas, sessions):
    enrolment = services.enrol(sessions.ps, personas.candidate1, actor=personas.candidate1)
    services.cancel_enrolment(enrolment, actor=personas.candidate1, reason="業務都合")
    enrolment.refresh_from_db()
    assert enrolment.state == State.CANCELLED
    event = AuditEvent.objects.get(action="training.enrolment.cancelled")
    assert event.changes["state"] == ["enrolled", "cancelled"] and event.reason == "業務都合"


def test_after_the_start_only_the_office_cancels(personas, past_session):
    enrolment = services.enrol(past_session, personas.candidate1, actor=None)
    with pytest.raises(TrainingError, match="ask the programme office"):
        services.cancel_enrolment(enrolment, actor=personas.candidate1)
    services.cancel_enrolment(enrolment, actor=personas.office)
    assert Enrolment.objects.get(pk=enrolment.pk).state == State.CANCELLED


def test_no_one_cancels_another_persons_place(personas, sessions):
    enrolment = services.enrol(sessions.rd, personas.host1, actor=personas.host1)
    for other in (personas.host1_head, personas.host2, personas.candidate1):
        with pytest.raises(PermissionDenied):
            services.cancel_enrolment(enrolment, actor=other)


def test_an_attended_place_cannot_be_cancelled(personas, past_session):
    enrolment = attended(past_session, personas.candidate1, personas.office)
    with pytest.raises(TrainingError, match="Only a place not yet attended"):
        services.cancel_enrolment(enrolment, actor=personas.office)


# --- attendance and results ---------------------------------------------------------------


@pytest.mark.parametrize(("came", "state"), [(True, State.ATTENDED), (False, State.ABSENT)])
def test_the_office_records_attendance(personas, past_session, came, state):
    enrolment = services.enrol(past_session, personas.candidate1, actor=None)
    enrolment = services.record_attendance(enrolment, came, actor=personas.office)
    assert Enrolment.objects.get(pk=enrolment.pk).state == state
    event = AuditEvent.objects.get(action=f"training.enrolment.{state}")
    assert event.actor == personas.office


def test_attendance_is_recorded_once(personas, past_session):
    enrolment = attended(past_session, personas.candidate1, personas.office)
    with pytest.raises(TrainingError, match="Attendance is recorded once"):
        services.record_attendance(enrolment, False, actor=personas.office)


def test_a_cancelled_place_takes_no_attendance(personas, sessions):
    enrolment = services.enrol(sessions.ps, personas.candidate1, actor=personas.candidate1)
    services.cancel_enrolment(enrolment, actor=personas.candidate1)
    with pytest.raises(TrainingError, match="Cancelled"):
        services.record_attendance(enrolment, True, actor=personas.office)


@pytest.mark.parametrize("name", ["candidate1", "host1", "reviewer"])
def test_only_the_office_records_attendance_and_results(personas, past_session, name):
    enrolment = services.enrol(past_session, personas.candidate1, actor=None)
    with pytest.raises(PermissionDenied):
        services.record_attendance(enrolment, True, actor=getattr(personas, name))
    services.record_attendance(enrolment, True, actor=None)
    with pytest.raises(PermissionDenied):
        services.record_completion(enrolment, 90, actor=getattr(personas, name))


def test_passing_the_assessment_completes_with_a_certificate(personas, past_session):
    enrolment = attended(past_session, personas.candidate1, personas.office)
    enrolment = services.record_completion(enrolment, 60, actor=personas.office)
    stored = Enrolment.objects.get(pk=enrolment.pk)
    assert stored.state == State.COMPLETED and stored.score == 60 and stored.completed_at
    year = timezone.localdate().year if timezone.localdate().month >= 4 else None
    year = year or timezone.localdate().year - 1
    assert stored.certificate_number == f"PS-{year}-000001"
    event = AuditEvent.objects.get(action="training.enrolment.completed")
    assert event.changes["certificate_number"] == stored.certificate_number
    assert event.changes["score"] == 60 and event.actor == personas.office


def test_a_score_below_the_pass_score_fails_without_a_certificate(personas, past_session):
    enrolment = attended(past_session, personas.candidate1, personas.office)
    services.record_completion(enrolment, 59, actor=personas.office)
    stored = Enrolment.objects.get(pk=enrolment.pk)
    assert stored.state == State.FAILED and stored.score == 59
    assert stored.certificate_number is None and stored.completed_at is None
    assert AuditEvent.objects.get(action="training.enrolment.failed").changes["pass_score"] == 60


@pytest.mark.parametrize(
    ("score", "message"),
    [
        (None, "has an assessment: give"),
        (101, "from 0 to 100"),
        (-1, "from 0 to 100"),
        ("80", "whole number"),
        (79.5, "whole number"),
    ],
)
def test_an_assessed_course_needs_a_valid_score(personas, past_session, score, message):
    enrolment = attended(past_session, personas.candidate1, personas.office)
    with pytest.raises(TrainingError, match=message) as refused:
        services.record_completion(enrolment, score, actor=personas.office)
    assert refused.value.field == "score"
    assert Enrolment.objects.get(pk=enrolment.pk).state == State.ATTENDED


def test_a_course_without_assessment_is_completed_by_attending(personas, courses):
    session = schedule(courses.rd, days=-3, actor=None)
    enrolment = attended(session, personas.host1, personas.office)
    with pytest.raises(TrainingError, match="has no assessment; leave the score empty"):
        services.record_completion(enrolment, 80, actor=personas.office)
    enrolment = services.record_completion(enrolment, actor=personas.office)
    assert enrolment.state == State.COMPLETED and enrolment.score is None
    assert enrolment.certificate_number.startswith("RD-")


def test_a_result_needs_attendance_first(personas, past_session):
    enrolment = services.enrol(past_session, personas.candidate1, actor=None)
    with pytest.raises(TrainingError, match="attendance first"):
        services.record_completion(enrolment, 90, actor=personas.office)
    services.record_attendance(enrolment, False, actor=personas.office)
    with pytest.raises(TrainingError, match="“Absent”"):
        services.record_completion(enrolment, 90, actor=personas.office)


def test_a_completed_result_is_final(personas, past_session):
    enrolment = attended(past_session, personas.candidate1, personas.office)
    services.record_completion(enrolment, 90, actor=personas.office)
    with pytest.raises(TrainingError, match="already decided"):
        services.record_completion(enrolment, 95, actor=personas.office)
    stored = Enrolment.objects.get(pk=enrolment.pk)
    with pytest.raises(TransitionRefused, match="“completed” to “enrolled”"):
        ENROLMENT_STATES.apply(stored, State.ENROLLED, actor=personas.office)


@pytest.mark.parametrize(
    ("start", "target"),
    [
        ("enrolled", "completed"),
        ("enrolled", "failed"),
        ("absent", "attended"),
        ("cancelled", "enrolled"),
        ("failed", "completed"),
        ("completed", "failed"),
        ("attended", "cancelled"),
    ],
)
def test_moves_outside_the_table_are_refused(personas, past_session, start, target):
    enrolment = Enrolment.objects.create(session=past_session, user=personas.candidate1)
    enrolment.state = start
    enrolment.save()
    with pytest.raises(TransitionRefused):
        ENROLMENT_STATES.apply(enrolment, target, actor=None)


def test_certificate_numbers_count_per_track_and_fiscal_year(personas, courses):
    session = schedule(courses.ps, days=-3, capacity=5, actor=None)
    candidate3 = accounts.create_user(
        username="candidate3", role=Role.CANDIDATE, organisation=None, password=None, actor=None
    )
    people = [personas.candidate1, personas.candidate2, candidate3]
    enrolments = [attended(session, person, personas.office) for person in people]
    march = timezone.make_aware(dt.datetime(2027, 3, 31, 23, 0))
    april = timezone.make_aware(dt.datetime(2027, 4, 1, 9, 0))
    with mock.patch("django.utils.timezone.now", return_value=march):
        first = services.record_completion(enrolments[0], 90, actor=personas.office)
        second = services.record_completion(enrolments[1], 90, actor=personas.office)
    with mock.patch("django.utils.timezone.now", return_value=april):
        third = services.record_completion(enrolments[2], 90, actor=personas.office)
    assert first.certificate_number == "PS-2026-000001"
    assert second.certificate_number == "PS-2026-000002"
    assert third.certificate_number == "PS-2027-000001"


# --- questions other apps ask -------------------------------------------------------------


def test_has_completed_track(personas, past_session, courses):
    assert not services.has_completed_track(personas.candidate1, Track.PUBLIC_SECTOR)
    failed = attended(past_session, personas.candidate1, personas.office)
    services.record_completion(failed, 10, actor=personas.office)
    assert not services.has_completed_track(personas.candidate1, Track.PUBLIC_SECTOR)
    retake = schedule(courses.ps, days=-1, actor=None)
    passed = attended(retake, personas.candidate1, personas.office)
    services.record_completion(passed, 75, actor=personas.office)
    assert services.has_completed_track(personas.candidate1, Track.PUBLIC_SECTOR)
    assert not services.has_completed_track(personas.candidate1, Track.READINESS)
    assert not services.has_completed_track(personas.candidate2, Track.PUBLIC_SECTOR)


def test_completions_for_users(personas, courses):
    office = personas.office
    older = schedule(courses.rd, days=-20, capacity=5, actor=None)
    newer = schedule(courses.rd, days=-2, capacity=5, actor=None)
    for session in (older, newer):
        services.record_completion(attended(session, personas.host1, office), actor=office)
    services.record_attendance(
        services.enrol(newer, personas.host2, actor=None), False, actor=office
    )
    found = services.completions_for_users(
        [personas.host1, personas.host2.pk, personas.host1_head], Track.READINESS
    )
    assert set(found) == {personas.host1.pk}
    assert found[personas.host1.pk].session == newer
    assert services.completions_for_users([personas.host1], Track.PUBLIC_SECTOR) == {}


# --- calendar address ---------------------------------------------------------------------


def test_a_calendar_address_is_made_and_replaced(personas):
    user = personas.candidate1
    assert services.calendar_token(user) is None
    first = services.reset_calendar_token(user, actor=user).token
    assert len(first) >= 40 and services.user_for_calendar_token(first) == user
    second = services.reset_calendar_token(user, actor=user).token
    assert second != first
    assert services.user_for_calendar_token(first) is None
    assert services.user_for_calendar_token(second) == user
    actions = list(
        AuditEvent.objects.filter(action__startswith="training.calendar").values_list(
            "action", flat=True
        )
    )
    assert sorted(actions) == ["training.calendar_token_created", "training.calendar_token_reset"]
    assert not any(first in str(e.changes) for e in AuditEvent.objects.all())


def test_no_one_replaces_another_persons_calendar_address(personas):
    with pytest.raises(PermissionDenied):
        services.reset_calendar_token(personas.candidate2, actor=personas.candidate1)
    assert not CalendarFeed.objects.exists()


def test_a_closed_account_has_no_calendar(personas):
    token = services.reset_calendar_token(personas.host1, actor=personas.host1).token
    personas.host1.is_active = False
    personas.host1.save()
    assert services.user_for_calendar_token(token) is None
