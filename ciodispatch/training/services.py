"""Writes to training: courses, sessions, enrolments, results and calendar links.

Also the questions other apps ask of training: ``has_completed_track`` (a host's named staff
took the readiness track; a candidate passed the public-sector track) and
``completions_for_users``. ``actor`` None is the system (commands, the demo): the policy does
not restrict it, and it may record sessions that already took place.
"""

import datetime as dt
import secrets
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ciodispatch import policy
from ciodispatch.audit.services import record
from ciodispatch.core.dates import fiscal_year
from ciodispatch.core.errors import Refusal
from ciodispatch.training.models import (
    CERTIFICATE_PREFIX,
    ENROLMENT_STATES,
    CalendarFeed,
    CertificateCounter,
    Course,
    Enrolment,
    Track,
    TrainingSession,
    track_for_role,
)

State = Enrolment.State


class TrainingError(Refusal, ValueError):
    """A training change was refused; the message says what to do instead.

    ``field`` names the form field the problem is about, when there is one.
    """


def _score_value(value, *, field: str, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
        raise TrainingError(
            _("The %(what)s must be a whole number from 0 to 100.") % {"what": what},
            field=field,
        )
    return value


def _aware(value: dt.datetime) -> dt.datetime:
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _name(user) -> str:
    return getattr(user, "display_name", None) or user.get_username()


# --- courses and sessions ---------------------------------------------------------------


@transaction.atomic
def create_course(
    *,
    track: str,
    title: str,
    description: str = "",
    has_assessment: bool = False,
    pass_score: int | None = None,
    actor,
) -> Course:
    """Add a course to a track; with an assessment it needs a pass score from 0 to 100."""
    if actor is not None:
        policy.require(actor, policy.Action.MANAGE_COURSES)
    if track not in Track.values:
        raise TrainingError(_("Choose the track: public-sector or readiness."), field="track")
    title = title.strip()
    if not title:
        raise TrainingError(_("Give the course a title."), field="title")
    if Course.objects.filter(track=track, title=title).exists():
        raise TrainingError(
            _("The track already has a course titled “%s”; schedule a new session of it instead.")
            % title,
            field="title",
        )
    if has_assessment:
        if pass_score is None:
            raise TrainingError(
                _("Give the pass score (0 to 100) of the assessment."), field="pass_score"
            )
        pass_score = _score_value(pass_score, field="pass_score", what=_("pass score"))
    elif pass_score is not None:
        raise TrainingError(
            _("A pass score needs an assessment: tick “Has an assessment” or leave it empty."),
            field="pass_score",
        )
    course = Course.objects.create(
        track=track,
        title=title,
        description=description.strip(),
        has_assessment=has_assessment,
        pass_score=pass_score,
    )
    record(
        actor=actor,
        action="training.course_created",
        target=course,
        changes={"track": track, "has_assessment": has_assessment, "pass_score": pass_score},
    )
    return course


@transaction.atomic
def schedule_session(
    course: Course,
    *,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    capacity: int,
    place: str = "",
    online: bool = False,
    url: str = "",
    actor,
) -> TrainingSession:
    """Schedule a session of a course, in a place, online, or both."""
    if actor is not None:
        policy.require(actor, policy.Action.SCHEDULE_TRAINING_SESSION)
    if not course.active:
        raise TrainingError(
            _("“%s” is no longer offered; choose an active course.") % course, field="course"
        )
    starts_at, ends_at = _aware(starts_at), _aware(ends_at)
    if actor is not None and starts_at <= timezone.now():
        raise TrainingError(
            _("The session cannot start in the past; choose a start later than now."),
            field="starts_at",
        )
    if ends_at <= starts_at:
        raise TrainingError(
            _("The session must end after it starts; choose a later end time."), field="ends_at"
        )
    if isinstance(capacity, bool) or not isinstance(capacity, int) or capacity < 1:
        raise TrainingError(
            _("The capacity must be a whole number of at least 1 person."), field="capacity"
        )
    place, url = place.strip(), url.strip()
    if online:
        if not url:
            raise TrainingError(
                _("Give the address of the online meeting (https://…)."), field="url"
            )
        try:
            URLValidator(schemes=["https", "http"])(url)
        except ValidationError as exc:
            raise TrainingError(
                _("The online meeting address must be a web address starting with https://."),
                field="url",
            ) from exc
    else:
        if url:
            raise TrainingError(
                _("Tick “Online” for a session with a meeting address, or remove the address."),
                field="url",
            )
        if not place:
            raise TrainingError(
                _("Give the place of the session, or tick “Online” and give the address."),
                field="place",
            )
    session = TrainingSession.objects.create(
        course=course,
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=capacity,
        place=place,
        online=online,
        url=url,
    )
    record(
        actor=actor,
        action="training.session_scheduled",
        target=session,
        changes={
            "course": course.pk,
            "starts_at": starts_at.isoformat(),
            "ends_at": ends_at.isoformat(),
            "capacity": capacity,
            "place": place,
            "online": online,
        },
    )
    return session


# --- enrolment and results --------------------------------------------------------------


@transaction.atomic
def enrol(session: TrainingSession, user, *, actor) -> Enrolment:
    """Give ``user`` a place in ``session``.

    People enrol themselves in their own track (candidates: public-sector; host heads,
    liaisons and prefecture coordinators: readiness). The office may enrol anyone.
    """
    by_office = actor is not None and actor.pk != user.pk
    if by_office:
        policy.require(actor, policy.Action.ENROL_OTHERS)
    # Lock the session so that two people cannot take its last seat at once.
    session = (
        TrainingSession.objects.select_for_update().select_related("course").get(pk=session.pk)
    )
    course = session.course
    if not course.active:
        raise TrainingError(_("“%s” is no longer offered; choose an active course.") % course)
    if not user.is_active:
        raise TrainingError(_("%s's account is closed; it cannot be enrolled.") % _name(user))
    if not by_office:
        own_track = track_for_role(getattr(user, "role", None))
        if own_track != course.track:
            if own_track is None:
                raise TrainingError(
                    _("Your role takes no training track; the office enrols staff who need one.")
                )
            raise TrainingError(
                _("“%(course)s” is in the %(track)s; your role takes the %(own)s.")
                % {
                    "course": course,
                    "track": course.get_track_display(),
                    "own": Track(own_track).label,
                }
            )
        if actor is not None:
            policy.require(actor, policy.Action.ENROL_IN_SESSION, session)
    if actor is not None and session.starts_at <= timezone.now():
        raise TrainingError(_("This session has already started; choose a later session."))
    existing = Enrolment.objects.filter(session=session, user=user).first()
    if existing is not None:
        if existing.state == State.CANCELLED:
            raise TrainingError(
                _("%s cancelled the place in this session; choose another session.") % _name(user)
            )
        raise TrainingError(_("%s is already enrolled in this session.") % _name(user))
    if session.taken_seats() >= session.capacity:
        raise TrainingError(_("This session is full; choose another session."))
    enrolment = Enrolment.objects.create(session=session, user=user)
    record(
        actor=actor,
        action="training.enrolment.enrolled",
        target=enrolment,
        changes={"session": session.pk, "user": user.get_username(), "by_office": by_office},
    )
    return enrolment


def _locked(enrolment: Enrolment) -> Enrolment:
    return (
        Enrolment.objects.select_for_update()
        .select_related("session__course", "user")
        .get(pk=enrolment.pk)
    )


@transaction.atomic
def cancel_enrolment(enrolment: Enrolment, *, actor, reason: str = "") -> Enrolment:
    """Give a place back. Participants can do so until the session starts; the office, later."""
    if actor is not None:
        policy.require(actor, policy.Action.CANCEL_ENROLMENT, enrolment)
    enrolment = _locked(enrolment)
    if enrolment.state != State.ENROLLED:
        raise TrainingError(
            _("Only a place not yet attended can be cancelled; this one is “%s”.")
            % enrolment.get_state_display()
        )
    by_participant = actor is not None and actor.pk == enrolment.user_id
    if by_participant and enrolment.session.starts_at <= timezone.now():
        raise TrainingError(
            _("The session has started; ask the programme office to record your absence.")
        )
    ENROLMENT_STATES.apply(enrolment, State.CANCELLED, actor=actor, reason=reason)
    return enrolment


@transaction.atomic
def record_attendance(enrolment: Enrolment, attended: bool, *, actor) -> Enrolment:
    """Record whether the participant came to the session (attended or absent)."""
    if actor is not None:
        policy.require(actor, policy.Action.RECORD_ATTENDANCE, enrolment)
    enrolment = _locked(enrolment)
    if enrolment.state != State.ENROLLED:
        raise TrainingError(
            _("Attendance is recorded once, for an enrolled participant; %(name)s is “%(state)s”.")
            % {"name": _name(enrolment.user), "state": enrolment.get_state_display()}
        )
    ENROLMENT_STATES.apply(enrolment, State.ATTENDED if attended else State.ABSENT, actor=actor)
    return enrolment


def _next_certificate_number(track: str, year: int) -> str:
    prefix = CERTIFICATE_PREFIX[Track(track)]
    CertificateCounter.objects.get_or_create(prefix=prefix, fiscal_year=year)
    counter = CertificateCounter.objects.select_for_update().get(prefix=prefix, fiscal_year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{prefix}-{year}-{counter.last:06d}"


@transaction.atomic
def record_completion(enrolment: Enrolment, score: int | None = None, *, actor) -> Enrolment:
    """Record the result of an attended participant: completed (with a certificate) or failed.

    A course with an assessment needs the score (0–100): below the pass score is failed. A
    course without one takes no score and is completed by attending.
    """
    if actor is not None:
        policy.require(actor, policy.Action.RECORD_COMPLETION, enrolment)
    enrolment = _locked(enrolment)
    course = enrolment.session.course
    if enrolment.state == State.ENROLLED:
        raise TrainingError(
            _("Record %s's attendance first; a result follows attendance.") % _name(enrolment.user)
        )
    if enrolment.state != State.ATTENDED:
        raise TrainingError(
            _("%(name)s's result is already decided or cannot be: “%(state)s”.")
            % {"name": _name(enrolment.user), "state": enrolment.get_state_display()}
        )
    if course.has_assessment:
        if score is None:
            raise TrainingError(
                _("This course has an assessment: give %s's score (0 to 100).")
                % _name(enrolment.user),
                field="score",
            )
        score = _score_value(score, field="score", what=_("score"))
        assert course.pass_score is not None  # the model's constraint
        passed = score >= course.pass_score
    else:
        if score is not None:
            raise TrainingError(
                _("This course has no assessment; leave the score empty."), field="score"
            )
        passed = True
    enrolment.score = score
    if passed:
        now = timezone.now()
        enrolment.completed_at = now
        enrolment.certificate_number = _next_certificate_number(
            course.track, fiscal_year(timezone.localdate(now))
        )
        ENROLMENT_STATES.apply(
            enrolment,
            State.COMPLETED,
            actor=actor,
            update_fields=["score", "completed_at", "certificate_number", "updated_at"],
            changes={"score": score, "certificate_number": enrolment.certificate_number},
        )
    else:
        ENROLMENT_STATES.apply(
            enrolment,
            State.FAILED,
            actor=actor,
            update_fields=["score", "updated_at"],
            changes={"score": score, "pass_score": course.pass_score},
        )
    return enrolment


# --- calendar ---------------------------------------------------------------------------


@transaction.atomic
def reset_calendar_token(user, *, actor) -> CalendarFeed:
    """Give ``user`` a new secret calendar address; the previous one stops working."""
    if actor is not None:
        policy.require(actor, policy.Action.MANAGE_OWN_TRAINING_CALENDAR)
        if actor.pk != user.pk:
            raise PermissionDenied("only your own calendar address")
    feed, created = CalendarFeed.objects.update_or_create(
        user=user, defaults={"token": secrets.token_urlsafe(32)}
    )
    # The token itself is a secret: it stays out of the audit trail.
    record(
        actor=actor,
        action="training.calendar_token_created" if created else "training.calendar_token_reset",
        target=feed,
    )
    return feed


def calendar_token(user) -> str | None:
    feed = CalendarFeed.objects.filter(user=user).first()
    return feed.token if feed is not None else None


def user_for_calendar_token(token: str):
    """The active user whose calendar address this is, or None."""
    feed = CalendarFeed.objects.select_related("user").filter(token=token).first()
    if feed is None or not feed.user.is_active:
        return None
    return feed.user


# --- questions other apps ask -----------------------------------------------------------


def has_completed_track(user, track: str) -> bool:
    """Has ``user`` completed (and, where assessed, passed) a course of ``track``?"""
    return Enrolment.objects.filter(
        user=user, session__course__track=track, state=State.COMPLETED
    ).exists()


def completions_for_users(users: Iterable, track: str) -> dict[int, Enrolment]:
    """For each user (or user id) who completed ``track``: their latest completed enrolment.

    Users without a completion are absent from the result; keys are user ids.
    """
    ids = [getattr(user, "pk", user) for user in users]
    found: dict[int, Enrolment] = {}
    completed = (
        Enrolment.objects.filter(user_id__in=ids, session__course__track=track)
        .filter(state=State.COMPLETED)
        .select_related("session__course", "user")
        .order_by("user_id", "completed_at", "id")
    )
    for enrolment in completed:
        found[enrolment.user_id] = enrolment  # later ones replace earlier ones
    return found


def erase_calendar_feed(user) -> None:
    """An erased candidate's secret calendar address goes (called by the candidates' erasure,
    which sits above training).
    The enrolments stay: completion and certificate numbers are the programme's record, and
    they name only the account, renamed erased-<id>."""
    for feed in CalendarFeed.objects.filter(user=user):
        record(actor=None, action="training.calendar_feed_erased", target=feed)
        feed.delete()
