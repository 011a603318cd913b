"""Edges found by a review: the dispatch year of a fiscal year, what a rejected claim leaves
expected, three-decimal figures, budgets below what is approved, exports of absurd years."""

import datetime as dt

import pytest

from ciodispatch.dispatches.models import Dispatch
from ciodispatch.incentives import programmes, queries, services
from ciodispatch.incentives.services import IncentiveError
from tests.conftest import verified_client
from tests.dispatches.helpers import today
from tests.incentives.helpers import fy, pdf, running_claim, setup_programmes

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("start", [dt.date(2026, 4, 1), dt.date(2026, 4, 2), dt.date(2026, 10, 1)])
def test_each_fiscal_year_of_the_term_counts_once(start):
    # Whatever the start day, FY2026 is year 1, FY2027 year 2, FY2028 year 3: each year's
    # ceiling applies once (a start on 2 April used to count FY2027 as year 1 again).
    dispatch = Dispatch(start_date=start)
    assert [services.dispatch_year_in(dispatch, year) for year in (2026, 2027, 2028)] == [1, 2, 3]


def test_a_rejected_claim_under_one_programme_leaves_the_other_expected(personas, monkeypatch):
    claim = running_claim(personas, monkeypatch)  # 外部CIO補佐官, a draft
    dispatch = claim.dispatch
    assert [e.dispatch for e in queries.expected(fy())] == [dispatch]
    other = services.start_claim(
        dispatch,
        actor=personas.host1,
        programme=claim.programme.__class__.objects.get(code=programmes.REGIONAL_ADVISER),
        fiscal_year=fy(),
    )
    other = services.save_costs(
        other, [services.CostInput("pay", 100, claim.costs.first().spent_on, "x")],
        actor=personas.host1,
    )  # fmt: skip
    services.add_evidence(other, actor=personas.host1, upload=pdf())
    other = services.submit_claim(other, actor=personas.host1)
    services.reject_claim(other, actor=personas.office, reason="二重の請求")
    assert [e.dispatch for e in queries.expected(fy())] == [dispatch]


@pytest.mark.parametrize("field", ["threshold", "exclude_index_at_or_above"])
def test_a_third_decimal_is_refused_not_rounded(personas, field):
    progs = setup_programmes(personas.office_admin, years=())
    data = programmes.rule_for(programmes.REGIONAL_ADVISER, 2026)
    bad = services.RuleInput(**{**data.__dict__, field: "0.555"})
    with pytest.raises(IncentiveError, match="two decimals"):
        services.save_rule(
            progs[programmes.REGIONAL_ADVISER], 2026, bad, actor=personas.office_admin
        )


def test_the_budget_cannot_be_set_below_what_is_approved(personas, monkeypatch):
    claim = services.submit_claim(running_claim(personas, monkeypatch), actor=personas.host1)
    services.set_budget(fy(), 10_000_000, actor=personas.office_admin)
    claim = services.approve_claim(claim, actor=personas.office)
    with pytest.raises(IncentiveError, match="cannot be less"):
        services.set_budget(fy(), claim.approved_yen - 1, actor=personas.office_admin)
    services.set_budget(fy(), claim.approved_yen, actor=personas.office_admin)


def test_exports_of_an_absurd_year_are_not_found(client, personas):
    office = verified_client(client, personas.office)
    for path in ("9999.xlsx", "99999.csv", "1.xlsx"):
        assert office.get(f"/incentives/office/budget/{path}").status_code == 404
    assert office.get(f"/incentives/office/budget/{today().year}.xlsx").status_code == 200


def test_a_draft_follows_a_new_rule_version_and_reads_in_the_readers_language(
    personas, monkeypatch
):
    from django.utils import translation

    draft = running_claim(personas, monkeypatch)  # 3,600,000 + 240,000 at 0.5
    assert draft.computed_yen == 1_920_000
    data = programmes.rule_for(programmes.CIO_ADVISER, fy())
    changed = services.RuleInput(**{**data.__dict__, "rate": "0.25", "note": "率の見直し"})
    rule = services.save_rule(draft.programme, fy(), changed, actor=personas.office_admin)
    draft.refresh_from_db()
    assert (draft.rule_id, draft.computed_yen) == (rule.pk, 960_000)
    with translation.override("en"):
        english = draft.calculation_lines()
    with translation.override("ja"):
        japanese = draft.calculation_lines()
    assert english != japanese and any("0.25" in line for line in english)
    assert "960,000" in english[-1] and "960,000" in japanese[-1]
