"""Incentives for hosting a certified CIO: rules as data, claims, the programme budget.

A programme (特別交付税措置 or 補助金) has one rule per fiscal year, kept as versions that are
never edited in place: a change by an office admin adds a version, and a claim records the exact
version it was computed under. A host files one claim per dispatch, fiscal year and programme;
the office approves (possibly adjusting the amount), rejects or returns it, and records the
payment. Approvals are checked against the programme budget of the fiscal year.
"""

from decimal import Decimal
from typing import Any

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from ciodispatch.core.models import StoredDocument, actor_field, state_field
from ciodispatch.core.states import StateMachine
from ciodispatch.incentives.calculation import COST_ITEMS, FLOOR, HALF_UP, RuleTerms


class Kind(models.TextChoices):
    SPECIAL_TAX = "special_tax", _("特別交付税措置 (special local allocation tax)")
    SUBSIDY = "subsidy", _("補助金 (subsidy)")


class CostItem(models.TextChoices):
    PAY = "pay", _("Pay")
    TRAVEL = "travel", _("Travel")
    RECRUITMENT = "recruitment", _("Recruitment")
    TRAINING = "training", _("Training")


assert tuple(CostItem.values) == COST_ITEMS


class Rounding(models.TextChoices):
    FLOOR = FLOOR, _("Round down")
    HALF_UP = HALF_UP, _("Round half up")


class RoundingUnit(models.IntegerChoices):
    YEN = 1, _("1 yen")
    THOUSAND = 1000, _("1,000 yen")


class IncentiveProgramme(models.Model):
    """A named incentive, stable across years; its terms are in its yearly rules."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("programme name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    basis = models.TextField(_("legal or policy basis"), blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("incentive programme")
        verbose_name_plural = _("incentive programmes")

    def __str__(self):
        return self.name


def _ceilings(value: Any) -> tuple[int, ...] | None:
    if value is None:
        return None
    return tuple(int(v) for v in value)


class IncentiveRule(models.Model):
    """One version of a programme's rule for one fiscal year. Never edited in place."""

    programme = models.ForeignKey(
        IncentiveProgramme, on_delete=models.PROTECT, related_name="rules"
    )
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    rate = models.DecimalField(
        _("rate of eligible cost"),
        max_digits=5,
        decimal_places=4,
        validators=[MinValueValidator(Decimal(0))],
    )
    rounding_mode = models.CharField(
        _("rounding"), max_length=8, choices=Rounding.choices, default=Rounding.FLOOR
    )
    rounding_unit = models.PositiveIntegerField(
        _("rounding unit"), choices=RoundingUnit.choices, default=RoundingUnit.YEN
    )
    eligible_items = models.JSONField(_("eligible cost items"), default=list)
    threshold = models.DecimalField(
        _("財政力指数 threshold"), max_digits=4, decimal_places=2, null=True, blank=True
    )
    threshold_label = models.CharField(_("what the threshold is"), max_length=120, blank=True)
    # Ceilings in yen per dispatch year [year 1, year 2, year 3]; null = no ceiling.
    ceilings_at_or_below = models.JSONField(
        _("ceilings at or below the threshold"), null=True, blank=True
    )
    ceilings_above = models.JSONField(_("ceilings above the threshold"), null=True, blank=True)
    exclude_index_at_or_above = models.DecimalField(
        _("excluded at or above this 財政力指数"),
        max_digits=4,
        decimal_places=2,
        null=True,
        blank=True,
    )
    exclude_without_index = models.BooleanField(
        _("excluded when the host has no 財政力指数 on record"), default=False
    )
    source = models.TextField(_("source of the figures"), blank=True)
    note = models.CharField(_("what changed"), max_length=200, blank=True)
    created_by = actor_field(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-fiscal_year", "programme", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "fiscal_year", "version"], name="one_rule_version"
            )
        ]
        verbose_name = _("incentive rule")
        verbose_name_plural = _("incentive rules")

    def __str__(self):
        return f"{self.programme} FY{self.fiscal_year} v{self.version}"

    def items(self) -> list[str]:
        value = self.eligible_items or []
        return [str(v) for v in value if str(v) in COST_ITEMS]

    def ceilings_low(self) -> tuple[int, ...] | None:
        return _ceilings(self.ceilings_at_or_below)

    def ceilings_high(self) -> tuple[int, ...] | None:
        return _ceilings(self.ceilings_above)

    def terms(self) -> RuleTerms:
        return RuleTerms(
            rate=Decimal(self.rate),
            rounding_mode=self.rounding_mode,
            rounding_unit=int(self.rounding_unit),
            eligible_items=frozenset(self.items()),
            threshold=self.threshold,
            threshold_label=self.threshold_label,
            ceilings_at_or_below=self.ceilings_low(),
            ceilings_above=self.ceilings_high(),
            exclude_index_at_or_above=self.exclude_index_at_or_above,
            exclude_without_index=self.exclude_without_index,
        )

    def ceiling_rows(self) -> list[tuple[int, int | None, int | None]]:
        low, high = self.ceilings_low() or (), self.ceilings_high() or ()
        return [
            (year, low[year - 1] if year <= len(low) else None,
             high[year - 1] if year <= len(high) else None)
            for year in range(1, max(len(low), len(high)) + 1)
        ]  # fmt: skip

    def item_labels(self) -> list[str]:
        labels = dict(CostItem.choices)
        return [str(labels[item]) for item in self.items()]


class IncentiveClaim(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted (awaiting decision)")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        PAID = "paid", _("Paid")

    dispatch = models.ForeignKey(
        "dispatches.Dispatch", on_delete=models.PROTECT, related_name="incentive_claims"
    )
    programme = models.ForeignKey(
        IncentiveProgramme, on_delete=models.PROTECT, related_name="claims"
    )
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    # The exact rule version the amount was computed under (the latest while in draft; frozen
    # on submission).
    rule = models.ForeignKey(IncentiveRule, on_delete=models.PROTECT, related_name="claims")
    state = state_field(State, max_length=10, default=State.DRAFT, db_index=True)
    dispatch_year = models.PositiveSmallIntegerField(_("dispatch year"))
    fiscal_strength_index = models.DecimalField(
        _("財政力指数 used"), max_digits=4, decimal_places=2, null=True, blank=True
    )
    computed_yen = models.PositiveBigIntegerField(_("computed amount (yen)"), default=0)
    calculation = models.JSONField(_("calculation"), default=list)
    approved_yen = models.PositiveBigIntegerField(_("approved amount (yen)"), null=True, blank=True)
    adjustment_reason = models.TextField(_("reason for the adjustment"), blank=True)
    decision_reason = models.TextField(_("reason"), blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    paid_yen = models.PositiveBigIntegerField(_("paid amount (yen)"), null=True, blank=True)
    filed_by = actor_field()
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_by = actor_field(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-fiscal_year", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["dispatch", "fiscal_year", "programme"],
                name="one_claim_per_dispatch_year_programme",
            )
        ]
        verbose_name = _("incentive claim")
        verbose_name_plural = _("incentive claims")

    def __str__(self):
        return f"{self.dispatch.host_name} FY{self.fiscal_year} {self.programme}"

    def calculation_lines(self) -> list[str]:
        """The calculation in the reader's language, worked again from what the claim
        recorded (rule version, dispatch year, 財政力指数, costs): the same amount, since the
        calculation is a pure function. ``calculation`` keeps the lines as first written."""
        if self.rule_id is None:
            return [str(line) for line in (self.calculation or [])]
        from ciodispatch.incentives.calculation import Cost, calculate

        result = calculate(
            self.rule.terms(),
            [Cost(c.item, c.amount_yen) for c in self.costs.all()],
            dispatch_year=self.dispatch_year,
            fiscal_strength_index=self.fiscal_strength_index,
        )
        return result.lines

    @property
    def is_adjusted(self) -> bool:
        return self.approved_yen is not None and self.approved_yen != self.computed_yen


class ClaimCost(models.Model):
    claim = models.ForeignKey(IncentiveClaim, on_delete=models.CASCADE, related_name="costs")
    item = models.CharField(_("item"), max_length=12, choices=CostItem.choices)
    amount_yen = models.PositiveBigIntegerField(_("amount (yen)"))
    spent_on = models.DateField(_("date"))
    description = models.CharField(_("description"), max_length=200)

    class Meta:
        ordering = ["claim", "spent_on", "pk"]

    def __str__(self):
        return f"{self.item} {self.amount_yen}"


class ClaimEvidence(StoredDocument):
    claim = models.ForeignKey(IncentiveClaim, on_delete=models.CASCADE, related_name="evidence")
    title = models.CharField(_("title of the file"), max_length=120)
    file = models.FileField(_("file"), upload_to="incentives/evidence/%Y/")


class ProgrammeBudget(models.Model):
    """The money the incentives programme has for one fiscal year (all programmes together)."""

    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"), unique=True)
    amount_yen = models.PositiveBigIntegerField(_("budget (yen)"))
    set_by = actor_field(null=True, blank=True)
    set_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-fiscal_year"]
        verbose_name = _("programme budget")
        verbose_name_plural = _("programme budgets")

    def __str__(self):
        return f"FY{self.fiscal_year}: {self.amount_yen:,}"


CLAIM_STATES = StateMachine.define(
    "incentives.IncentiveClaim",
    "state",
    IncentiveClaim.State.DRAFT,
    {
        IncentiveClaim.State.DRAFT: [IncentiveClaim.State.SUBMITTED],
        IncentiveClaim.State.SUBMITTED: [
            IncentiveClaim.State.APPROVED,
            IncentiveClaim.State.REJECTED,
            IncentiveClaim.State.DRAFT,
        ],
        IncentiveClaim.State.APPROVED: [IncentiveClaim.State.PAID],
        IncentiveClaim.State.REJECTED: [],
        IncentiveClaim.State.PAID: [],
    },
)
