"""The two standard training tracks: courses, their sessions, and who took part."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ciodispatch.accounts.models import HOST_ROLES, Role
from ciodispatch.core.models import state_field
from ciodispatch.core.states import StateMachine


class Track(models.TextChoices):
    # 公共での仕事の進め方: for candidate CIOs.
    PUBLIC_SECTOR = "public_sector", _("Public-sector track")
    # 外部人材活用研修: for host-government staff.
    READINESS = "readiness", _("Readiness track")


# Who takes which track (ciodispatch/training/rules.py spells the same out).
TRACK_ROLES: dict[str, frozenset[str]] = {
    Track.PUBLIC_SECTOR: frozenset({Role.CANDIDATE}),
    Track.READINESS: HOST_ROLES | {Role.PREFECTURE_COORDINATOR},
}


def track_for_role(role: str | None) -> str | None:
    """The track a role takes, or None for the office and reviewers."""
    for track, roles in TRACK_ROLES.items():
        if role in roles:
            return str(track)
    return None


# Certificate numbers start with the track's prefix: PS-2026-000123.
CERTIFICATE_PREFIX = {Track.PUBLIC_SECTOR: "PS", Track.READINESS: "RD"}


class Course(models.Model):
    track = models.CharField(_("track"), max_length=20, choices=Track.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    has_assessment = models.BooleanField(_("has an assessment"), default=False)
    pass_score = models.PositiveSmallIntegerField(_("pass score"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["track", "title"]
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        constraints = [
            models.UniqueConstraint(fields=["track", "title"], name="course_title_unique_in_track"),
            # A pass score exactly when there is an assessment, and within 0–100.
            models.CheckConstraint(
                condition=(
                    models.Q(has_assessment=False, pass_score__isnull=True)
                    | models.Q(has_assessment=True, pass_score__gte=0, pass_score__lte=100)
                ),
                name="course_pass_score_with_assessment",
            ),
        ]

    def __str__(self):
        return self.title


class TrainingSession(models.Model):
    course = models.ForeignKey(
        Course, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("course")
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    online = models.BooleanField(_("online"), default=False)
    url = models.URLField(_("online meeting address"), blank=True)
    capacity = models.PositiveIntegerField(_("capacity"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(capacity__gte=1), name="training_session_capacity_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="training_session_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.course} ({self.starts_at:%Y-%m-%d})"

    def taken_seats(self) -> int:
        """Seats held by anyone not cancelled (absent people held theirs)."""
        return self.enrolments.exclude(state=Enrolment.State.CANCELLED).count()

    def remaining_seats(self) -> int:
        return max(self.capacity - self.taken_seats(), 0)


class Enrolment(models.Model):
    class State(models.TextChoices):
        ENROLLED = "enrolled", _("Enrolled")
        ATTENDED = "attended", _("Attended")
        ABSENT = "absent", _("Absent")
        CANCELLED = "cancelled", _("Cancelled")
        COMPLETED = "completed", _("Completed")
        FAILED = "failed", _("Not passed")

    session = models.ForeignKey(
        TrainingSession,
        on_delete=models.PROTECT,
        related_name="enrolments",
        verbose_name=_("session"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="training_enrolments",
        verbose_name=_("participant"),
    )
    state = state_field(State, max_length=10, default=State.ENROLLED)
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    certificate_number = models.CharField(
        _("certificate number"), max_length=20, unique=True, null=True, blank=True
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["session__starts_at", "id"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="one_enrolment_per_session"),
            models.CheckConstraint(
                condition=models.Q(score__isnull=True) | models.Q(score__lte=100),
                name="enrolment_score_at_most_100",
            ),
        ]

    def __str__(self):
        return f"{self.user} — {self.session}"


class CertificateCounter(models.Model):
    """The last certificate number issued per track and fiscal year (row-locked when used)."""

    prefix = models.CharField(max_length=4)
    fiscal_year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["prefix", "fiscal_year"], name="certificate_counter_unique"
            )
        ]

    def __str__(self):
        return f"{self.prefix}-{self.fiscal_year}: {self.last}"


class CalendarFeed(models.Model):
    """A person's secret calendar address: calendar apps cannot sign in, so the token is the key."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="training_calendar",
        verbose_name=_("user"),
    )
    token = models.CharField(_("token"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self):
        return f"{self.user} calendar"


ENROLMENT_STATES = StateMachine.define(
    "training.Enrolment",
    "state",
    initial=Enrolment.State.ENROLLED,
    table={
        Enrolment.State.ENROLLED: [
            Enrolment.State.ATTENDED,
            Enrolment.State.ABSENT,
            Enrolment.State.CANCELLED,
        ],
        Enrolment.State.ATTENDED: [Enrolment.State.COMPLETED, Enrolment.State.FAILED],
    },
)
