"""The amount of an incentive claim under a rule: a pure function, no database.

``calculate(terms, costs, dispatch_year=..., fiscal_strength_index=...)`` returns the amount in
integer yen and the lines of the calculation, in the order an official checks them:
exclusions, eligible costs, × rate, rounding, the ceiling for the band and the dispatch year.
docs/incentives.md describes the rule format and the two real programmes written in it.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

COST_ITEMS = ("pay", "travel", "recruitment", "training")
FLOOR = "floor"
HALF_UP = "half_up"
ROUNDING_MODES = (FLOOR, HALF_UP)
ROUNDING_UNITS = (1, 1000)


def item_label(item: str) -> str:
    return {
        "pay": _("pay"),
        "travel": _("travel"),
        "recruitment": _("recruitment"),
        "training": _("training"),
    }.get(item, item)


def yen(amount: int | Decimal) -> str:
    """3,840,000 (no decimals for whole yen; a fraction is shown as it is before rounding)."""
    if isinstance(amount, Decimal) and amount != amount.to_integral_value():
        return f"{amount.normalize():,f}"
    return f"{int(amount):,}"


@dataclass(frozen=True)
class RuleTerms:
    """What a rule says, as plain values (IncentiveRule.terms() builds it from a row)."""

    rate: Decimal
    rounding_mode: str = FLOOR
    rounding_unit: int = 1
    eligible_items: frozenset[str] = frozenset(COST_ITEMS)
    # Ceilings in yen per dispatch year (index 0 = year 1) for hosts whose 財政力指数 is at or
    # below the threshold and above it. None: no ceiling at all. A year past the end of the
    # tuple has no ceiling given, so it is not eligible.
    threshold: Decimal | None = None
    threshold_label: str = ""
    ceilings_at_or_below: tuple[int, ...] | None = None
    ceilings_above: tuple[int, ...] | None = None
    exclude_index_at_or_above: Decimal | None = None
    exclude_without_index: bool = False

    @property
    def has_ceilings(self) -> bool:
        return self.ceilings_at_or_below is not None


@dataclass(frozen=True)
class Cost:
    item: str
    amount: int


@dataclass
class Calculation:
    amount: int
    eligible: bool
    lines: list[str] = field(default_factory=list)
    eligible_costs: int = 0
    ceiling: int | None = None


def _rounded(value: Decimal, mode: str, unit: int) -> int:
    rounding = ROUND_HALF_UP if mode == HALF_UP else ROUND_DOWN
    units = (value / Decimal(unit)).quantize(Decimal(1), rounding=rounding)
    return int(units) * unit


def rounding_label(mode: str, unit: int) -> str:
    if mode == HALF_UP:
        if unit == 1000:
            return _("rounded half up to the 1,000 yen")
        return _("rounded half up to the yen")
    if unit == 1000:
        return _("rounded down to the 1,000 yen")
    return _("rounded down to the yen")


def totals_by_item(costs: Iterable[Cost]) -> dict[str, int]:
    totals: dict[str, int] = {}
    for cost in costs:
        totals[cost.item] = totals.get(cost.item, 0) + cost.amount
    return totals


def _not_eligible(lines: list[str], reason: str) -> Calculation:
    lines.append(reason)
    lines.append(_("amount: 0 yen (not eligible)"))
    return Calculation(amount=0, eligible=False, lines=lines)


def calculate(
    terms: RuleTerms,
    costs: Sequence[Cost],
    *,
    dispatch_year: int,
    fiscal_strength_index: Decimal | None,
) -> Calculation:
    """The amount under ``terms`` for ``costs`` of a dispatch in its ``dispatch_year``, for a
    host with ``fiscal_strength_index`` (None: none on record)."""
    lines: list[str] = []
    index = fiscal_strength_index
    if index is None and terms.exclude_without_index:
        return _not_eligible(
            lines, _("The host has no 財政力指数 on record: not eligible under this rule.")
        )
    if (
        index is not None
        and terms.exclude_index_at_or_above is not None
        and index >= terms.exclude_index_at_or_above
    ):
        return _not_eligible(
            lines,
            _("財政力指数 %(index)s ≥ %(limit)s: hosts at or above it are excluded.")
            % {"index": index, "limit": terms.exclude_index_at_or_above},
        )

    totals = totals_by_item(costs)
    counted = [(item, totals[item]) for item in COST_ITEMS if item in totals]
    eligible = [(item, amount) for item, amount in counted if item in terms.eligible_items]
    ignored = [(item, amount) for item, amount in counted if item not in terms.eligible_items]
    eligible_total = sum(amount for _item, amount in eligible)
    parts = " + ".join(f"{item_label(item)} {yen(amount)}" for item, amount in eligible)
    if len(eligible) > 1:
        lines.append(
            _("eligible costs: %(parts)s = %(total)s yen")
            % {"parts": parts, "total": yen(eligible_total)}
        )
    elif eligible:
        lines.append(_("eligible costs: %(parts)s yen") % {"parts": parts})
    else:
        lines.append(_("eligible costs: none (0 yen)"))
    for item, amount in ignored:
        lines.append(
            _("%(item)s %(amount)s yen is not eligible under this rule (not counted)")
            % {"item": item_label(item), "amount": yen(amount)}
        )

    product = Decimal(eligible_total) * terms.rate
    lines.append(
        _("× rate %(rate)s = %(product)s")
        % {"rate": f"{terms.rate.normalize():f}", "product": yen(product)}
    )
    rounded = _rounded(product, terms.rounding_mode, terms.rounding_unit)
    if Decimal(rounded) != product:
        lines.append(
            _("%(how)s: %(amount)s")
            % {
                "how": rounding_label(terms.rounding_mode, terms.rounding_unit),
                "amount": yen(rounded),
            }
        )

    ceiling: int | None = None
    if terms.has_ceilings:
        if index is None:
            return _not_eligible(
                lines,
                _("The host has no 財政力指数 on record, so the ceiling cannot be decided."),
            )
        threshold = terms.threshold if terms.threshold is not None else Decimal(0)
        at_or_below = index <= threshold
        table = terms.ceilings_at_or_below if at_or_below else terms.ceilings_above
        table = table or ()
        if dispatch_year < 1 or dispatch_year > len(table):
            return _not_eligible(
                lines,
                _("The rule gives no ceiling for dispatch year %(year)s: not eligible.")
                % {"year": dispatch_year},
            )
        ceiling = table[dispatch_year - 1]
        comparison = "≤" if at_or_below else ">"
        lines.append(
            _("ceiling for year %(year)s, 財政力指数 %(index)s %(cmp)s %(threshold)s "
                "(%(label)s): %(ceiling)s")
            % {
                "year": dispatch_year,
                "index": index,
                "cmp": comparison,
                "threshold": threshold,
                "label": terms.threshold_label,
                "ceiling": yen(ceiling),
            }
        )  # fmt: skip
    else:
        lines.append(_("no ceiling in this rule"))

    amount = rounded if ceiling is None else min(rounded, ceiling)
    if ceiling is not None and rounded > ceiling:
        lines.append(_("amount: %(amount)s yen (the ceiling)") % {"amount": yen(amount)})
    else:
        lines.append(
            _("amount: %(amount)s yen (%(how)s)")
            % {
                "amount": yen(amount),
                "how": rounding_label(terms.rounding_mode, terms.rounding_unit),
            }
        )
    return Calculation(
        amount=amount, eligible=True, lines=lines, eligible_costs=eligible_total, ceiling=ceiling
    )
