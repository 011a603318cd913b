"""A host files an incentive claim with costs and evidence and submits it; the office approves
it and reads the budget page."""

import re

from playwright.sync_api import expect

from ciodispatch.incentives import services
from ciodispatch.incentives.models import IncentiveClaim
from tests.conftest import PASSWORD, current_token, enrol_totp
from tests.dispatches.helpers import dispatch_at
from tests.incentives.helpers import PDF, cost_day, fy, setup_programmes


def test_host_claims_and_office_approves(journey, browser, personas, monkeypatch, tmp_path):
    # Given 多久市's running dispatch, the rules of this year and a budget
    setup_programmes(personas.office_admin, years=(fy(),))
    dispatch = dispatch_at(personas, monkeypatch, "active")
    services.set_budget(fy(), 50_000_000, actor=personas.office_admin)
    page = journey.page

    # When the host's liaison starts a claim for this fiscal year
    journey.sign_in("host1", PASSWORD)
    journey.open(f"/incentives/dispatches/{dispatch.pk}/")
    journey.check_accessibility()
    page.locator("#id_fiscal_year").select_option(str(fy()))
    page.locator("form[action$='/claims/new/'] button[type=submit]").click()
    journey.check_accessibility()

    # And enters pay and travel (full-width digits are fine) and saves
    day = cost_day(dispatch).isoformat()
    page.locator("#id_cost-0-item").select_option("pay")
    page.locator("#id_cost-0-amount").fill("３，６００，０００")
    page.locator("#id_cost-0-spent_on").fill(day)
    page.locator("#id_cost-0-description").fill("報酬 4月〜9月")
    page.locator("#id_cost-1-item").select_option("travel")
    page.locator("#id_cost-1-amount").fill("240,000")
    page.locator("#id_cost-1-spent_on").fill(day)
    page.locator("#id_cost-1-description").fill("旅費")
    page.locator("main form button[type=submit]:not([name])").click()
    expect(page.locator(".notice--success")).to_be_visible()
    expect(page.locator(".calculation")).to_contain_text("3,840,000")
    expect(page.locator(".calculation")).to_contain_text("1,920,000")
    journey.check_accessibility()

    # And attaches the pay records and submits
    evidence = tmp_path / "pay.pdf"
    evidence.write_bytes(PDF)
    page.locator("#id_file").set_input_files(str(evidence))
    page.locator("form[action$='/evidence/'] button[type=submit]").click()
    expect(page.locator(".notice--success")).to_be_visible()
    journey.check_accessibility()
    page.locator("form[action$='/submit/'] button[type=submit]").click()
    expect(page.locator(".notice--success")).to_be_visible()
    journey.check_accessibility()
    claim = IncentiveClaim.objects.get()
    assert claim.state == "submitted" and claim.computed_yen == 1_920_000

    # Then the office finds it in the claims list and approves it
    device = enrol_totp(personas.office)
    office = browser.new_context(locale="ja-JP").new_page()
    office_journey = type(journey)(office, journey.base_url)
    office_journey.sign_in("office", PASSWORD)
    office.get_by_label(re.compile("コード|Code")).fill(current_token(device))
    office.get_by_role("button", name=re.compile("^(確認する|Confirm)$")).click()
    office_journey.open("/incentives/office/claims/")
    office_journey.check_accessibility()
    office.locator(f"a[href='/incentives/claims/{claim.pk}/']").click()
    office_journey.check_accessibility()
    office.locator("input[name=decision][value=approve]").check()
    office.locator("form[action$='/decide/'] button[type=submit]").click()
    expect(office.locator(".notice--success")).to_be_visible()
    office_journey.check_accessibility()
    claim.refresh_from_db()
    assert (claim.state, claim.approved_yen) == ("approved", 1_920_000)

    # And reads the budget page with a what-if
    office_journey.open("/incentives/office/budget/")
    office_journey.check_accessibility()
    office.locator("#id_dispatches").fill("2")
    office.locator("#id_yearly_costs").fill("6000000")
    office.locator("form[method=get] button[type=submit]").last.click()
    expect(office.locator("[role=status]")).to_contain_text("3,000,000")
    office_journey.check_accessibility()
    office_journey.open("/incentives/office/rules/")
    office_journey.check_accessibility()
