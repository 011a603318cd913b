"""The incentive pages: who sees what, forms that refuse bad input, the export."""

import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from ciodispatch import policy
from ciodispatch.incentives import services
from ciodispatch.incentives.models import IncentiveClaim, IncentiveRule, ProgrammeBudget
from tests.conftest import verified_client
from tests.dispatches.helpers import today
from tests.incentives.helpers import cost_day, fy, pdf, running_claim

S = IncentiveClaim.State
pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in():
    """A client signed in as the user (office roles past the second factor)."""
    return lambda user: verified_client(Client(), user)


def test_host_files_a_claim_through_the_pages(personas, monkeypatch, signed_in):
    claim = running_claim(personas, monkeypatch, evidence=False)
    client = signed_in(personas.host1)
    page = client.get(reverse("incentives:dispatch", kwargs={"pk": claim.dispatch.pk}))
    assert page.status_code == 200 and "1,920,000" in page.content.decode()
    costs_url = reverse("incentives:costs", args=[claim.pk])
    assert client.get(costs_url).status_code == 200
    day = cost_day(claim.dispatch).isoformat()
    data = {"cost-TOTAL_FORMS": "3", "cost-INITIAL_FORMS": "0"}
    data |= {"cost-0-item": "pay", "cost-0-amount": "１，２００，０００", "cost-0-spent_on": day,
             "cost-0-description": "報酬"}  # fmt: skip
    data |= {"cost-1-item": "travel", "cost-1-amount": "1,2a", "cost-1-spent_on": day,
             "cost-1-description": "旅費"}  # fmt: skip
    refused = client.post(costs_url, data)
    assert (
        refused.status_code == 400
        and "Nothing was saved" in refused.content.decode("utf-8")
        or ("保存" in refused.content.decode())
    )
    claim.refresh_from_db()
    assert claim.computed_yen == 1_920_000  # unchanged
    data["cost-1-amount"] = "100000"
    assert client.post(costs_url, data).status_code == 302
    claim.refresh_from_db()
    assert claim.computed_yen == 650_000  # (1,200,000 + 100,000) × 0.5
    again = client.get(costs_url).content.decode()
    assert f'value="{day}"' in again and 'value="1,200,000"' in again  # the saved rows come back
    bad = client.post(
        reverse("incentives:add_evidence", args=[claim.pk]),
        {"file": io.BytesIO(b"junk"), "title": "x"},
    )
    assert bad.status_code == 400
    upload = pdf()
    assert (
        client.post(
            reverse("incentives:add_evidence", args=[claim.pk]), {"file": upload}
        ).status_code
        == 302
    )
    evidence = claim.evidence.get()
    assert client.get(reverse("incentives:evidence", args=[evidence.pk])).status_code == 200
    assert client.post(reverse("incentives:submit", args=[claim.pk])).status_code == 302
    claim.refresh_from_db()
    assert claim.state == S.SUBMITTED
    detail = client.get(reverse("incentives:claim", args=[claim.pk]))
    assert detail.status_code == 200
    assert client.get(costs_url).status_code == 403  # no longer a draft


def test_start_claim_page_refuses_a_duplicate(personas, monkeypatch, signed_in):
    claim = running_claim(personas, monkeypatch)
    client = signed_in(personas.host1)
    response = client.post(
        reverse("incentives:start", args=[claim.dispatch.pk]),
        {"programme": claim.programme.pk, "fiscal_year": fy()},
    )
    assert response.status_code == 400
    assert IncentiveClaim.objects.count() == 1


def test_outsiders_are_refused(personas, monkeypatch, signed_in):
    claim = running_claim(personas, monkeypatch)
    evidence = claim.evidence.get()
    urls = [
        reverse("incentives:dispatch", kwargs={"pk": claim.dispatch.pk}),
        reverse("incentives:claim", args=[claim.pk]),
        reverse("incentives:costs", args=[claim.pk]),
        reverse("incentives:evidence", args=[evidence.pk]),
    ]
    for outsider in (personas.host2, personas.candidate2, personas.pref1):
        client = signed_in(outsider)
        for url in urls:
            # 404: they may not know the claim exists. Who reads the dispatch itself (its CIO,
            # the prefecture's coordinator) is refused its claims page (403), not hidden from it.
            sees_dispatch = policy.can(outsider, policy.Action.VIEW_DISPATCH, claim.dispatch)
            hidden = not (url == urls[0] and sees_dispatch)
            assert client.get(url).status_code == (404 if hidden else 403), (outsider, url)
    client = signed_in(personas.host1)
    for name in ("office_claims", "budget", "rules", "new_rule"):
        assert client.get(reverse(f"incentives:{name}")).status_code == 403
    assert (
        client.post(
            reverse("incentives:decide", args=[claim.pk]), {"decision": "approve"}
        ).status_code
        == 403
    )
    assert Client().get(urls[1]).status_code == 302  # anonymous: to the login page


def test_office_decides_and_reads_budget_and_export(personas, monkeypatch, signed_in):
    claim = services.submit_claim(running_claim(personas, monkeypatch), actor=personas.host1)
    client = signed_in(personas.office)
    listing = client.get(
        reverse("incentives:office_claims"),
        {"year": fy(), "state": "submitted", "prefecture": "41"},
    )
    assert listing.status_code == 200 and "多久市" in listing.content.decode()
    other = client.get(reverse("incentives:office_claims"), {"prefecture": "40"})
    assert "多久市" not in other.content.decode()
    # No budget yet: the approval is refused with the reason on the page.
    refused = client.post(reverse("incentives:decide", args=[claim.pk]), {"decision": "approve"})
    assert refused.status_code == 400
    assert (
        client.post(
            reverse("incentives:set_budget"), {"fiscal_year": fy(), "amount": "10,000,000"}
        ).status_code
        == 403
    )
    admin = signed_in(personas.office_admin)
    assert (
        admin.post(
            reverse("incentives:set_budget"), {"fiscal_year": fy(), "amount": "1.5"}
        ).status_code
        == 400
    )
    assert (
        admin.post(
            reverse("incentives:set_budget"), {"fiscal_year": fy(), "amount": "10,000,000"}
        ).status_code
        == 302
    )
    assert ProgrammeBudget.objects.get(fiscal_year=fy()).amount_yen == 10_000_000
    client = signed_in(personas.office)
    no_reason = client.post(
        reverse("incentives:decide", args=[claim.pk]),
        {"decision": "approve", "adjusted_amount": "1000000"},
    )
    assert no_reason.status_code == 400
    ok = client.post(
        reverse("incentives:decide", args=[claim.pk]),
        {"decision": "approve", "adjusted_amount": "1,000,000", "reason": "一部対象外"},
    )
    assert ok.status_code == 302
    claim.refresh_from_db()
    assert (claim.state, claim.approved_yen) == (S.APPROVED, 1_000_000)
    assert (
        client.post(
            reverse("incentives:paid", args=[claim.pk]), {"paid_on": today().isoformat()}
        ).status_code
        == 302
    )
    page = client.get(
        reverse("incentives:budget"), {"year": fy(), "dispatches": "2", "yearly_costs": "6,000,000"}
    )
    assert page.status_code == 200
    body = page.content.decode()
    assert "10,000,000" in body and "9,000,000" in body  # remaining after 1,000,000
    assert "6,000,000" in body  # the what-if: 2 × 3,000,000 added
    bad = client.get(
        reverse("incentives:budget"), {"year": fy(), "dispatches": "2", "yearly_costs": "-3"}
    )
    assert bad.status_code == 200
    export = client.get(reverse("incentives:export", args=[fy(), "xlsx"]))
    book = load_workbook(io.BytesIO(export.getvalue()))
    claims_sheet, budget_sheet = book.worksheets
    assert str(fy()) in claims_sheet["A1"].value
    rows = list(claims_sheet.iter_rows(values_only=True))
    assert rows[3][0] == "412040" and rows[3][1] == "佐賀県多久市"
    totals = rows[-1]
    assert totals[6:9] == (3_600_000, 240_000, 0) and totals[10:13] == (
        1_920_000,
        1_000_000,
        1_000_000,
    )
    figures = [value for _label, value in budget_sheet.iter_rows(min_row=3, values_only=True)]
    # budget, approved, expected, committed, paid, remaining, submitted
    assert figures == [10_000_000, 1_000_000, 0, 1_000_000, 1_000_000, 9_000_000, 0]
    csv = client.get(reverse("incentives:export", args=[fy(), "csv"]))
    body = csv.getvalue()
    assert body.startswith("\ufeff".encode()) and "412040" in body.decode("utf-8")
    assert client.get(reverse("incentives:export", args=[fy(), "pdf"])).status_code == 404


def test_rules_pages_add_a_version_for_admins_only(personas, monkeypatch, signed_in):
    claim = running_claim(personas, monkeypatch)
    rule = claim.rule
    client = signed_in(personas.office)
    assert client.get(reverse("incentives:rules")).status_code == 200
    assert client.get(reverse("incentives:rule", args=[rule.pk])).status_code == 200
    assert client.get(reverse("incentives:edit_rule", args=[rule.pk])).status_code == 403
    admin = signed_in(personas.office_admin)
    form = admin.get(reverse("incentives:edit_rule", args=[rule.pk]))
    assert form.status_code == 200
    data = {
        "programme": rule.programme_id, "fiscal_year": rule.fiscal_year, "rate": "0.4",
        "rounding_mode": "half_up", "rounding_unit": "1000", "eligible_items": ["pay"],
        "exclude_index_at_or_above": "1.00", "note": "率変更",
    }  # fmt: skip
    bad = admin.post(reverse("incentives:edit_rule", args=[rule.pk]), {**data, "rate": "2"})
    assert bad.status_code == 400
    assert admin.post(reverse("incentives:edit_rule", args=[rule.pk]), data).status_code == 302
    new = IncentiveRule.objects.get(
        programme=rule.programme, fiscal_year=rule.fiscal_year, version=2
    )
    assert str(new.rate) == "0.4000" and new.rounding_unit == 1000
    # The draft picks up the new version the next time its costs are saved.
    services.save_costs(claim, [], actor=personas.host1)
    claim.refresh_from_db()
    assert claim.rule_id == new.pk


def test_exports_of_an_absurd_year_are_not_found(client, personas):
    office = verified_client(client, personas.office)
    for path in ("9999.xlsx", "99999.csv", "1.xlsx"):
        assert office.get(f"/incentives/office/budget/{path}").status_code == 404
    assert office.get(f"/incentives/office/budget/{today().year}.xlsx").status_code == 200
