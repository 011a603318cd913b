"""A candidate signs in, reads their account and the registry, and switches to English."""

from playwright.sync_api import expect

from tests.conftest import PASSWORD


def test_candidate_walks_home_account_and_registry_in_both_languages(journey, personas):
    page = journey.page

    # Given candidate1 on the public home page
    journey.open("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("認定CIO派遣制度")
    journey.check_accessibility()

    # When they sign in
    journey.sign_in("candidate1", PASSWORD)

    # Then their home page lists only what a candidate can do
    expect(page.get_by_role("heading", level=1)).to_contain_text("ようこそ")
    expect(page.locator("main").get_by_role("link", name="広域連携グループ")).to_have_count(0)
    journey.check_accessibility()
    page.locator("main").get_by_role("link", name="アカウント", exact=True).click()
    expect(page.locator("dl")).to_contain_text("候補者")
    expect(page.locator("dl")).to_contain_text("この役割では不要")
    journey.check_accessibility()

    # A wrong current password when changing it is explained
    page.locator("main").get_by_role("link", name="パスワードを変更する").click()
    journey.check_accessibility()
    page.get_by_label("元のパスワード").fill("wrong-password-0")
    page.locator("#id_new_password1").fill("a-new-strong-password-2026")
    page.locator("#id_new_password2").fill("a-new-strong-password-2026")
    page.get_by_role("button", name="パスワードを変更").click()
    expect(page.locator(".error-summary")).to_be_visible()
    journey.check_accessibility()

    # When they switch to English, the pages are in English
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    journey.open("/local-governments/075469/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("双葉町")
    expect(page.locator("dl")).to_contain_text("Unknown")
    journey.check_accessibility()
    journey.open("/")
    expect(page.locator("main").get_by_role("link", name="Your account")).to_be_visible()
    journey.check_accessibility()
