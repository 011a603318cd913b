import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ciodispatch.candidates.choices import (
    MAX_TERM_MONTHS,
    MIN_TERM_MONTHS,
    AffiliationKind,
    SkillLevel,
    SkillRole,
    WorkPattern,
    WorkPlace,
)
from ciodispatch.core.choices import choice_labels
from ciodispatch.core.models import state_field
from ciodispatch.core.states import StateMachine


class ReviewRound(models.Model):
    """One fiscal year's screening: the criteria reviewers score applications against."""

    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"), unique=True)
    title = models.CharField(_("title"), max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-fiscal_year"]
        verbose_name = _("review round")
        verbose_name_plural = _("review rounds")

    def __str__(self):
        return self.title


class ReviewCriterion(models.Model):
    review_round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="criteria")
    key = models.SlugField(_("key"), max_length=40)
    title = models.CharField(_("title"), max_length=100)
    description = models.TextField(_("what to look for"), blank=True)
    weight = models.PositiveSmallIntegerField(
        _("weight"), default=1, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["review_round", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["review_round", "key"], name="unique_criterion_key")
        ]
        verbose_name = _("review criterion")
        verbose_name_plural = _("review criteria")

    def __str__(self):
        return self.title


class Application(models.Model):
    """A candidate's file, from the first draft to certification and beyond.

    Its ``state`` is the certification state (CERTIFICATION below).
    """

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPLIED = "applied", _("Applied")
        SCREENING = "screening", _("Screening")
        INTERVIEW = "interview", _("Interview")
        TRAINING = "training", _("Public-sector training")
        CERTIFIED = "certified", _("Certified")
        REJECTED = "rejected", _("Not selected")
        EXPIRED = "expired", _("Expired")
        SUSPENDED = "suspended", _("Suspended")
        REVOKED = "revoked", _("Revoked")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="application"
    )
    state = state_field(State, max_length=12, default=State.DRAFT, db_index=True)
    review_round = models.ForeignKey(
        ReviewRound, on_delete=models.PROTECT, null=True, blank=True, related_name="applications"
    )
    # Identity and contact
    family_name = models.CharField(_("family name"), max_length=50, blank=True)
    given_name = models.CharField(_("given name"), max_length=50, blank=True)
    family_name_kana = models.CharField(_("family name (kana)"), max_length=50, blank=True)
    given_name_kana = models.CharField(_("given name (kana)"), max_length=50, blank=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("telephone"), max_length=20, blank=True)
    prefecture_code = models.CharField(_("prefecture of residence"), max_length=2, blank=True)
    # Career
    has_public_sector_experience = models.BooleanField(
        _("public-sector experience"), null=True, blank=True
    )
    # Domains
    domains = models.JSONField(_("domains"), default=list, blank=True)
    domains_other = models.CharField(_("other domains"), max_length=200, blank=True)
    # Availability
    earliest_start = models.DateField(_("earliest start"), null=True, blank=True)
    term_months = models.PositiveSmallIntegerField(
        _("term wanted (months)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(MIN_TERM_MONTHS), MaxValueValidator(MAX_TERM_MONTHS)],
    )
    work_pattern = models.CharField(
        _("working pattern"), max_length=10, choices=WorkPattern.choices, blank=True
    )
    days_per_week = models.PositiveSmallIntegerField(
        _("days a week"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(3)],
    )
    work_place = models.CharField(_("where"), max_length=10, choices=WorkPlace.choices, blank=True)
    regions = models.JSONField(_("regions acceptable"), default=list, blank=True)
    # Vendor affiliations: the candidate states there are none, or lists them.
    no_vendor_affiliations = models.BooleanField(_("no vendor affiliations"), default=False)
    # Motivation
    motivation = models.TextField(_("statement of motivation"), blank=True)
    # Documents
    cv = models.FileField(_("CV (PDF)"), upload_to="cv/%Y/", blank=True)
    cv_uploaded_at = models.DateTimeField(null=True, blank=True)
    # Consent to the purpose of use of personal data (個人情報の利用目的)
    consent_version = models.CharField(_("consent version"), max_length=20, blank=True)
    consent_at = models.DateTimeField(_("consent given"), null=True, blank=True)
    # Milestones
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    certified_at = models.DateTimeField(_("certified"), null=True, blank=True)
    certified_until = models.DateField(_("certified until"), null=True, blank=True)
    erased_at = models.DateTimeField(_("personal data erased"), null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")

    def __str__(self):
        # Neutral on purpose: this is what the audit log keeps, and it must survive erasure.
        return f"Application {self.pk}"

    @property
    def full_name(self) -> str:
        return f"{self.family_name} {self.given_name}".strip()

    @property
    def full_name_kana(self) -> str:
        return f"{self.family_name_kana} {self.given_name_kana}".strip()

    @property
    def domain_labels(self) -> str:
        from ciodispatch.candidates.choices import Domain

        return "、".join(choice_labels(Domain, self.domains))

    @property
    def region_labels(self) -> str:
        from ciodispatch.localgov.regions import Region

        return "、".join(choice_labels(Region, self.regions))

    @property
    def is_editable(self) -> bool:
        return self.state == self.State.DRAFT

    # The states in which reviewers work on a file; their access ends with them.
    REVIEW_STATES = (State.APPLIED, State.SCREENING, State.INTERVIEW)

    @property
    def is_under_review(self) -> bool:
        return self.state in self.REVIEW_STATES

    def certification_valid_on(self, day: dt.date | None = None) -> bool:
        day = day or timezone.localdate()
        return (
            self.state == self.State.CERTIFIED
            and self.certified_until is not None
            and day <= self.certified_until
        )


CERTIFICATION = StateMachine.define(
    "candidates.Application",
    "state",
    initial=Application.State.DRAFT,
    table={
        Application.State.DRAFT: [Application.State.APPLIED],
        Application.State.APPLIED: [Application.State.SCREENING, Application.State.WITHDRAWN],
        Application.State.SCREENING: [
            Application.State.INTERVIEW,
            Application.State.TRAINING,
            Application.State.REJECTED,
            Application.State.WITHDRAWN,
        ],
        Application.State.INTERVIEW: [
            Application.State.TRAINING,
            Application.State.REJECTED,
            Application.State.WITHDRAWN,
        ],
        Application.State.TRAINING: [Application.State.CERTIFIED, Application.State.WITHDRAWN],
        Application.State.CERTIFIED: [
            Application.State.EXPIRED,
            Application.State.SUSPENDED,
            Application.State.REVOKED,
        ],
        Application.State.SUSPENDED: [Application.State.CERTIFIED, Application.State.REVOKED],
        Application.State.EXPIRED: [Application.State.CERTIFIED],
    },
)


class CareerEntry(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="career")
    organisation = models.CharField(_("organisation"), max_length=100)
    role = models.CharField(_("role or title"), max_length=100)
    start_year = models.PositiveSmallIntegerField(_("from (year)"))
    end_year = models.PositiveSmallIntegerField(_("to (year)"), null=True, blank=True)
    public_sector = models.BooleanField(_("public sector"), default=False)
    description = models.TextField(_("what you did"), blank=True)

    class Meta:
        ordering = ["-start_year", "id"]

    def __str__(self):
        return f"{self.organisation} ({self.start_year}–{self.end_year or ''})"


class SkillClaim(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="skills")
    role = models.CharField(_("role"), max_length=20, choices=SkillRole.choices)
    level = models.PositiveSmallIntegerField(_("level"), choices=SkillLevel.choices)
    evidence = models.TextField(_("evidence"))

    class Meta:
        ordering = ["application", "role"]
        constraints = [
            models.UniqueConstraint(fields=["application", "role"], name="unique_skill_role")
        ]

    def __str__(self):
        return f"{self.get_role_display()} {self.level}"


class VendorAffiliation(models.Model):
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="vendor_affiliations"
    )
    vendor = models.CharField(_("vendor"), max_length=100)
    kind = models.CharField(_("relation"), max_length=12, choices=AffiliationKind.choices)
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("to"), null=True, blank=True, help_text=_("Empty if current."))

    class Meta:
        ordering = ["vendor"]

    def __str__(self):
        return self.vendor


class ReviewAssignment(models.Model):
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="assignments"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="review_assignments"
    )
    assigned_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(_("scores submitted"), null=True, blank=True)

    class Meta:
        ordering = ["assigned_at"]
        constraints = [
            models.UniqueConstraint(fields=["application", "reviewer"], name="unique_assignment")
        ]

    def __str__(self):
        return f"{self.application} ← {self.reviewer}"


class ConflictDeclaration(models.Model):
    """A reviewer cannot judge this candidate (knows them, worked with them, ...)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="conflicts")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="declared_conflicts"
    )
    reason = models.TextField(_("reason"))
    declared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["application", "reviewer"], name="unique_conflict")
        ]

    def __str__(self):
        return f"{self.reviewer} × {self.application}"


class Score(models.Model):
    assignment = models.ForeignKey(
        ReviewAssignment, on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey(ReviewCriterion, on_delete=models.PROTECT, related_name="scores")
    score = models.PositiveSmallIntegerField(
        _("score"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("comment"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assignment", "criterion"], name="unique_score"),
            models.CheckConstraint(
                condition=models.Q(score__gte=1, score__lte=5), name="score_between_1_and_5"
            ),
        ]

    def __str__(self):
        return f"{self.criterion}: {self.score}"


class Interview(models.Model):
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="interviews"
    )
    scheduled_at = models.DateTimeField(_("date and time"))
    place = models.CharField(_("place or online meeting"), max_length=200)
    interviewers = models.CharField(_("interviewers"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["scheduled_at"]

    def __str__(self):
        return f"{self.application} {self.scheduled_at:%Y-%m-%d %H:%M}"


class DeletionRequest(models.Model):
    class State(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        COMPLETED = "completed", _("Completed")

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="deletion_requests"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.REQUESTED)
    requested_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self):
        return f"{self.application} ({self.get_state_display()})"


DELETION = StateMachine.define(
    "candidates.DeletionRequest",
    "state",
    initial=DeletionRequest.State.REQUESTED,
    table={DeletionRequest.State.REQUESTED: [DeletionRequest.State.COMPLETED]},
)
