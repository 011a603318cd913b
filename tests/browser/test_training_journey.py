"""The office schedules a session; a candidate enrols, attends, passes and downloads the
certificate of completion."""

import datetime as dt
import io
import re
from pathlib import Path

from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from ciodispatch.training.models import Enrolment
from tests.browser.conftest import Journey
from tests.conftest import PASSWORD, current_token, enrol_totp


def test_office_runs_a_session_and_a_candidate_gets_the_certificate(
    journey, browser, live_server, personas
):
    office, page = journey, journey.page
    device = enrol_totp(personas.office)

    # Given the office officer, signed in with the second factor
    office.sign_in("office", PASSWORD)
    page.get_by_label(re.compile("コード|Code")).fill(current_token(device))
    page.get_by_role("button", name=re.compile("確認する|Verify")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(re.compile("ようこそ|Welcome"))

    # When they create a public-sector course with an assessment, forgetting the pass score
    office.open("/training/")
    office.check_accessibility()
    page.get_by_role("link", name=re.compile("研修を作成|Create a course")).click()
    office.check_accessibility()
    page.locator("#id_track").select_option("public_sector")
    page.locator("#id_title").fill("公共での仕事の進め方 予算と議会")
    page.locator("#id_description").fill("予算編成、地方自治法、調達、議会対応を学ぶ。")
    page.locator("#id_has_assessment").check()
    page.get_by_role("button", name=re.compile("研修を作成する|Create the course")).click()

    # Then the error summary points at the pass score; with it, the course is created
    expect(page.locator(".error-summary a")).to_have_attribute("href", "#id_pass_score")
    office.check_accessibility()
    page.locator("#id_pass_score").fill("60")
    page.get_by_role("button", name=re.compile("研修を作成する|Create the course")).click()

    # And they schedule a session of it next week
    expect(page).to_have_url(re.compile(r"/training/sessions/new/\?course=\d+$"))
    office.check_accessibility()
    day = timezone.localdate() + dt.timedelta(days=7)
    page.locator("#id_date").fill(day.isoformat())
    page.locator("#id_start_time").fill("13:00")
    page.locator("#id_end_time").fill("17:00")
    page.locator("#id_place").fill("中央合同庁舎第8号館 共用会議室")
    page.locator("#id_capacity").fill("10")
    page.get_by_role("button", name=re.compile("日程を登録する|Schedule the session")).click()
    expect(page).to_have_url(re.compile(r"/training/sessions/\d+/roster/$"))
    expect(page.locator(".notice--success")).to_be_visible()
    office.check_accessibility()
    roster_path = office.path()

    # When candidate1 signs in (their own browser) and enrols from the catalogue
    context = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900})
    try:
        candidate = Journey(context.new_page(), live_server.url)
        cpage = candidate.page
        cpage.set_default_timeout(10_000)
        candidate.sign_in("candidate1", PASSWORD)
        candidate.open("/training/")
        candidate.check_accessibility()
        cpage.get_by_role(
            "link", name=re.compile(rf"{day.year}年{day.month}月{day.day}日|{day.year}")
        ).click()
        expect(cpage.get_by_role("heading", level=1)).to_have_text(
            "公共での仕事の進め方 予算と議会"
        )
        expect(cpage.locator("#seats-left")).to_contain_text("10")
        candidate.check_accessibility()
        cpage.get_by_role("button", name=re.compile("申し込む|Enrol")).click()

        # Then their place is confirmed and a seat is taken
        expect(cpage.locator(".notice--success")).to_be_visible()
        expect(cpage.locator("#seats-left")).to_contain_text("9")
        expect(cpage.locator("#your-place")).to_contain_text(re.compile("申込み済み|Enrolled"))
        candidate.check_accessibility()

        # When the office records attendance and a passing score on the roster
        page.goto(live_server.url + roster_path)
        row = page.locator("#roster tbody tr", has_text="candidate1")
        row.get_by_role("button", name=re.compile("^(出席|Attended)$")).click()
        expect(page.locator(".notice--success")).to_be_visible()
        office.check_accessibility()
        row = page.locator("#roster tbody tr", has_text="candidate1")
        row.get_by_label(re.compile("得点|Score")).fill("85")
        row.get_by_role("button", name=re.compile("結果を記録する|Record the result")).click()

        # Then a certificate number is issued
        enrolment = Enrolment.objects.get(user=personas.candidate1)
        assert enrolment.state == Enrolment.State.COMPLETED and enrolment.score == 85
        number = enrolment.certificate_number
        assert re.fullmatch(r"PS-\d{4}-000001", number)
        expect(page.locator("#roster")).to_contain_text(number)
        office.check_accessibility()

        # And the candidate downloads it from their training page
        candidate.open("/training/mine/")
        candidate.check_accessibility()
        with cpage.expect_download() as download:
            cpage.get_by_role("link", name=re.compile(number)).click()
        pdf = PdfReader(io.BytesIO(Path(download.value.path()).read_bytes()))
        text = "".join("".join(p.extract_text().split()) for p in pdf.pages)
        assert "修了証書" in text and number in text
    finally:
        context.close()
