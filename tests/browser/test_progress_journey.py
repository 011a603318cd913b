"""Progress of a dispatch end to end: the CIO files the action plan and a monthly report; the
host comments, posts a small win with a picture and publishes it; a visitor reads it on the
public portal without signing in."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from ciodispatch.progress.models import ActionPlan, MonthlyReport, SmallWin, first_of_month
from tests.conftest import PASSWORD, current_token, enrol_totp
from tests.dispatches.helpers import dispatch_at
from tests.progress.helpers import png_bytes


@pytest.fixture
def dispatch(personas, monkeypatch):
    return dispatch_at(personas, monkeypatch, "active", started_days_ago=40)


def test_plan_report_comment_and_a_published_small_win(journey, browser, personas, dispatch):
    page = journey.page
    progress = f"/progress/dispatches/{dispatch.pk}/"
    kpi = dispatch.request.kpis.first()

    # Given the CIO on the progress page, with the plan and the first report overdue
    journey.sign_in("candidate2", PASSWORD)
    journey.open(progress)
    expect(page.locator(".notice--warning")).to_be_visible()
    journey.check_accessibility()

    # When they file the action plan
    page.locator(f'a[href="{progress}plan/"]').click()
    journey.check_accessibility()
    page.locator('[name="summary"]').fill("窓口DXとオンライン申請の拡大")
    page.locator('[name="goal_0"]').fill("オンライン手続を80件にする")
    page.locator(f'[name="goal_0_kpis"][value="{kpi.pk}"]').check()
    page.locator('[name="milestone_0"]').fill("業務棚卸し完了")
    due = dispatch.started_on + dt.timedelta(days=30)
    page.locator('[name="milestone_0_due"]').fill(due.isoformat())
    page.locator('[name="milestone_0_lead"]').fill("企画課")
    page.locator('[name="person_0"]').fill("田中 美咲")
    page.locator('[name="person_0_department"]').fill("企画課 主査")
    page.locator('[name="person_0_kind"]').select_option("follower")
    page.locator('button[name="submit"]').click()
    expect(page.locator(".notice--success")).to_be_visible()
    journey.check_accessibility()
    assert ActionPlan.objects.get(dispatch=dispatch).state == "submitted"

    # And the report for the first month of the term
    month = first_of_month(dispatch.started_on)
    page.locator(f'a[href="{progress}report/?month={month:%Y-%m}"]').click()
    journey.check_accessibility()
    page.locator("select[name^=status_]").select_option("on_track")
    page.locator('[name="blockers"]').fill("ベンダーとの契約変更協議が続いている")
    page.locator('button[name="submit"]').click()
    expect(page.locator(".notice--success")).to_be_visible()
    journey.check_accessibility()
    report = MonthlyReport.objects.get(dispatch=dispatch, month=month)
    assert report.state == "submitted"

    # Then the host comments on the report, posts a small win with a picture and publishes it
    host_page = browser.new_context(locale="ja-JP").new_page()
    host = type(journey)(host_page, journey.base_url)
    host.sign_in("host1", PASSWORD)
    host.open(f"/progress/reports/{report.pk}/")
    host.check_accessibility()
    host_page.locator("#report-comment").fill("議会説明の資料を共有します")
    host_page.locator("form.form button[type=submit]").click()
    expect(host_page.locator(".progress-comment")).to_contain_text("議会説明")
    host.check_accessibility()
    host.open(f"{progress}wins/new/")
    host.check_accessibility()
    host_page.locator('[name="title"]').fill("電子申請で子育て手続が24時間可能に")
    host_page.locator('[name="body"]').fill("児童手当の現況届など6手続をオンライン化した。")
    host_page.locator('[name="picture"]').set_input_files(
        {"name": "win.png", "mimeType": "image/png", "buffer": png_bytes()}
    )
    host_page.locator('[name="picture_alt"]').fill("電子申請の画面")
    host_page.locator("form.form button[type=submit]").click()
    expect(host_page.locator(".notice--success")).to_be_visible()
    host.check_accessibility()
    win = SmallWin.objects.get(dispatch=dispatch)
    host_page.locator(f'form[action="/progress/wins/{win.pk}/publish/"] button').click()
    expect(host_page.locator(".notice--success")).to_be_visible()
    host.check_accessibility()
    win.refresh_from_db()
    assert win.is_published

    # And records the KPI's start value, which the chart shows, and reads their overview
    host.open(f"{progress}kpis/")
    host.check_accessibility()
    host_page.locator('[name="kpi"]').select_option(str(kpi.pk))
    host_page.locator('[name="point"]').select_option("start")
    host_page.locator('[name="value"]').fill("14")
    host_page.locator('[name="measured_on"]').fill(dispatch.started_on.isoformat())
    host_page.locator("form.form button[type=submit]").click()
    expect(host_page.locator(".notice--success")).to_be_visible()
    expect(host_page.locator(".progress-chart svg").first).to_be_visible()
    host.check_accessibility()
    host.open("/progress/mine/")
    expect(host_page.locator("main")).to_contain_text(dispatch.host_name)
    host.check_accessibility()

    # And a visitor reads it on the public page, picture included
    visitor_page = browser.new_context(locale="ja-JP").new_page()
    visitor = type(journey)(visitor_page, journey.base_url)
    visitor.open("/progress/wins/")
    visitor.check_accessibility()
    visitor_page.get_by_role("link", name="電子申請で子育て手続が24時間可能に").click()
    expect(visitor_page.locator("h1")).to_contain_text("電子申請で子育て手続")
    expect(visitor_page.locator("img.win-picture")).to_have_attribute("alt", "電子申請の画面")
    # The picture really loads (polled from the test: wait_for_function would evaluate a string
    # in the page, which the site's CSP rightly forbids).
    picture = visitor_page.locator("img.win-picture")
    for _attempt in range(50):
        if picture.evaluate("img => img.complete && img.naturalWidth > 0"):
            break
        visitor_page.wait_for_timeout(200)
    assert picture.evaluate("img => img.naturalWidth") > 0
    visitor.check_accessibility()
    visitor.open("/progress/outcomes/")
    visitor.check_accessibility()

    # And the office reads the overview: the plan and first report are in, the help list empty
    device = enrol_totp(personas.office)
    office_page = browser.new_context(locale="ja-JP").new_page()
    office = type(journey)(office_page, journey.base_url)
    office.sign_in("office", PASSWORD)
    office_page.get_by_label(re.compile("コード|Code")).fill(current_token(device))
    office_page.get_by_role("button", name=re.compile("^(確認する|Confirm)$")).click()
    office.open("/progress/office/")
    expect(office_page.locator("main")).to_contain_text(dispatch.host_name)
    office.check_accessibility()
