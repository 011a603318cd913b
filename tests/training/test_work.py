"""The work training creates (training/work.py): past sessions whose attendance or
completion the office has still to record; the count is what the linked catalogue shows."""

from django.utils import timezone

from ciodispatch.training import services
from tests.conftest import verified_client
from tests.training.conftest import schedule
from tests.work_lists import listed, task

SESSION = r"/training/sessions/(\d+)/"


def test_the_office_records_attendance_and_completion_after_a_session(
    client, personas, courses, sessions, past_session
):
    today = timezone.localdate()
    office = personas.office
    # last week: candidate1 enrolled, attendance not recorded
    services.enrol(past_session, personas.candidate1, actor=None)
    # two weeks ago, readiness track: attended, completion not recorded
    readiness = schedule(courses.rd, days=-14, capacity=5, actor=None)
    services.record_attendance(
        services.enrol(readiness, personas.host1, actor=None), True, actor=office
    )
    # three weeks ago: every record made (absent; completed)
    done = schedule(courses.ps, days=-21, capacity=5, actor=None)
    services.record_attendance(
        services.enrol(done, personas.candidate2, actor=None), False, actor=office
    )
    completed = services.record_attendance(
        services.enrol(done, personas.candidate1, actor=None), True, actor=office
    )
    services.record_completion(completed, 80, actor=office)
    # upcoming, with a place taken: nothing to record yet
    services.enrol(sessions.ps, personas.candidate2, actor=personas.candidate2)

    found = task("training.records", office, today)
    assert found.count == 2 and found.due is None
    client = verified_client(client, office)
    assert sorted(listed(client, found.url, SESSION)) == sorted([past_session.pk, readiness.pk])
    assert sorted(listed(client, "/training/", SESSION)) == sorted([sessions.ps.pk, sessions.rd.pk])
    for other in (personas.candidate1, personas.host1, personas.pref1, personas.reviewer):
        assert task("training.records", other, today) is None

    enrolment = past_session.enrolments.get()
    services.record_attendance(enrolment, False, actor=office)
    assert task("training.records", office, today).count == 1
