"""Hosts file dispatch requests; the head commits; the office approves; a joint request; and a
host that is not eligible sees exactly why."""

import re

from playwright.sync_api import expect

from ciodispatch.requests import services
from ciodispatch.requests.models import DispatchRequest
from tests.browser.conftest import Journey
from tests.conftest import PASSWORD, current_token, enrol_totp, lg
from tests.requests.helpers import AUTHORITY, complete_readiness_training, fill, open_round

S = DispatchRequest.State


def test_host1_files_the_head_commits_and_the_office_approves(
    journey, browser, live_server, personas
):
    # Given an open round, and 多久市's liaison and head trained in readiness
    request_round = open_round()
    complete_readiness_training(personas.host1, personas.host1_head)
    page = journey.page

    # When host1 starts a request and fills each section
    journey.sign_in("host1", PASSWORD)
    page.locator("main").get_by_role(
        "link", name=re.compile("^(派遣要請|Dispatch requests)$")
    ).click()
    journey.check_accessibility()
    page.locator("main form button[type=submit]").first.click()
    expect(page.locator(".task-list__item")).to_have_count(5)
    journey.check_accessibility()

    def section(number):
        page.locator(".task-list__name").nth(number).click()

    def save():
        page.locator("main form.form button[type=submit]").click()

    section(0)
    journey.check_accessibility()
    page.locator("#id_title").fill("基幹システム標準化と書かない窓口")
    page.locator("#id_goals").fill(
        "標準準拠システムへの移行を機に、窓口手続の半分をオンライン化し、職員の事務を3割減らす。"
    )
    page.locator("input[name=challenges][value=vendor_dependency]").check()
    save()
    section(1)
    journey.check_accessibility()
    page.locator("input[name=skill_roles][value=producer]").check()
    page.locator("#id_term_months").fill("30")
    page.locator("#id_start_date").fill(request_round.dispatch_start.isoformat())
    page.locator("#id_work_pattern_1").check()
    page.locator("#id_days_per_week").select_option("2")
    page.locator("#id_work_place_2").check()
    page.locator("#id_appointment_form_0").check()
    save()
    expect(page.locator(".error-summary")).to_contain_text("24")
    journey.check_accessibility()
    page.locator("#id_term_months").fill("24")
    save()
    section(2)
    page.locator("#id_budget_yen").fill("9000000")
    page.locator("#id_pay_yen_per_month").fill("600000")
    page.locator("#id_vendors").fill("富士通\n\nNEC")
    save()
    expect(page.locator(".error-summary")).to_be_visible()
    journey.check_accessibility()
    page.locator("#id_vendors").fill("富士通\nNEC")
    save()
    section(3)
    journey.check_accessibility()
    page.locator("#id_authority_statement").fill(AUTHORITY)
    page.locator("#id_liaison").select_option(str(personas.host1.pk))
    page.locator("#id_counterpart").select_option(str(personas.host1_head.pk))
    save()
    section(4)
    journey.check_accessibility()
    page.locator("#id_kpis-0-name").fill("オンライン手続数")
    page.locator("#id_kpis-0-unit").fill("件")
    page.locator("#id_kpis-0-baseline").fill("12")
    page.locator("#id_kpis-0-target").fill("80")
    save()
    expect(page.locator(".task-list__status--completed")).to_have_count(5)
    page.get_by_role("button", name=re.compile("要請を提出|Submit the request")).click()
    expect(page.locator(".notice--success")).to_be_visible()
    journey.check_accessibility()
    req = DispatchRequest.objects.get()
    assert req.state == S.SUBMITTED

    # Then the head reads and signs the commitment (their own browser)
    context = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900})
    try:
        head = Journey(context.new_page(), live_server.url)
        head.sign_in("host1-head", PASSWORD)
        head.open(f"/requests/{req.pk}/")
        head.page.locator("main").get_by_role("link", name=re.compile("確約|commitment")).click()
        head.check_accessibility()
        head.page.locator("#agree").check()
        head.page.get_by_role("button", name=re.compile("確約に署名|Sign the commitment")).click()
        expect(head.page.locator(".condition--pass")).to_have_count(4)
        head.check_accessibility()
    finally:
        context.close()
    req.refresh_from_db()
    assert req.state == S.ELIGIBLE and req.committed_by == personas.host1_head

    # And the office approves it
    device = enrol_totp(personas.office)
    context = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900})
    try:
        office = Journey(context.new_page(), live_server.url)
        office.sign_in("office", PASSWORD)
        office.page.locator("#id_token").fill(current_token(device))
        office.page.get_by_role("button", name=re.compile("^(確認する|Confirm)$")).click()
        office.open("/requests/office/")
        expect(office.page.locator("#requests-table tbody")).to_contain_text("多久市")
        office.check_accessibility()
        office.page.locator("main").get_by_role("link", name="佐賀県多久市").click()
        office.page.locator("input[name=decision][value=approve]").check()
        office.page.get_by_role("button", name=re.compile("決定を記録|Record the decision")).click()
        expect(office.page.locator(".notice--success")).to_be_visible()
        office.check_accessibility()
    finally:
        context.close()
    req.refresh_from_db()
    assert req.state == S.APPROVED


def test_pref1_files_a_joint_request_and_host2_sees_why_it_is_not_eligible(
    journey, browser, live_server, personas, saga_group
):
    request_round = open_round(population_limit=20_000)  # 嬉野市 (25,867) is over it
    complete_readiness_training(personas.host1, personas.host2)
    page = journey.page

    # pref1 starts a joint request for the group
    journey.sign_in("pref1", PASSWORD)
    journey.open("/requests/")
    journey.check_accessibility()
    page.locator("#id_group").select_option(str(saga_group.pk))
    page.get_by_role("button", name=re.compile("共同要請を始める|Start a joint request")).click()
    expect(page.locator(".task-list__item")).to_have_count(5)
    journey.check_accessibility()
    req = DispatchRequest.objects.get()
    assert req.is_joint and req.filed_by == personas.pref1
    # (the sections are the same forms as a single request; filled here through the services)
    fill(req, personas.pref1, liaison=personas.host1, counterpart=personas.host2)
    page.reload()
    page.get_by_role("button", name=re.compile("要請を提出|Submit the request")).click()
    expect(page.locator(".notice--success")).to_be_visible()
    # pref1 records 嬉野市's written confirmation; 多久市's head confirms in the system
    page.locator("#id_member").select_option("412091")
    page.locator("#id_head_name").fill("嬉野市長")
    page.get_by_role("button", name=re.compile("確認を記録|Record the confirmation")).click()
    journey.check_accessibility()
    services.confirm_membership(req, lg("412040"), actor=personas.host1_head)
    req.refresh_from_db()
    assert req.state == S.NOT_ELIGIBLE

    # host2 (嬉野市, a member) sees exactly which condition fails and what to do
    context = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900})
    try:
        host2 = Journey(context.new_page(), live_server.url)
        host2.sign_in("host2", PASSWORD)
        host2.open(f"/requests/{req.pk}/")
        failing = host2.page.locator(".condition--fail")
        expect(failing).to_have_count(1)
        expect(failing).to_contain_text("25,867")
        expect(failing.locator(".condition__todo")).to_be_visible()
        host2.check_accessibility()
    finally:
        context.close()
    assert request_round.population_limit == 20_000
