import datetime as dt
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from ciodispatch.candidates.choices import MAX_TERM_MONTHS, MIN_TERM_MONTHS, WorkPattern, WorkPlace
from ciodispatch.core.choices import choice_labels
from ciodispatch.core.models import actor_field, state_field
from ciodispatch.core.programme import ChallengeLabels
from ciodispatch.core.states import StateMachine
from ciodispatch.localgov.models import LocalGovernment, LocalGovernmentGroup


class AppointmentForm(models.TextChoices):
    SPECIAL_PART_TIME = "special_part_time", _("Special part-time official (特別職非常勤職員)")
    FIXED_TERM = "fixed_term", _("Fixed-term official (任期付職員)")
    OUTSOURCING = "outsourcing", _("Service contract (業務委託)")
    SECONDMENT = "secondment", _("Secondment (出向)")
    SIDE_JOB = "side_job", _("Side job, 1–3 days a week (副業)")


class RequestRound(models.Model):
    """One fiscal year's call for dispatch requests and its eligibility conditions."""

    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"), unique=True)
    title = models.CharField(_("title"), max_length=100)
    requests_open = models.DateField(_("requests open"))
    requests_close = models.DateField(_("requests close"))
    dispatch_start = models.DateField(_("dispatches start"))
    population_limit = models.PositiveIntegerField(
        _("population limit"),
        null=True,
        blank=True,
        default=50_000,
        help_text=_("Empty: no limit. A joint request: every member must be within it."),
    )
    require_readiness_training = models.BooleanField(_("readiness training required"), default=True)
    require_commitment = models.BooleanField(_("head's commitment required"), default=True)
    require_authority = models.BooleanField(_("authority statement required"), default=True)
    min_readiness_score = models.PositiveSmallIntegerField(
        _("minimum readiness score per dimension"),
        null=True,
        blank=True,
        default=60,
        validators=[MaxValueValidator(100)],
        help_text=_("Empty: no assessment required."),
    )
    max_fiscal_strength = models.DecimalField(
        _("fiscal strength index below"),
        max_digits=4,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Empty: no rule. E.g. 1.00 excludes hosts at 1.00 or above."),
    )

    max_total_term_months = models.PositiveSmallIntegerField(
        _("longest term with extensions (months)"),
        default=36,
        validators=[MinValueValidator(MAX_TERM_MONTHS), MaxValueValidator(60)],
        help_text=_("A dispatch of this round cannot be extended beyond this many months."),
    )

    class Meta:
        ordering = ["-fiscal_year"]
        verbose_name = _("request round")
        verbose_name_plural = _("request rounds")

    def __str__(self):
        return self.title

    def is_open(self, day: dt.date) -> bool:
        return self.requests_open <= day <= self.requests_close


class DispatchRequest(ChallengeLabels, models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted, awaiting the head's commitment")
        COMMITTED = "committed", _("Committed")
        ELIGIBLE = "eligible", _("Eligible")
        NOT_ELIGIBLE = "not_eligible", _("Not eligible")
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", _("Returned with comments")
        REJECTED = "rejected", _("Rejected")

    request_round = models.ForeignKey(
        RequestRound, on_delete=models.PROTECT, related_name="requests"
    )
    host = models.ForeignKey(
        LocalGovernment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dispatch_requests",
    )
    group = models.ForeignKey(
        LocalGovernmentGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dispatch_requests",
    )
    filed_by = actor_field()
    state = state_field(State, max_length=14, default=State.DRAFT, db_index=True)
    # Theme and goals
    title = models.CharField(_("reform theme"), max_length=120, blank=True)
    goals = models.TextField(_("goals"), blank=True)
    challenges = models.JSONField(_("challenges addressed"), default=list, blank=True)
    # The CIO wanted
    skill_roles = models.JSONField(_("roles wanted"), default=list, blank=True)
    term_months = models.PositiveSmallIntegerField(
        _("term (months)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(MIN_TERM_MONTHS), MaxValueValidator(MAX_TERM_MONTHS)],
    )
    start_date = models.DateField(_("start"), null=True, blank=True)
    work_pattern = models.CharField(
        _("working pattern"), max_length=10, choices=WorkPattern.choices, blank=True
    )
    days_per_week = models.PositiveSmallIntegerField(_("days a week"), null=True, blank=True)
    work_place = models.CharField(_("where"), max_length=10, choices=WorkPlace.choices, blank=True)
    appointment_form = models.CharField(
        _("form of appointment"), max_length=20, choices=AppointmentForm.choices, blank=True
    )
    # Money and vendors
    budget_yen = models.PositiveBigIntegerField(_("budget (yen a year)"), null=True, blank=True)
    pay_yen_per_month = models.PositiveIntegerField(
        _("pay offered (yen a month)"), null=True, blank=True
    )
    vendors = models.JSONField(_("vendors supplying the host's systems"), default=list, blank=True)
    no_vendors = models.BooleanField(_("no vendor to declare"), default=False)
    # Authority and people
    authority_statement = models.TextField(_("authority granted to the CIO"), blank=True)
    liaison = actor_field(_("CIO liaison"), null=True, blank=True)
    counterpart = actor_field(_("counterpart (follower)"), null=True, blank=True)
    # Milestones
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    committed_by = actor_field(null=True, blank=True)
    committed_at = models.DateTimeField(null=True, blank=True)
    commitment_text = models.TextField(blank=True)
    eligibility = models.JSONField(
        _("eligibility at the last evaluation"), default=list, blank=True
    )
    office_comment = models.TextField(_("office's comment"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(host__isnull=False, group__isnull=True)
                    | models.Q(host__isnull=True, group__isnull=False)
                ),
                name="request_for_one_host_or_one_group",
            )
        ]
        verbose_name = _("dispatch request")
        verbose_name_plural = _("dispatch requests")

    def __str__(self):
        return f"{self.requester_name}: {self.title or _('(untitled)')}"

    @property
    def is_joint(self) -> bool:
        return self.group_id is not None

    @property
    def requester_name(self) -> str:
        return str(self.group) if self.group_id else str(self.host)

    def members(self) -> list[LocalGovernment]:
        if self.group is not None:
            return list(self.group.members.all())
        return [self.host] if self.host else []

    def prefecture_codes(self) -> set[str]:
        codes = {m.prefecture_code for m in self.members()}
        if self.group is not None:
            codes.add(self.group.lead.prefecture_code)
        return codes

    @property
    def is_editable(self) -> bool:
        return self.state in (self.State.DRAFT, self.State.RETURNED)

    @property
    def role_labels(self) -> list[str]:
        from ciodispatch.candidates.choices import SkillRole

        return choice_labels(SkillRole, self.skill_roles)

    @property
    def total_population(self) -> int:
        return sum(m.population or 0 for m in self.members())


REQUEST_STATES = StateMachine.define(
    "requests.DispatchRequest",
    "state",
    initial=DispatchRequest.State.DRAFT,
    table={
        DispatchRequest.State.DRAFT: [DispatchRequest.State.SUBMITTED],
        DispatchRequest.State.SUBMITTED: [
            DispatchRequest.State.COMMITTED,
            DispatchRequest.State.RETURNED,
        ],
        DispatchRequest.State.COMMITTED: [
            DispatchRequest.State.ELIGIBLE,
            DispatchRequest.State.NOT_ELIGIBLE,
        ],
        DispatchRequest.State.ELIGIBLE: [
            DispatchRequest.State.APPROVED,
            DispatchRequest.State.RETURNED,
            DispatchRequest.State.REJECTED,
            DispatchRequest.State.NOT_ELIGIBLE,
        ],
        DispatchRequest.State.NOT_ELIGIBLE: [
            DispatchRequest.State.ELIGIBLE,
            DispatchRequest.State.RETURNED,
        ],
        DispatchRequest.State.RETURNED: [DispatchRequest.State.SUBMITTED],
    },
)


class KPI(models.Model):
    request = models.ForeignKey(DispatchRequest, on_delete=models.CASCADE, related_name="kpis")
    name = models.CharField(_("indicator"), max_length=100)
    unit = models.CharField(_("unit"), max_length=20)
    baseline = models.DecimalField(_("baseline"), max_digits=14, decimal_places=2)
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return self.name


class MemberConfirmation(models.Model):
    """A member's head confirms taking part in a joint request (their written commitment)."""

    request = models.ForeignKey(
        DispatchRequest, on_delete=models.CASCADE, related_name="confirmations"
    )
    member = models.ForeignKey(LocalGovernment, on_delete=models.PROTECT, related_name="+")
    confirmed_by = actor_field()
    head_name = models.CharField(_("head's name"), max_length=50)
    confirmed_at = models.DateTimeField(auto_now_add=True)
    text = models.TextField(_("text confirmed"))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["request", "member"], name="one_confirmation_per_member"
            )
        ]

    def __str__(self):
        return f"{self.member} ({self.head_name})"


ZERO = Decimal("0")
