"""A prefecture coordinator (佐賀県) forms a group of municipalities for a joint request."""

from playwright.sync_api import expect

from ciodispatch.localgov.models import LocalGovernmentGroup
from tests.conftest import PASSWORD


def test_coordinator_creates_a_group(journey, personas):
    page = journey.page
    journey.sign_in("pref1", PASSWORD)
    page.locator("main").get_by_role("link", name="広域連携グループ").click()
    journey.check_accessibility()
    page.locator("main").get_by_role("link", name="グループを作成する").click()
    journey.check_accessibility()

    # One member only: refused with a message that says what to do
    page.get_by_label("グループ名").fill("佐賀県 西部DX共同推進")
    page.get_by_label("多久市").check()
    page.get_by_role("button", name="グループを作成").click()
    expect(page.locator(".error-summary")).to_contain_text("2つ以上")
    journey.check_accessibility()

    page.get_by_label("嬉野市").check()
    page.get_by_label("有田町").check()
    page.get_by_role("button", name="グループを作成").click()
    expect(page.locator(".notice--success")).to_be_visible()
    expect(page.locator("tbody tr")).to_have_count(3)
    journey.check_accessibility()
    group = LocalGovernmentGroup.objects.get(name="佐賀県 西部DX共同推進")
    assert group.lead.code == "410004"
