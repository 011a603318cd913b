"""Permission-matrix rows (action, object key, who may); see test_permission_matrix.py.

People: anonymous, office, office_admin, reviewer, candidate1, candidate2, host1, host1_head,
host2, pref1, pref_fukuoka, host_fukuoka.
"""

import datetime as dt

from django.utils import timezone

from ciodispatch import policy
from ciodispatch.training import services
from ciodispatch.training.models import Track
from tests.matrix import OFFICE, PEOPLE

A = policy.Action

ALL = set(PEOPLE)
CANDIDATES = {"candidate1", "candidate2"}
HOSTS = {"host1", "host1_head", "host2", "host_fukuoka"}
COORDINATORS = {"pref1", "pref_fukuoka"}
READINESS_PEOPLE = HOSTS | COORDINATORS

ROWS: list = [
    (A.VIEW_TRAINING_CATALOGUE, None, OFFICE | CANDIDATES | READINESS_PEOPLE),
    # A session: the office, and the people of its track.
    (A.VIEW_TRAINING_SESSION, "training_session_ps", OFFICE | CANDIDATES),
    (A.VIEW_TRAINING_SESSION, "training_session_rd", OFFICE | READINESS_PEOPLE),
    (A.VIEW_TRAINING_SESSION, "training_session_retired", OFFICE),
    (A.ENROL_IN_SESSION, "training_session_ps", CANDIDATES),
    (A.ENROL_IN_SESSION, "training_session_rd", READINESS_PEOPLE),
    (A.ENROL_IN_SESSION, "training_session_retired", set()),
    (A.ENROL_OTHERS, None, OFFICE),
    # An enrolment and its certificate: the person and the office; not a colleague, not the
    # head of the same town, not another candidate.
    (A.CANCEL_ENROLMENT, "training_enrolment_candidate1", OFFICE | {"candidate1"}),
    (A.CANCEL_ENROLMENT, "training_enrolment_host1", OFFICE | {"host1"}),
    (A.DOWNLOAD_TRAINING_CERTIFICATE, "training_enrolment_candidate1", OFFICE | {"candidate1"}),
    (A.DOWNLOAD_TRAINING_CERTIFICATE, "training_enrolment_host1", OFFICE | {"host1"}),
    (A.VIEW_OWN_TRAINING, None, ALL - {"anonymous"}),
    (A.MANAGE_OWN_TRAINING_CALENDAR, None, ALL - {"anonymous"}),
    (A.MANAGE_COURSES, None, OFFICE),
    (A.SCHEDULE_TRAINING_SESSION, None, OFFICE),
    (A.VIEW_TRAINING_ROSTER, "training_session_ps", OFFICE),
    (A.VIEW_TRAINING_ROSTER, "training_session_rd", OFFICE),
    (A.RECORD_ATTENDANCE, "training_enrolment_host1", OFFICE),
    (A.RECORD_COMPLETION, "training_enrolment_candidate1", OFFICE),
]


def build_objects(personas) -> dict:
    """The objects the rows name, built through the services."""
    office = personas.office
    start = timezone.now() + dt.timedelta(days=14)
    public = services.create_course(
        track=Track.PUBLIC_SECTOR,
        title="自治体の予算編成と議会対応",
        has_assessment=True,
        pass_score=60,
        actor=office,
    )
    readiness = services.create_course(
        track=Track.READINESS, title="外部人材の受入れと活用", actor=office
    )
    retired = services.create_course(
        track=Track.PUBLIC_SECTOR, title="旧カリキュラム", actor=office
    )

    def session(course):
        return services.schedule_session(
            course,
            starts_at=start,
            ends_at=start + dt.timedelta(hours=3),
            capacity=10,
            place="霞が関 研修室",
            actor=office,
        )

    session_ps, session_rd, session_retired = session(public), session(readiness), session(retired)
    retired.active = False
    retired.save(update_fields=["active"])
    candidate1 = services.enrol(session_ps, personas.candidate1, actor=personas.candidate1)
    services.record_attendance(candidate1, True, actor=office)
    candidate1 = services.record_completion(candidate1, 80, actor=office)
    host1 = services.enrol(session_rd, personas.host1, actor=personas.host1)
    return {
        "training_session_ps": session_ps,
        "training_session_rd": session_rd,
        "training_session_retired": session_retired,
        "training_enrolment_candidate1": candidate1,
        "training_enrolment_host1": host1,
    }
