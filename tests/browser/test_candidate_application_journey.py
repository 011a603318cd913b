"""A stranger registers as a candidate, fills every section, checks the answers and submits."""

import datetime as dt
import re

from django.utils import timezone
from playwright.sync_api import expect

from ciodispatch.candidates.models import Application
from tests.candidates.helpers import MOTIVATION, pdf_upload


def test_candidate_applies_from_registration_to_submission(journey, registry, tmp_path):
    page = journey.page
    cv = tmp_path / "cv.pdf"
    cv.write_bytes(pdf_upload().read())

    # Given a stranger on the home page
    journey.open("/")
    page.get_by_role("link", name=re.compile("認定CIOに応募する|Apply to become")).click()
    journey.check_accessibility()

    # When they register
    page.locator("#id_username").fill("hanako")
    page.locator("#id_email").fill("hanako@example.jp")
    page.locator("#id_family_name").fill("山田")
    page.locator("#id_given_name").fill("花子")
    page.locator("#id_password1").fill("a-long-password-2026")
    page.locator("#id_password2").fill("a-long-password-2026")
    page.locator("main button[type=submit]").click()

    # Then they see the task list with nine sections
    expect(page.locator(".task-list__item")).to_have_count(9)
    journey.check_accessibility()

    def open_section(number):
        page.locator(".task-list__name").nth(number).click()

    def save():
        page.locator("main form button[type=submit]").click()

    open_section(0)  # identity
    journey.check_accessibility()
    page.locator("#id_family_name_kana").fill("ヤマダ")
    page.locator("#id_given_name_kana").fill("ハナコ")
    page.locator("#id_date_of_birth").fill("1980-02-03")
    page.locator("#id_phone").fill("090-1234-5678")
    page.locator("#id_prefecture_code").select_option("41")
    save()
    expect(page.locator(".task-list__status--completed")).to_have_count(1)

    open_section(1)  # career
    journey.check_accessibility()
    page.locator("#id_has_public_sector_experience_1").check()
    page.locator("#id_career-0-organisation").fill("株式会社クラウドワークス")
    page.locator("#id_career-0-role").fill("CTO")
    page.locator("#id_career-0-start_year").fill("2012")
    save()

    open_section(2)  # skills: a level without evidence is refused first
    journey.check_accessibility()
    page.locator("#id_engineer_level").select_option("3")
    save()
    expect(page.locator(".error-summary")).to_be_visible()
    journey.check_accessibility()
    page.locator("#id_engineer_evidence").fill(
        "基幹システムのクラウド移行を設計し、運用費を4割削減した。"
    )
    save()

    open_section(3)  # domains
    journey.check_accessibility()
    page.locator("input[name=domains][value=core_systems_cloud]").check()
    save()

    open_section(4)  # availability: a term of 30 months is refused
    journey.check_accessibility()
    start = (timezone.localdate() + dt.timedelta(days=100)).isoformat()
    page.locator("#id_earliest_start").fill(start)
    page.locator("#id_term_months").fill("30")
    page.locator("#id_work_pattern_0").check()
    page.locator("#id_work_place_2").check()
    page.locator("input[name=regions][value=kyushu]").check()
    save()
    expect(page.locator(".error-summary")).to_contain_text(re.compile("24"))
    journey.check_accessibility()
    page.locator("#id_term_months").fill("24")
    save()

    open_section(5)  # vendors
    journey.check_accessibility()
    page.locator("#id_none").check()
    save()

    open_section(6)  # motivation
    journey.check_accessibility()
    page.locator("#id_motivation").fill(MOTIVATION)
    save()

    open_section(7)  # documents
    journey.check_accessibility()
    page.locator("#id_cv").set_input_files(str(cv))
    save()

    open_section(8)  # consent
    journey.check_accessibility()
    page.locator("#id_agree").check()
    save()
    expect(page.locator(".task-list__status--completed")).to_have_count(9)
    journey.check_accessibility()

    # Check the answers, then submit
    page.locator("main a.button").click()
    expect(page.locator("main")).to_contain_text("クラウドワークス")
    journey.check_accessibility()
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".notice--success")).to_be_visible()
    journey.check_accessibility()
    app = Application.objects.get(user__username="hanako")
    assert app.state == Application.State.APPLIED
    assert app.cv and app.consent_version
