"""多久市's liaison assesses the government's readiness; 佐賀県's coordinator reads the result;
嬉野市's liaison cannot. (Pages show Japanese once the catalogue has the strings, English until
then: the patterns accept both.)"""

import re

from playwright.sync_api import expect

from ciodispatch.readiness.models import Assessment, Dimension
from tests.conftest import PASSWORD

# Points chosen per dimension (the options are listed weakest first, 0 to 3 points).
PLAN = {d.value: [3, 3, 3, 3] for d in Dimension}
PLAN["cooperation"] = [3, 3, 3]  # three questions
PLAN["budget"] = [1, 1, 0, 0]  # 2 of 12 -> 17: a gap
SAVE_AND_CONTINUE = re.compile("^(保存して次へ進む|Save and continue)$")


def sign_out(journey):
    journey.page.get_by_role("button", name=re.compile("^(ログアウト|Sign out)$")).click()


def answer_page(page, points):
    for question, value in zip(page.locator("fieldset.question").all(), points, strict=True):
        question.locator("input[type=radio]").nth(value).check()
        if value:
            question.locator("textarea").fill("令和7年度の庁議資料で確認できる。")


def test_host_assesses_readiness_coordinator_reads_it_other_host_is_refused(journey, personas):
    page = journey.page

    # Given host1, the liaison of 多久市, on the readiness page
    journey.sign_in("host1", PASSWORD)
    journey.open("/readiness/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("多久市")
    journey.check_accessibility()

    # When they start the self-assessment
    page.get_by_role(
        "button", name=re.compile("自己評価を始める|Start the self-assessment")
    ).click()
    expect(page.locator(".task-list__item")).to_have_count(len(Dimension) + 1)
    journey.check_accessibility()
    page.locator(".task-list__name").first.click()

    # A top answer without evidence is refused, and the error links to the evidence field
    first = page.locator("fieldset.question").first
    first.locator("input[type=radio]").nth(3).check()
    page.get_by_role("button", name=SAVE_AND_CONTINUE).click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text(re.compile("根拠|evidence"))
    journey.check_accessibility()

    # Then they answer every dimension, page by page, with evidence
    for dimension in Dimension:
        expect(page.locator("fieldset.question")).to_have_count(len(PLAN[dimension.value]))
        answer_page(page, PLAN[dimension.value])
        page.get_by_role("button", name=SAVE_AND_CONTINUE).click()
        expect(page.locator(".notice--success")).to_be_visible()
        journey.check_accessibility()

    # …rate the six common challenges, check and submit
    for challenge in page.locator("fieldset.question").all():
        challenge.locator("input[type=radio]").nth(2).check()
    page.get_by_role("button", name=re.compile("保存して入力内容を確認する|Save and check")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        re.compile("入力内容の確認|Check your answers")
    )
    journey.check_accessibility()
    page.get_by_role("button", name=re.compile("自己評価を提出する|Submit the assessment")).click()

    # Then they see the scores, the gap in budget and what to do about it
    assessment = Assessment.objects.get(local_government_id="412040")
    assert assessment.state == Assessment.State.SUBMITTED
    expect(page.locator("#score-head_vision td.num")).to_have_text("100")
    expect(page.locator("#score-budget td.num")).to_have_text("17")
    gap = page.locator("#gap-budget")
    expect(gap).to_contain_text("既存の情報化予算（保守・更新の費用）を点検し")
    expect(page.locator("#gap-head_vision")).to_have_count(0)
    expect(page.locator("main a[href='/training/']").first).to_be_visible()
    journey.check_accessibility()
    journey.open("/readiness/")
    expect(page.locator("#dimension-scores")).to_be_visible()
    journey.check_accessibility()
    sign_out(journey)

    # When 佐賀県's coordinator reads the prefecture's list and opens 多久市
    journey.sign_in("pref1", PASSWORD)
    journey.open("/readiness/local-governments/")
    journey.check_accessibility()
    page.get_by_role("link", name="佐賀県多久市").click()
    expect(page.locator("#score-budget td.num")).to_have_text("17")
    expect(page.locator("#gap-budget")).to_be_visible()
    expect(page.locator("form[action='/readiness/start/']")).to_have_count(0)
    journey.check_accessibility()
    sign_out(journey)

    # Then 嬉野市's liaison is refused 多久市's assessment
    journey.sign_in("host2", PASSWORD)
    response = page.goto(f"{journey.base_url}/readiness/assessments/{assessment.pk}/")
    assert response is not None and response.status == 404  # not even shown to exist
    journey.check_accessibility()
    response = page.goto(f"{journey.base_url}/readiness/local-governments/412040/")
    assert response is not None and response.status == 403
