"""The office reviews a host's case and publishes it; the public then finds it."""

import re

from playwright.sync_api import expect

from ciodispatch.knowhow import services
from tests.conftest import PASSWORD, current_token, enrol_totp
from tests.knowhow.helpers import draft


def test_the_office_publishes_a_case(journey, browser, live_server, personas):
    # Given a case 多久市 sent for review
    case = services.submit_case(
        draft(personas.host1, title="書かない窓口の整備", codes=("412040",)),
        actor=personas.host1,
    )
    page = journey.page
    device = enrol_totp(personas.office)

    # When the office signs in and opens the case workspace from the home page
    journey.sign_in("office", PASSWORD)
    page.locator("#id_token").fill(current_token(device))
    page.get_by_role("button", name=re.compile("^(確認する|Confirm)$")).click()
    page.locator("main a[href='/knowhow/workspace/']").click()
    journey.check_accessibility()

    # And opens the case in review and publishes it
    page.get_by_role("link", name="書かない窓口の整備").click()
    journey.check_accessibility()
    page.locator("button[name=decision][value=publish]").click()
    expect(page.locator(".notice--success")).to_be_visible()
    journey.check_accessibility()
    case.refresh_from_db()
    assert case.state == "published"

    # And the office's other pages pass the same checks: awards and manuals
    journey.open("/knowhow/awards/record/")
    journey.check_accessibility()
    journey.open("/knowhow/manuals/manage/new/")
    journey.check_accessibility()
    page.locator("#id_title").fill("窓口改善の手引き")
    page.locator("#id_body").fill("## 手順\n\n- 動線を観察する")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".notice--success")).to_be_visible()
    journey.check_accessibility()

    # Then anyone finds it by a two-character word
    public = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900})
    try:
        visitor = public.new_page()
        visitor.goto(f"{live_server.url}/knowhow/cases/?q=窓口")
        expect(visitor.locator(".knowhow-result")).to_contain_text("書かない窓口の整備")
    finally:
        public.close()
