"""Who reads the training catalogue, enrols, and runs the sessions.

Candidates take the public-sector track; host heads, liaisons and prefecture coordinators the
readiness track (``TRACK_ROLES``). The office runs both.
"""

from ciodispatch.accounts import roles
from ciodispatch.policy import Action, rule, seen_with
from ciodispatch.training.models import TRACK_ROLES, Enrolment, TrainingSession

rule(
    Action.ENROL_OTHERS,
    Action.MANAGE_COURSES,
    Action.SCHEDULE_TRAINING_SESSION,
    Action.VIEW_TRAINING_ROSTER,
    Action.RECORD_ATTENDANCE,
    Action.RECORD_COMPLETION,
)(roles.office)


rule(Action.VIEW_OWN_TRAINING, Action.MANAGE_OWN_TRAINING_CALENDAR)(roles.signed_in)


@rule(Action.VIEW_TRAINING_CATALOGUE)
def view_catalogue(user, obj) -> bool:
    return roles.is_office(user) or any(roles.role(user) in r for r in TRACK_ROLES.values())


@rule(Action.ENROL_IN_SESSION)
def enrol_in_session(user, session) -> bool:
    """An active course's session, for the roles of its track."""
    return (
        session is not None
        and session.course.active
        and roles.role(user) in TRACK_ROLES.get(session.course.track, frozenset())
    )


@rule(Action.VIEW_TRAINING_SESSION)
def view_session(user, session) -> bool:
    return session is not None and (roles.is_office(user) or enrol_in_session(user, session))


def visible_sessions(user, queryset=None):
    """The list form of ``view_session``: the sessions ``user`` may read (the office: all;
    others: the active courses' sessions of their track)."""
    queryset = TrainingSession.objects.all() if queryset is None else queryset
    if roles.is_office(user):
        return queryset
    tracks = [track for track, allowed in TRACK_ROLES.items() if roles.role(user) in allowed]
    return queryset.filter(course__active=True, course__track__in=tracks)


def sessions_to_record(user, now):
    """Sessions that have ended with someone's attendance or completion still to record
    (the office records them)."""
    if not roles.is_office(user):
        return TrainingSession.objects.none()
    waiting = Enrolment.objects.filter(
        state__in=[Enrolment.State.ENROLLED, Enrolment.State.ATTENDED]
    )
    return visible_sessions(user).filter(ends_at__lt=now, pk__in=waiting.values("session_id"))


@rule(Action.CANCEL_ENROLMENT, Action.DOWNLOAD_TRAINING_CERTIFICATE)
def own_enrolment(user, enrolment) -> bool:
    """An enrolment and its certificate: the person enrolled and the office, no one else."""
    return enrolment is not None and (
        roles.is_office(user) or (user.is_authenticated and enrolment.user_id == user.pk)
    )


# Who may know that one exists: others are answered 404, as for a missing one.
seen_with(TrainingSession, Action.VIEW_TRAINING_SESSION)
seen_with(Enrolment, Action.CANCEL_ENROLMENT)
