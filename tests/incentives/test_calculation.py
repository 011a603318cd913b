"""Each rule of the calculation with hand-computed yen (a pure function: no database)."""

from decimal import Decimal

import pytest

from ciodispatch.incentives.calculation import Cost, RuleTerms, calculate

D = Decimal
CIO = RuleTerms(
    rate=D("0.5"),
    eligible_items=frozenset({"pay", "travel", "recruitment"}),
    exclude_index_at_or_above=D("1.00"),
    exclude_without_index=True,
)
ADVISER = RuleTerms(
    rate=D("1.0"),
    eligible_items=frozenset({"pay", "travel"}),
    threshold=D("0.50"),
    threshold_label="national average FY2026",
    ceilings_at_or_below=(5_600_000, 3_500_000, 2_100_000),
    ceilings_above=(2_800_000, 1_750_000, 1_050_000),
    exclude_index_at_or_above=D("1.00"),
)
PAY_TRAVEL = [Cost("pay", 3_600_000), Cost("travel", 240_000)]


def test_rate_of_eligible_costs_with_the_lines():
    result = calculate(CIO, PAY_TRAVEL, dispatch_year=1, fiscal_strength_index=D("0.37"))
    # (3,600,000 + 240,000) × 0.5 = 1,920,000
    assert result.amount == 1_920_000
    assert result.eligible_costs == 3_840_000
    assert result.lines[0] == "eligible costs: pay 3,600,000 + travel 240,000 = 3,840,000 yen"
    assert result.lines[1] == "× rate 0.5 = 1,920,000"
    assert "no ceiling in this rule" in result.lines
    assert result.lines[-1] == "amount: 1,920,000 yen (rounded down to the yen)"


def test_costs_of_one_item_are_added_up():
    costs = [Cost("pay", 600_000), Cost("pay", 600_000), Cost("travel", 1)]
    assert calculate(CIO, costs, dispatch_year=1, fiscal_strength_index=D("0.3")).amount == 600_000


def test_an_ineligible_item_is_listed_and_not_counted():
    costs = [*PAY_TRAVEL, Cost("training", 1_000_000)]
    result = calculate(CIO, costs, dispatch_year=1, fiscal_strength_index=D("0.37"))
    assert result.amount == 1_920_000
    assert "training 1,000,000 yen is not eligible under this rule (not counted)" in result.lines


@pytest.mark.parametrize(
    ("year", "index", "ceiling"),
    [
        (1, "0.37", 5_600_000),
        (2, "0.37", 3_500_000),
        (3, "0.37", 2_100_000),
        (1, "0.50", 5_600_000),  # exactly at the threshold: the at-or-below band
        (1, "0.51", 2_800_000),
        (2, "0.51", 1_750_000),
        (3, "0.99", 1_050_000),
    ],
)
def test_ceiling_by_band_and_dispatch_year(year, index, ceiling):
    costs = [Cost("pay", 7_200_000), Cost("travel", 300_000)]  # 7,500,000 × 1.0
    result = calculate(ADVISER, costs, dispatch_year=year, fiscal_strength_index=D(index))
    assert result.amount == ceiling
    assert result.ceiling == ceiling
    assert result.lines[-1] == f"amount: {ceiling:,} yen (the ceiling)"


def test_the_ceiling_line_says_band_year_and_threshold():
    result = calculate(ADVISER, PAY_TRAVEL, dispatch_year=1, fiscal_strength_index=D("0.23"))
    assert result.amount == 3_840_000  # under the ceiling
    assert (
        "ceiling for year 1, 財政力指数 0.23 ≤ 0.50 (national average FY2026): 5,600,000"
        in result.lines
    )


def test_a_fourth_year_has_no_ceiling_given_so_is_not_eligible():
    result = calculate(ADVISER, PAY_TRAVEL, dispatch_year=4, fiscal_strength_index=D("0.3"))
    assert (result.amount, result.eligible) == (0, False)
    assert "no ceiling for dispatch year 4" in result.lines[-2]


@pytest.mark.parametrize("index", ["1.00", "1.35"])
def test_hosts_at_or_above_the_exclusion_index_get_nothing(index):
    result = calculate(CIO, PAY_TRAVEL, dispatch_year=1, fiscal_strength_index=D(index))
    assert (result.amount, result.eligible) == (0, False)
    assert result.lines[-1] == "amount: 0 yen (not eligible)"


def test_just_below_the_exclusion_index_is_eligible():
    result = calculate(CIO, PAY_TRAVEL, dispatch_year=1, fiscal_strength_index=D("0.99"))
    assert result.amount == 1_920_000


def test_no_index_on_record_is_excluded_when_the_rule_says_so():
    assert calculate(CIO, PAY_TRAVEL, dispatch_year=1, fiscal_strength_index=None).amount == 0
    lenient = RuleTerms(rate=D("0.5"))
    assert calculate(lenient, PAY_TRAVEL, dispatch_year=1, fiscal_strength_index=None).amount == (
        1_920_000
    )


def test_no_index_with_ceilings_cannot_be_banded():
    result = calculate(ADVISER, PAY_TRAVEL, dispatch_year=1, fiscal_strength_index=None)
    assert (result.amount, result.eligible) == (0, False)


@pytest.mark.parametrize(
    ("mode", "unit", "expected"),
    [
        # 1,234,567 × 0.5 = 617,283.5
        ("floor", 1, 617_283),
        ("half_up", 1, 617_284),
        ("floor", 1000, 617_000),
        ("half_up", 1000, 617_000),
    ],
)
def test_rounding_stated_in_the_rule(mode, unit, expected):
    terms = RuleTerms(rate=D("0.5"), rounding_mode=mode, rounding_unit=unit)
    result = calculate(terms, [Cost("pay", 1_234_567)], dispatch_year=1, fiscal_strength_index=None)
    assert result.amount == expected
    assert result.lines[1] == "× rate 0.5 = 617,283.5"


def test_half_up_to_the_thousand_rounds_500_up():
    terms = RuleTerms(rate=D("0.5"), rounding_mode="half_up", rounding_unit=1000)
    result = calculate(terms, [Cost("pay", 1_235_000)], dispatch_year=1, fiscal_strength_index=None)
    assert result.amount == 618_000  # 617,500 → 618,000
    floor = RuleTerms(rate=D("0.5"), rounding_mode="floor", rounding_unit=1000)
    assert (
        calculate(
            floor, [Cost("pay", 1_235_000)], dispatch_year=1, fiscal_strength_index=None
        ).amount
        == 617_000
    )


def test_nothing_eligible_gives_zero():
    result = calculate(
        ADVISER, [Cost("recruitment", 500_000)], dispatch_year=1, fiscal_strength_index=D("0.3")
    )
    assert result.amount == 0
    assert result.lines[0] == "eligible costs: none (0 yen)"
