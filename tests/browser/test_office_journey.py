"""An office officer signs in with two-factor authentication and walks the office pages."""

import re

from playwright.sync_api import expect

from tests.conftest import PASSWORD, current_token, enrol_totp, run_task_queue


def test_office_officer_signs_in_with_2fa_and_walks_the_office_pages(journey, personas):
    # Given an office officer with an authenticator app
    device = enrol_totp(personas.office)
    page = journey.page

    # When they sign in, they are asked for the second factor before anything else
    journey.sign_in("office", PASSWORD)
    expect(page).to_have_url(re.compile(r"/accounts/two-factor/(\?next=.*)?$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("二要素認証")
    journey.check_accessibility()
    page.get_by_label("コード").fill("000000")
    page.get_by_role("button", name="確認する").click()
    expect(page.locator(".error-summary")).to_be_visible()
    journey.check_accessibility()

    # (django-otp makes the next try wait after a wrong code)
    device.refresh_from_db()
    device.throttle_reset()
    page.get_by_label("コード").fill(current_token(device))
    page.get_by_role("button", name="確認する").click()

    # Then their home page offers the office's pages
    expect(page.get_by_role("heading", level=1)).to_contain_text("ようこそ")
    for title in ("地方公共団体", "広域連携グループ", "団体データの取込", "監査ログ", "アカウント"):
        expect(page.locator("main").get_by_role("link", name=title, exact=True)).to_be_visible()
    journey.check_accessibility()

    # The registry, filtered to Saga
    page.locator("main").get_by_role("link", name="地方公共団体", exact=True).click()
    journey.check_accessibility()
    page.get_by_label("都道府県").select_option("41")
    page.get_by_role("button", name="検索").click()
    expect(page.get_by_role("status")).to_contain_text("21 団体")
    page.locator("main").get_by_role("link", name="多久市").click()
    expect(page.locator("dl")).to_contain_text("18,304")
    journey.check_accessibility()

    # A registry import, run by the background worker
    journey.open("/local-governments/imports/")
    journey.check_accessibility()
    page.get_by_role("button", name="団体データを取り込む").click()
    expect(page.locator(".notice--success")).to_be_visible()
    run_task_queue()
    page.reload()
    expect(page.locator(".tag--succeeded").first).to_be_visible()
    journey.check_accessibility()

    # The audit log shows the import, and can be filtered
    journey.open("/audit/")
    journey.check_accessibility()
    page.get_by_label("操作", exact=True).select_option("localgov.registryimport.succeeded")
    page.get_by_role("button", name="絞り込む").click()
    expect(page.locator("tbody tr")).to_have_count(1)
    journey.check_accessibility()

    # Their account shows the second factor passed
    journey.open("/accounts/me/")
    expect(page.locator("dl")).to_contain_text("認証済み")
    journey.check_accessibility()
    assert len(journey.checked) >= 9
