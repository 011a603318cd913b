"""The host government's readiness self-assessment (体制整備の自己評価).

The questionnaire is versioned data: a ``Questionnaire`` with its ``Question`` rows and their
``AnswerOption`` rows is never changed once published; a new version is published instead
(``services.publish_questionnaire``), and every ``Assessment`` stays tied to the version it was
started on.
"""

from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from ciodispatch.core.models import actor_field, state_field
from ciodispatch.core.programme import Challenge
from ciodispatch.core.states import StateMachine
from ciodispatch.localgov.models import LocalGovernment


class Dimension(models.TextChoices):
    """What makes an organisation ready for an external CIO (from the study's 成功のポイント,
    its roles 首長 / 外部人材 / フォロワー / 現場人材 and the 仕組み that support them).

    Other apps read these keys (dispatch requests check readiness per dimension).
    """

    HEAD_VISION = "head_vision", _("The head's vision, decision and commitment")
    CIO_AUTHORITY = "cio_authority", _("Authority and an implementation team for the CIO")
    COUNTERPART = "counterpart", _("A counterpart and followers who take ownership")
    COOPERATION = "cooperation", _("Cooperation across departments and municipalities")
    FIELD = "field", _("Involving the front line (field first)")
    STRATEGY = "strategy", _("A strategy for the whole")
    BUDGET = "budget", _("Reviewing existing budgets and using subsidies")


class Questionnaire(models.Model):
    """One published version of the questionnaire. Only one is active (offered to new
    assessments) at a time."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    published_at = models.DateTimeField(_("published"))
    active = models.BooleanField(_("active"), default=True)
    # {dimension: what to do when the dimension as a whole is weak}
    dimension_advice = models.JSONField(_("advice per dimension"), default=dict)

    class Meta:
        ordering = ["-version"]
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        constraints = [
            models.UniqueConstraint(
                fields=["active"],
                condition=models.Q(active=True),
                name="readiness_one_active_questionnaire",
            )
        ]

    def __str__(self):
        return f"readiness questionnaire v{self.version}"


class Question(models.Model):
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, related_name="questions"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    key = models.SlugField(_("key"), max_length=40)
    dimension = models.CharField(_("dimension"), max_length=20, choices=Dimension.choices)
    text = models.TextField(_("question"))
    source = models.TextField(_("source in the study"), blank=True)
    evidence_required = models.BooleanField(_("evidence required"), default=False)
    recommendation = models.TextField(_("what to do when the answer is weak"))

    class Meta:
        ordering = ["questionnaire", "number"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "number"], name="readiness_question_number_unique"
            ),
            models.UniqueConstraint(
                fields=["questionnaire", "key"], name="readiness_question_key_unique"
            ),
        ]

    def __str__(self):
        return f"Q{self.number} {self.text[:40]}"


class AnswerOption(models.Model):
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="options")
    position = models.PositiveSmallIntegerField(_("position"))
    text = models.CharField(_("answer"), max_length=300)
    points = models.PositiveSmallIntegerField(_("points"))

    class Meta:
        ordering = ["question", "position"]
        verbose_name = _("answer option")
        verbose_name_plural = _("answer options")

    def __str__(self):
        return f"{self.text} ({self.points})"


class Assessment(models.Model):
    """One self-assessment of a local government, on one questionnaire version.

    At most one draft per local government; submitted assessments are kept as its history.
    """

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted (final)")

    local_government = models.ForeignKey(
        LocalGovernment,
        on_delete=models.PROTECT,
        related_name="readiness_assessments",
        verbose_name=_("local government"),
    )
    questionnaire = models.ForeignKey(
        Questionnaire,
        on_delete=models.PROTECT,
        related_name="assessments",
        verbose_name=_("questionnaire"),
    )
    state = state_field(State, max_length=20, default=State.DRAFT)
    started_by = actor_field(_("started by"), on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = actor_field(_("submitted by"), on_delete=models.SET_NULL, null=True, blank=True)

    class Meta:
        ordering = ["local_government", "-submitted_at", "-id"]
        verbose_name = _("readiness assessment")
        verbose_name_plural = _("readiness assessments")
        constraints = [
            models.UniqueConstraint(
                fields=["local_government"],
                condition=models.Q(state="draft"),
                name="readiness_one_draft_per_local_government",
            )
        ]

    def __str__(self):
        return f"{self.local_government_id} readiness assessment {self.pk}"

    @property
    def is_draft(self) -> bool:
        return self.state == self.State.DRAFT

    @property
    def is_submitted(self) -> bool:
        return self.state == self.State.SUBMITTED


ASSESSMENT_STATES = StateMachine.define(
    "readiness.Assessment",
    "state",
    initial=Assessment.State.DRAFT,
    table={
        Assessment.State.DRAFT: [Assessment.State.SUBMITTED],
        Assessment.State.SUBMITTED: [],
    },
)


class Answer(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    option = models.ForeignKey(AnswerOption, on_delete=models.PROTECT, related_name="+")
    evidence = models.TextField(_("evidence"), blank=True)

    class Meta:
        ordering = ["assessment", "question__number"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "question"], name="readiness_one_answer_per_question"
            )
        ]

    def __str__(self):
        return f"{self.assessment_id} Q{self.question_id}"


SEVERITY_MAX = 3


class ChallengeRating(models.Model):
    """How badly one of the six common challenges (共通の課題) applies: 0 none – 3 severe."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="challenges")
    challenge = models.CharField(_("challenge"), max_length=30, choices=Challenge.choices)
    severity = models.PositiveSmallIntegerField(
        _("severity"), validators=[MaxValueValidator(SEVERITY_MAX)]
    )

    class Meta:
        ordering = ["assessment", "challenge"]
        verbose_name = _("challenge rating")
        verbose_name_plural = _("challenge ratings")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "challenge"], name="readiness_one_rating_per_challenge"
            )
        ]

    def __str__(self):
        return f"{self.challenge}: {self.severity}"
