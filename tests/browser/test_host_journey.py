"""A host liaison (多久市) signs in, keeps the organisation's contacts and finds neighbours."""

import re

from playwright.sync_api import expect

from ciodispatch.accounts.models import Organisation
from tests.conftest import PASSWORD


def test_host_liaison_updates_contacts_and_reads_the_registry(journey, personas, saga_group):
    page = journey.page

    # Given host1, liaison of 多久市, signed in (no second factor for hosts)
    journey.sign_in("host1", PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_contain_text("ようこそ")
    expect(page.locator("main").get_by_role("link", name="監査ログ")).to_have_count(0)
    journey.check_accessibility()

    # When they open their organisation and save contact details with a bad e-mail
    page.locator("main").get_by_role("link", name="佐賀県多久市").click()
    journey.check_accessibility()
    page.locator("main").get_by_role("link", name="連絡先を変更する").click()
    page.get_by_label("担当部署").fill("総務課 情報政策係")
    page.get_by_label("連絡先メールアドレス").fill("not-an-address")
    page.get_by_label("連絡先電話番号").fill("0952-75-2111")
    page.get_by_role("button", name="保存する").click()

    # Then the error summary links to the field, and nothing is saved
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("link")).to_have_attribute("href", "#id_contact_email")
    journey.check_accessibility()
    assert Organisation.objects.get(local_government__code="412040").contact_department == ""

    # When they correct it, it is saved
    page.get_by_label("連絡先メールアドレス").fill("dx@city.taku.example.jp")
    page.get_by_role("button", name="保存する").click()
    expect(page.locator(".notice--success")).to_be_visible()
    expect(page.locator("dl")).to_contain_text("総務課 情報政策係")
    journey.check_accessibility()

    # They see the group they belong to, and search the registry in hiragana
    journey.open("/local-governments/groups/")
    page.locator("main").get_by_role("link", name=saga_group.name).click()
    expect(page.locator("tbody tr")).to_have_count(2)
    journey.check_accessibility()
    journey.open("/local-governments/")
    page.get_by_label("名称または読み").fill("うれしの")
    page.get_by_role("button", name="検索").click()
    expect(page.get_by_role("status")).to_contain_text("1 団体")
    journey.check_accessibility()

    # Another host's organisation is not even shown to exist (as for a missing page), and the
    # page says who to ask
    other = Organisation.objects.get(local_government__code="412091")
    response = page.goto(journey.base_url + f"/accounts/organisations/{other.pk}/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("ページが見つかりません")
    expect(page.get_by_role("main")).to_contain_text("事務局")
    journey.check_accessibility()
    assert re.search(r"/accounts/organisations/\d+/$", journey.path())
