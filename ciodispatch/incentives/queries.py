"""Reads of incentives: claims visible to a user, the budget of a fiscal year and its forecast."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet, Sum

from ciodispatch import policy
from ciodispatch.core.dates import fiscal_year_bounds
from ciodispatch.dispatches.models import Dispatch, months_between
from ciodispatch.dispatches.queries import PARTIES, in_prefecture, with_parties
from ciodispatch.incentives import services
from ciodispatch.incentives.calculation import Cost, calculate
from ciodispatch.incentives.models import (
    IncentiveClaim,
    IncentiveProgramme,
    IncentiveRule,
    ProgrammeBudget,
)
from ciodispatch.incentives.rules import visible_claims

S = IncentiveClaim.State
APPROVED_STATES = (S.APPROVED, S.PAID)


def claims() -> QuerySet[IncentiveClaim]:
    dispatch = [f"dispatch__{name}" for name in PARTIES]
    return IncentiveClaim.objects.select_related(*dispatch, "programme", "rule").prefetch_related(
        "costs"
    )


def claims_of_dispatch(
    user, dispatch: Dispatch, *, returned: bool = False
) -> QuerySet[IncentiveClaim]:
    """The claims of ``dispatch`` that ``user`` may read; ``returned``: only those the office
    sent back for correction."""
    found = visible_claims(user, claims()).filter(dispatch=dispatch)
    if returned:
        found = found.filter(RETURNED)
    return found.order_by("-fiscal_year", "programme")


# A claim the office returned for correction: a draft again, with the office's note (a
# resubmission clears the note).
RETURNED = Q(state=S.DRAFT) & ~Q(decision_reason="")


def returned_claims(user) -> QuerySet[IncentiveClaim]:
    """The returned claims ``user`` may read, for the host side that corrects them."""
    return visible_claims(user, IncentiveClaim.objects.all()).filter(RETURNED)


def office_claims(
    user, *, year: int | None, state: str = "", prefecture: str = ""
) -> QuerySet[IncentiveClaim]:
    """The claims ``user`` may read (the office: all), filtered; for the list and exports."""
    found = visible_claims(user, claims())
    if year:
        found = found.filter(fiscal_year=year)
    if state:
        found = found.filter(state=state)
    if prefecture:
        found = found.filter(in_prefecture(prefecture, via="dispatch__"))
    return found.order_by("-fiscal_year", "state", "pk")


def claimable_dispatches(user) -> list[Dispatch]:
    """Started dispatches whose claims ``user`` may file (the host side)."""
    started = with_parties().filter(started_on__isnull=False)
    return [d for d in started if policy.can(user, policy.Action.FILE_CLAIM, d)]


def rules_for(year: int | None = None) -> list[IncentiveRule]:
    """The version in force of each programme's rule per fiscal year (newest year first)."""
    rules = IncentiveRule.objects.select_related("programme").order_by(
        "-fiscal_year", "programme_id", "-version"
    )
    if year:
        rules = rules.filter(fiscal_year=year)
    latest: dict[tuple[int, int], IncentiveRule] = {}
    for rule in rules:
        latest.setdefault((rule.fiscal_year, rule.programme_id), rule)
    return list(latest.values())


def estimate_programme(year: int) -> IncentiveRule | None:
    """The rule used to estimate dispatches with no claim: the first programme's, that year."""
    for programme in IncentiveProgramme.objects.order_by("pk"):
        rule = services.rule_in_force(programme, year)
        if rule is not None:
            return rule
    return None


def months_in_year(dispatch: Dispatch, year: int) -> int:
    """Whole months of the fiscal year inside the dispatch's term."""
    first, last = fiscal_year_bounds(year)
    end = dispatch.term_end
    if dispatch.start_date is None or end is None:
        return 0
    start, stop = max(first, dispatch.start_date), min(last, end)
    if stop < start:
        return 0
    return months_between(start, stop)


@dataclass
class Expected:
    dispatch: Dispatch
    rule: IncentiveRule
    months: int
    costs: int
    amount: int


def expected(year: int) -> list[Expected]:
    """Running dispatches with no claim approved, paid or rejected that year: the amount the
    rule would give for the appointment's pay × the months of the year in the term."""
    # Approved or paid: counted as such, nothing more is expected. Rejected: nothing more is
    # expected under that programme only (a claim under another may still come).
    settled = set(
        IncentiveClaim.objects.filter(fiscal_year=year, state__in=(S.APPROVED, S.PAID)).values_list(
            "dispatch_id", flat=True
        )
    )
    rejected = set(
        IncentiveClaim.objects.filter(fiscal_year=year, state=S.REJECTED).values_list(
            "dispatch_id", "rule__programme_id"
        )
    )
    open_rules = {
        c.dispatch_id: c.rule
        for c in IncentiveClaim.objects.filter(
            fiscal_year=year, state__in=(S.DRAFT, S.SUBMITTED)
        ).select_related("rule__programme")
    }
    default = estimate_programme(year)
    result = []
    first, last = fiscal_year_bounds(year)
    # The database drops what cannot be expected (settled, unpaid, a term outside the year:
    # months_in_year would be 0), so only dispatches with an amount are built in Python.
    running = (
        Dispatch.objects.filter(
            state__in=(Dispatch.State.ACTIVE, Dispatch.State.EXTENDED),
            start_date__isnull=False,
            start_date__lte=last,
            pay_yen_per_month__gt=0,
        )
        .filter(
            Q(ended_on__isnull=False, ended_on__gte=first)
            | Q(ended_on__isnull=True, end_date__isnull=False, end_date__gte=first)
        )
        .exclude(pk__in=IncentiveClaim.objects.filter(
            fiscal_year=year, state__in=(S.APPROVED, S.PAID)
        ).values("dispatch_id"))
        .select_related(*PARTIES)
    )  # fmt: skip
    terms: dict[int, Any] = {}  # one RuleTerms per rule, not one per dispatch
    for dispatch in running:
        if dispatch.pk in settled:
            continue
        rule = open_rules.get(dispatch.pk) or default
        months = months_in_year(dispatch, year)
        if rule is None or months == 0 or not dispatch.pay_yen_per_month:
            continue
        if (dispatch.pk, rule.programme_id) in rejected:
            continue
        costs = dispatch.pay_yen_per_month * months
        if rule.pk not in terms:
            terms[rule.pk] = rule.terms()
        calc = calculate(
            terms[rule.pk],
            [Cost("pay", costs)],
            dispatch_year=services.dispatch_year_in(dispatch, year),
            fiscal_strength_index=services.host_index(dispatch),
        )
        result.append(Expected(dispatch, rule, months, costs, calc.amount))
    return result


@dataclass
class MonthRow:
    label: str
    paid: int
    forecast: int
    percent: int = 0


@dataclass
class BudgetSummary:
    year: int
    budget: int | None
    approved: int
    expected: int
    paid: int
    submitted: int
    expected_rows: list[Expected] = field(default_factory=list)
    months: list[MonthRow] = field(default_factory=list)
    months_left: int = 0
    per_month: int = 0
    estimate_rule: IncentiveRule | None = None

    @property
    def committed(self) -> int:
        return self.approved + self.expected

    @property
    def remaining(self) -> int | None:
        return None if self.budget is None else self.budget - self.committed

    def percent(self, value: int) -> int:
        if not self.budget:
            return 0
        return min(100, round(value * 100 / self.budget))

    @property
    def committed_percent(self) -> int:
        return self.percent(self.committed)

    @property
    def paid_percent(self) -> int:
        return self.percent(self.paid)


def budget_summary(year: int, today: dt.date) -> BudgetSummary:
    budget = ProgrammeBudget.objects.filter(fiscal_year=year).first()
    year_claims = IncentiveClaim.objects.filter(fiscal_year=year)
    sums = year_claims.aggregate(
        approved=Sum("approved_yen", filter=Q(state__in=APPROVED_STATES)),
        paid=Sum("paid_yen", filter=Q(state=S.PAID)),
        submitted=Sum("computed_yen", filter=Q(state=S.SUBMITTED)),
    )
    approved, paid, submitted = (sums[k] or 0 for k in ("approved", "paid", "submitted"))
    rows = expected(year)
    summary = BudgetSummary(
        year=year,
        budget=budget.amount_yen if budget else None,
        approved=approved,
        expected=sum(r.amount for r in rows),
        paid=paid,
        submitted=submitted,
        expected_rows=rows,
        estimate_rule=estimate_programme(year),
    )
    # Forecast: what is committed but not yet paid, spread evenly over the months left.
    first, last = fiscal_year_bounds(year)
    month_starts = [
        dt.date(first.year + (first.month - 1 + i) // 12, (first.month - 1 + i) % 12 + 1, 1)
        for i in range(12)
    ]
    if today > last:
        left = []
    else:
        left = [m for m in month_starts if (m.year, m.month) >= (today.year, today.month)]
    summary.months_left = len(left)
    summary.per_month = (summary.committed - paid) // len(left) if left else 0
    paid_by_month: dict[tuple[int, int], int] = {}
    for paid_on, amount in year_claims.filter(state=S.PAID, paid_on__isnull=False).values_list(
        "paid_on", "paid_yen"
    ):
        if paid_on is None:  # excluded by the filter; for the type checker
            continue
        key = (paid_on.year, paid_on.month)
        paid_by_month[key] = paid_by_month.get(key, 0) + (amount or 0)
    for month in month_starts:
        summary.months.append(
            MonthRow(
                label=f"{month.year}-{month.month:02d}",
                paid=paid_by_month.get((month.year, month.month), 0),
                forecast=summary.per_month if month in left else 0,
            )
        )
    peak = max([m.paid + m.forecast for m in summary.months] + [1])
    for row in summary.months:
        row.percent = round((row.paid + row.forecast) * 100 / peak)
    return summary


@dataclass
class WhatIf:
    dispatches: int
    yearly_costs: int
    rule: IncentiveRule
    per_dispatch: int
    lines: list[str]
    added: int
    committed: int
    remaining: int | None


def what_if(
    summary: BudgetSummary, rule: IncentiveRule, dispatches: int, yearly_costs: int
) -> WhatIf:
    """N more dispatches with C yen of pay a year each, in their first year, hosted by a
    government at the threshold (the at-or-below band)."""
    calc = calculate(
        rule.terms(),
        [Cost("pay", yearly_costs)],
        dispatch_year=1,
        fiscal_strength_index=rule.threshold if rule.threshold is not None else Decimal(0),
    )
    added = calc.amount * dispatches
    committed = summary.committed + added
    remaining = None if summary.budget is None else summary.budget - committed
    return WhatIf(
        dispatches, yearly_costs, rule, calc.amount, calc.lines, added, committed, remaining
    )
