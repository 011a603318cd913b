"""A host reads the cases recommended for its readiness gaps, then drafts its own case."""

from playwright.sync_api import expect

from ciodispatch.knowhow.models import Case
from tests.conftest import PASSWORD
from tests.knowhow.helpers import published
from tests.readiness.helpers import submitted_assessment


def test_a_host_reads_its_recommendations_and_drafts_a_case(journey, personas):
    # Given published cases, and 多久市's self-assessment with a gap in its budget
    published(personas.office, title="既存予算の再点検で財源を確保", challenges=["no_budget"])
    published(personas.office, title="縦割りを越えた連携", challenges=["organisational_walls"])
    submitted_assessment(personas.host1, points={"budget": [0, 0, 0, 0]})
    page = journey.page

    # When its liaison signs in and follows the home page's link to the cases for them
    journey.sign_in("host1", PASSWORD)
    page.locator("main a[href='/knowhow/recommendations/']").click()
    journey.check_accessibility()

    # Then the budget case is recommended, with the reason
    first = page.locator(".knowhow-result").first
    expect(first).to_contain_text("既存予算の再点検で財源を確保")
    expect(first.locator(".knowhow-reasons")).not_to_be_empty()

    # And they read it
    first.get_by_role("link").click()
    expect(page.locator("h1")).to_have_text("既存予算の再点検で財源を確保")
    journey.check_accessibility()

    # When they draft their own case from the workspace
    journey.open("/knowhow/workspace/")
    journey.check_accessibility()
    page.locator("main a.button").first.click()
    journey.check_accessibility()
    page.locator("#id_title").fill("書かない窓口")
    page.locator("#id_summary").fill("申請書を書かない窓口を整えた。")
    page.locator("#id_year_from").fill("2024")
    page.locator("input[name=challenges][value=resistance_to_change]").check()
    page.locator("#id_success_points").fill("現場主義：窓口の動線を観察した")
    page.locator("#id_spread_points").fill("手順書を公開する")
    page.locator("#id_outcomes").fill("待ち時間の短縮 | 10分")
    page.locator("main form button[type=submit]").click()

    # Then a figure without its source is refused with a clear message
    expect(page.locator(".error-summary")).to_be_visible()
    journey.check_accessibility()
    page.locator("#id_outcomes").fill("待ち時間の短縮 | 10分 | 市の窓口調査（2025年）")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".notice--success")).to_be_visible()
    journey.check_accessibility()

    # And they send it to the office
    page.locator("form[action$='/submit/'] button").click()
    expect(page.locator(".notice--success")).to_be_visible()
    assert Case.objects.get(title="書かない窓口").state == "in_review"
