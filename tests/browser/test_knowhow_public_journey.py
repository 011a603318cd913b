"""A member of the public searches the know-how base and reads a case, without signing in."""

import datetime as dt
import re

from playwright.sync_api import expect

from ciodispatch.knowhow import services
from tests.knowhow.helpers import published


def test_the_public_searches_and_reads_a_case(journey, personas):
    # Given published cases, one of them about the cloud in 佐賀県
    case = published(
        personas.office,
        title="市町基幹情報システムのクラウド化",
        codes=("410004", "412040"),
        theme="core_systems_cloud",
        summary="県主導で全市町が連携し、基幹システムをクラウドへ移した。",
        body="## 取組\n\n全市町共同で**RFI**を実施した。",
    )
    published(personas.office, title="都庁のテレワーク", codes=("130001",), summary="東京都庁。")
    page = journey.page

    # When a visitor opens the home page and follows the link to the cases
    journey.open("/")
    page.locator("main a[href='/knowhow/cases/']").click()
    journey.check_accessibility()

    # And searches in half-width katakana, narrowed to 佐賀県
    page.locator("#id_q").fill("ｸﾗｳﾄﾞ")
    page.locator("#id_prefecture").select_option("41")
    page.locator("form[role=search] button[type=submit]").click()

    # Then the cloud case is found with the word highlighted, and nothing from Tokyo
    results = page.locator(".knowhow-result")
    expect(results).to_have_count(1)
    expect(results.first.locator("mark").first).to_have_text("クラウド")
    journey.check_accessibility()

    # And a query of symbols only gets a clear message, not an error
    page.locator("#id_q").fill('"*')
    page.locator("form[role=search] button[type=submit]").click()
    expect(page.locator(".notice--warning")).to_be_visible()
    journey.check_accessibility()

    # When they open the case
    journey.open(f"/knowhow/cases/?q={'クラウド'}")
    page.get_by_role("link", name=re.compile("市町基幹情報システム")).click()

    # Then they read its structure, the story and the licence
    expect(page.locator("h1")).to_have_text(case.title)
    expect(page.locator(".knowhow-prose strong")).to_have_text("RFI")
    expect(page.locator(".knowhow-licence")).to_contain_text("CC BY 4.0")
    journey.check_accessibility()


def test_the_public_reads_manuals_and_awards(journey, personas):
    # Given a published manual from a published case, and last year's award
    case = published(personas.office, title="救急搬送 IT変革")
    manual = services.create_manual(
        title="救急搬送支援システム導入の手引き",
        actor=personas.office,
        body="## 手順\n\n1. 関係者の洗い出し\n2. 現場の課題抽出",
        cases=[case],
    )
    services.publish_manual(manual, actor=personas.office)
    services.record_award(
        fiscal_year=2025,
        name="2025年度 自治体DX横展開アワード",
        decided_on=dt.date(2026, 2, 20),
        selections=[(case, "大賞", "全国に広がる仕組みをつくった。")],
        actor=personas.office,
    )
    page = journey.page

    # When a visitor searches the manuals
    journey.open("/knowhow/manuals/?q=手順")
    expect(page.locator(".knowhow-result mark").first).to_have_text("手順")
    journey.check_accessibility()

    # Then they read the manual and reach the case it comes from
    page.get_by_role("link", name=re.compile("救急搬送支援システム")).click()
    expect(page.locator(".knowhow-prose ol li")).to_have_count(2)
    journey.check_accessibility()

    # And the awards page names the case and its prize
    page.locator("nav.knowhow-nav a[href='/knowhow/awards/']").click()
    expect(page.locator("main table")).to_contain_text("大賞")
    journey.check_accessibility()
