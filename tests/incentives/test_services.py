"""Claims through their states, every refusal, rules as versions, the budget figures."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ciodispatch.audit.models import AuditEvent
from ciodispatch.core.states import TransitionRefused
from ciodispatch.dispatches.models import Dispatch
from ciodispatch.incentives import programmes, queries, services
from ciodispatch.incentives.models import (
    ClaimCost,
    IncentiveClaim,
    IncentiveRule,
)
from ciodispatch.incentives.services import CostInput, IncentiveError, parse_yen
from tests.dispatches.helpers import dispatch_at, today
from tests.incentives.helpers import cost_day, fy, pdf, running_claim, setup_programmes, xlsx

S = IncentiveClaim.State
pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "yen"),
    [("1200", 1200), ("1,200", 1200), ("１，２００", 1200), ("３６０００００", 3_600_000),
     (" 1,234,567円 ", 1_234_567), (0, 0), (5, 5)],
)  # fmt: skip
def test_yen_accepts_whole_numbers_with_commas_and_full_width(text, yen):
    assert parse_yen(text) == yen


@pytest.mark.parametrize(
    ("text", "message"),
    [("1200.5", "whole number"), ("1,2a", "whole number"), ("-5", "negative"), (-5, "negative"),
     ("", "whole yen"), ("1,20", "whole number"), ("1e6", "whole number"), (True, "whole yen")],
)  # fmt: skip
def test_yen_refuses_fractions_negatives_and_junk(text, message):
    with pytest.raises(IncentiveError, match=message):
        parse_yen(text)


def test_claim_computes_under_the_rule_in_force_and_goes_through_every_state(
    personas, monkeypatch, mailoutbox, django_capture_on_commit_callbacks
):
    claim = running_claim(personas, monkeypatch)
    assert claim.state == S.DRAFT
    assert claim.computed_yen == 1_920_000  # (3,600,000 + 240,000) × 0.5
    assert claim.dispatch_year == 1
    assert str(claim.fiscal_strength_index) == "0.37"  # 多久市 in the registry
    assert claim.calculation_lines()[0].startswith("eligible costs: pay 3,600,000")

    claim = services.submit_claim(claim, actor=personas.host1)
    assert claim.state == S.SUBMITTED and claim.submitted_at
    services.set_budget(fy(), 10_000_000, actor=personas.office_admin)
    claim = services.approve_claim(claim, actor=personas.office)
    assert (claim.state, claim.approved_yen, claim.is_adjusted) == (S.APPROVED, 1_920_000, False)
    with django_capture_on_commit_callbacks(execute=True):
        claim = services.record_payment(claim, actor=personas.office, paid_on=today())
    assert (claim.state, claim.paid_yen, claim.paid_on) == (S.PAID, 1_920_000, today())
    actions = list(
        AuditEvent.objects.filter(object_type="incentives.incentiveclaim").values_list(
            "action", flat=True
        )
    )
    for action in ("submitted", "approved", "paid"):
        assert f"incentives.incentiveclaim.{action}" in actions
    assert any("Claim paid" in m.subject for m in mailoutbox)


def test_approval_may_adjust_down_with_a_reason(personas, monkeypatch):
    claim = services.submit_claim(running_claim(personas, monkeypatch), actor=personas.host1)
    services.set_budget(fy(), 10_000_000, actor=personas.office_admin)
    with pytest.raises(IncentiveError, match="reason for the adjustment"):
        services.approve_claim(claim, actor=personas.office, adjusted_amount="1,800,000")
    with pytest.raises(IncentiveError, match="cannot exceed"):
        services.approve_claim(claim, actor=personas.office, adjusted_amount="2000000", reason="x")
    with pytest.raises(IncentiveError, match="whole number"):
        services.approve_claim(claim, actor=personas.office, adjusted_amount="1.5", reason="x")
    claim = services.approve_claim(
        claim,
        actor=personas.office,
        adjusted_amount="１，８００，０００",
        reason="旅費の一部は対象外",
    )
    assert (claim.approved_yen, claim.computed_yen, claim.is_adjusted) == (
        1_800_000,
        1_920_000,
        True,
    )
    assert claim.adjustment_reason == "旅費の一部は対象外"


def test_rejection_needs_a_reason_and_is_final(personas, monkeypatch):
    claim = services.submit_claim(running_claim(personas, monkeypatch), actor=personas.host1)
    with pytest.raises(IncentiveError, match="reason"):
        services.reject_claim(claim, actor=personas.office, reason="  ")
    claim = services.reject_claim(claim, actor=personas.office, reason="対象外の経費")
    assert claim.state == S.REJECTED
    with pytest.raises(TransitionRefused):
        services.approve_claim(claim, actor=personas.office)


def test_returned_claim_goes_back_to_draft_and_can_be_resubmitted(personas, monkeypatch):
    claim = services.submit_claim(running_claim(personas, monkeypatch), actor=personas.host1)
    with pytest.raises(IncentiveError):
        services.return_claim(claim, actor=personas.office, reason="")
    claim = services.return_claim(claim, actor=personas.office, reason="領収書が不鮮明")
    assert claim.state == S.DRAFT
    services.add_evidence(claim, actor=personas.host1, upload=xlsx())
    assert services.submit_claim(claim, actor=personas.host1).state == S.SUBMITTED


def test_transitions_outside_the_table_are_refused(personas, monkeypatch):
    claim = running_claim(personas, monkeypatch)
    services.set_budget(fy(), 10_000_000, actor=personas.office_admin)
    with pytest.raises(TransitionRefused):
        services.approve_claim(claim, actor=personas.office)  # a draft
    with pytest.raises(TransitionRefused):
        services.record_payment(claim, actor=personas.office, paid_on=today())
    with pytest.raises(TransitionRefused):
        services.reject_claim(claim, actor=personas.office, reason="x")
    claim = services.submit_claim(claim, actor=personas.host1)
    with pytest.raises(PermissionDenied):  # a submitted claim is no longer the host's to edit
        services.submit_claim(claim, actor=personas.host1)
    with pytest.raises(TransitionRefused):
        services.record_payment(claim, actor=personas.office, paid_on=today())


def test_payment_date_is_checked(personas, monkeypatch):
    claim = services.submit_claim(running_claim(personas, monkeypatch), actor=personas.host1)
    services.set_budget(fy(), 10_000_000, actor=personas.office_admin)
    claim = services.approve_claim(claim, actor=personas.office)
    with pytest.raises(IncentiveError, match="future"):
        services.record_payment(
            claim, actor=personas.office, paid_on=today() + dt.timedelta(days=1)
        )
    with pytest.raises(IncentiveError, match="before the approval"):
        services.record_payment(
            claim, actor=personas.office, paid_on=today() - dt.timedelta(days=1)
        )
    with pytest.raises(IncentiveError, match="date"):
        services.record_payment(claim, actor=personas.office, paid_on=None)


def test_approval_is_refused_beyond_the_budget_and_without_one(personas, monkeypatch):
    claim = services.submit_claim(running_claim(personas, monkeypatch), actor=personas.host1)
    with pytest.raises(IncentiveError, match="no budget"):
        services.approve_claim(claim, actor=personas.office)
    services.set_budget(fy(), 1_919_999, actor=personas.office_admin)
    with pytest.raises(IncentiveError, match="1,919,999 yen remain"):
        services.approve_claim(claim, actor=personas.office)
    claim.refresh_from_db()
    assert claim.state == S.SUBMITTED and claim.approved_yen is None
    services.set_budget(fy(), 1_920_000, actor=personas.office_admin)  # exactly enough
    assert services.approve_claim(claim, actor=personas.office).state == S.APPROVED


def test_submission_needs_costs_and_evidence(personas, monkeypatch):
    claim = running_claim(personas, monkeypatch, evidence=False)
    with pytest.raises(IncentiveError, match="evidence"):
        services.submit_claim(claim, actor=personas.host1)
    services.save_costs(claim, [], actor=personas.host1)
    services.add_evidence(claim, actor=personas.host1, upload=pdf())
    with pytest.raises(IncentiveError, match="at least one cost"):
        services.submit_claim(claim, actor=personas.host1)


@pytest.mark.parametrize(
    ("amount", "shift", "message"),
    [
        ("-1", 0, "negative"),
        ("1200.5", 0, "whole number"),
        ("1,2a", 0, "whole number"),
        ("0", 0, "at least 1 yen"),
        ("1000", -400, "outside the dispatch"),
        ("1000", 400, "in the future"),
    ],
)
def test_bad_costs_are_refused_and_nothing_is_saved(personas, monkeypatch, amount, shift, message):
    claim = running_claim(personas, monkeypatch)
    day = cost_day(claim.dispatch) + dt.timedelta(days=shift)
    rows = [
        CostInput("pay", "500000", cost_day(claim.dispatch), "ok"),
        CostInput("travel", amount, day, "bad"),
    ]
    with pytest.raises(IncentiveError, match=message):
        services.save_costs(claim, rows, actor=personas.host1)
    claim.refresh_from_db()
    assert ClaimCost.objects.filter(claim=claim).count() == 2  # the earlier costs stay
    assert claim.computed_yen == 1_920_000


def test_a_cost_not_yet_incurred_is_refused(personas, monkeypatch):
    claim = running_claim(personas, monkeypatch)
    tomorrow = timezone.localdate() + dt.timedelta(days=2)  # within the term and the year
    assert claim.dispatch.start_date < tomorrow < claim.dispatch.end_date
    with pytest.raises(IncentiveError, match="in the future"):
        services.save_costs(claim, [CostInput("pay", 1, tomorrow, "前払")], actor=personas.host1)


def test_a_cost_outside_the_claims_fiscal_year_is_refused(personas, monkeypatch):
    # A dispatch that started over a year ago: costs of last fiscal year belong to that year.
    claim = running_claim(personas, monkeypatch, started_days_ago=400, months=24)
    last_year = dt.date(fy(), 3, 31)
    with pytest.raises(IncentiveError, match="claim it in that year"):
        services.save_costs(claim, [CostInput("pay", 1, last_year, "前年度")], actor=personas.host1)


def test_cost_rows_need_item_date_and_description(personas, monkeypatch):
    claim = running_claim(personas, monkeypatch)
    day = cost_day(claim.dispatch)
    for row, message in [
        (CostInput("lunch", 1, day, "x"), "cost item"),
        (CostInput("pay", 1, None, "x"), "date"),
        (CostInput("pay", 1, day, " "), "description"),
    ]:
        with pytest.raises(IncentiveError, match=message):
            services.save_costs(claim, [row], actor=personas.host1)


def test_claims_refused_for_no_rule_a_second_claim_and_an_unstarted_dispatch(personas, monkeypatch):
    progs = setup_programmes(personas.office_admin, years=(fy() - 1,))
    dispatch = dispatch_at(personas, monkeypatch, "active")
    with pytest.raises(IncentiveError, match="no rule"):
        services.start_claim(
            dispatch, actor=personas.host1, programme=progs["cio-adviser"], fiscal_year=fy()
        )
    services.save_rule(
        progs["cio-adviser"],
        fy(),
        programmes.rule_for("cio-adviser", fy()),
        actor=personas.office_admin,
    )
    services.start_claim(
        dispatch, actor=personas.host1, programme=progs["cio-adviser"], fiscal_year=fy()
    )
    with pytest.raises(IncentiveError, match="already has a claim"):
        services.start_claim(
            dispatch, actor=personas.host1, programme=progs["cio-adviser"], fiscal_year=fy()
        )
    with pytest.raises(IncentiveError, match="does not fall in"):
        services.start_claim(
            dispatch, actor=personas.host1, programme=progs["cio-adviser"], fiscal_year=fy() + 5
        )
    assert IncentiveClaim.objects.count() == 1


def test_a_dispatch_never_started_cannot_be_claimed(personas, monkeypatch):
    progs = setup_programmes(personas.office_admin)
    dispatch = dispatch_at(personas, monkeypatch, "confirmed")
    with pytest.raises(IncentiveError, match="not started"):
        services.start_claim(
            dispatch, actor=personas.host1, programme=progs["cio-adviser"], fiscal_year=fy()
        )


def test_only_the_host_side_files_and_edits(personas, monkeypatch):
    claim = running_claim(personas, monkeypatch)
    for outsider in (personas.host2, personas.candidate2, personas.pref1, personas.office):
        with pytest.raises(PermissionDenied):
            services.save_costs(claim, [], actor=outsider)
        with pytest.raises(PermissionDenied):
            services.start_claim(
                claim.dispatch, actor=outsider, programme=claim.programme, fiscal_year=fy()
            )
    for outsider in (personas.host1, personas.candidate2):
        with pytest.raises(PermissionDenied):
            services.reject_claim(claim, actor=outsider, reason="x")
    with pytest.raises(PermissionDenied):
        services.set_budget(fy(), 1, actor=personas.office)  # an officer, not an admin


def test_evidence_is_checked_by_content(personas, monkeypatch):
    claim = running_claim(personas, monkeypatch, evidence=False)
    fake = SimpleUploadedFile("receipt.pdf", b"not a pdf at all")
    with pytest.raises(IncentiveError, match="content"):
        services.add_evidence(claim, actor=personas.host1, upload=fake)
    with pytest.raises(IncentiveError, match="not accepted"):
        services.add_evidence(
            claim, actor=personas.host1, upload=SimpleUploadedFile("a.docx", b"PK\x03\x04x")
        )
    with pytest.raises(IncentiveError, match="empty"):
        services.add_evidence(claim, actor=personas.host1, upload=SimpleUploadedFile("a.png", b""))
    evidence = services.add_evidence(claim, actor=personas.host1, upload=pdf())
    services.remove_evidence(evidence, actor=personas.host1)
    assert not claim.evidence.exists()


def test_ceiling_programme_claim_for_taku(personas, monkeypatch):
    claim = running_claim(
        personas, monkeypatch, code=programmes.REGIONAL_ADVISER, pay=7_200_000, travel=100_000
    )
    # 7,300,000 × 1.0, capped at year 1 and 財政力指数 0.37 ≤ 0.50: 5,600,000
    assert claim.computed_yen == 5_600_000
    assert any("ceiling for year 1" in line for line in claim.calculation_lines())


def test_rules_are_versions_and_a_claim_keeps_its_version(personas, monkeypatch):
    claim = services.submit_claim(running_claim(personas, monkeypatch), actor=personas.host1)
    first = claim.rule
    data = programmes.rule_for("cio-adviser", fy())
    changed = services.RuleInput(**{**data.__dict__, "rate": "0.25", "note": "率の見直し"})
    rule = services.save_rule(claim.programme, fy(), changed, actor=personas.office_admin)
    assert (rule.version, first.version) == (2, 1)
    claim.refresh_from_db()
    assert claim.rule_id == first.pk and claim.computed_yen == 1_920_000
    assert services.rule_in_force(claim.programme, fy()) == rule
    assert IncentiveRule.objects.get(pk=first.pk).rate == first.rate  # never edited in place
    assert AuditEvent.objects.filter(action="incentives.rule.version", reason="率の見直し").exists()
    with pytest.raises(PermissionDenied):
        services.save_rule(claim.programme, fy(), changed, actor=personas.office)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"rate": "1.5"}, "at most 1"),
        ({"rate": "abc"}, "number"),
        ({"rounding_unit": 10}, "1,000 yen"),
        ({"eligible_items": ()}, "eligible cost items"),
        ({"ceilings_above": None}, "both bands"),
        ({"threshold": None}, "threshold"),
        ({"ceilings_above": (1, 2)}, "same dispatch years"),
        ({"ceilings_above": (1, "-2", 3)}, "negative"),
    ],
)
def test_bad_rules_are_refused(personas, change, message):
    progs = setup_programmes(personas.office_admin, years=())
    data = programmes.rule_for("regional-adviser", 2026)
    bad = services.RuleInput(**{**data.__dict__, **change})
    with pytest.raises(IncentiveError, match=message):
        services.save_rule(progs["regional-adviser"], 2026, bad, actor=personas.office_admin)
    assert not IncentiveRule.objects.exists()


def test_budget_figures_committed_paid_remaining_and_what_if(personas, monkeypatch):
    """多久市's running dispatch (600,000 yen a month) has an approved claim; expected covers
    running dispatches with no approved claim."""
    claim = services.submit_claim(running_claim(personas, monkeypatch), actor=personas.host1)
    services.set_budget(fy(), 10_000_000, actor=personas.office_admin)
    summary = queries.budget_summary(fy(), today())
    # Before approval the running dispatch is expected: pay × months of the FY in the term
    # (start 40 days ago, to the end of March), × 0.5 under the first programme's rule.
    months = queries.months_in_year(claim.dispatch, fy())
    assert summary.expected == 600_000 * months // 2
    assert summary.approved == 0 and summary.submitted == 1_920_000
    services.approve_claim(claim, actor=personas.office)
    summary = queries.budget_summary(fy(), today())
    assert (summary.approved, summary.expected, summary.committed) == (1_920_000, 0, 1_920_000)
    assert summary.remaining == 8_080_000 and summary.paid == 0
    services.record_payment(claim, actor=personas.office, paid_on=today())
    summary = queries.budget_summary(fy(), today())
    assert (summary.paid, summary.committed, summary.remaining) == (1_920_000, 1_920_000, 8_080_000)
    # What-if: 3 more dispatches at 6,000,000 a year under 0.5 → 3,000,000 each.
    rule = services.rule_in_force(claim.programme, fy())
    result = queries.what_if(summary, rule, 3, 6_000_000)
    assert (result.per_dispatch, result.added) == (3_000_000, 9_000_000)
    assert (result.committed, result.remaining) == (10_920_000, -920_000)
    adviser = services.rule_in_force(
        setup_programmes.__globals__["IncentiveProgramme"].objects.get(code="regional-adviser"),
        fy(),
    )
    assert queries.what_if(summary, adviser, 2, 8_000_000).added == 11_200_000  # 2 × ceiling


def test_forecast_spreads_the_unpaid_commitment_over_the_months_left(personas, monkeypatch):
    claim = services.submit_claim(running_claim(personas, monkeypatch), actor=personas.host1)
    services.set_budget(fy(), 10_000_000, actor=personas.office_admin)
    services.approve_claim(claim, actor=personas.office)
    day = dt.date(fy(), 12, 15)  # December to March: four months left
    summary = queries.budget_summary(fy(), day)
    assert summary.months_left == 4
    assert summary.per_month == 1_920_000 // 4
    assert [m.forecast for m in summary.months][-4:] == [480_000] * 4
    assert sum(m.forecast for m in summary.months) == 1_920_000


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
