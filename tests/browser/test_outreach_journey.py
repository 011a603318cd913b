"""A member of the public reads the statistics with the map and registers for a case talk;
a host requests direct support from an advanced region; the office approves it."""

import re

from django.core import mail
from playwright.sync_api import expect

from ciodispatch.outreach.models import SupportRequest
from tests.browser.conftest import Journey
from tests.conftest import PASSWORD, current_token, enrol_totp
from tests.outreach.helpers import event, published_offer


def test_the_public_reads_the_statistics_map_and_registers_for_an_event(
    journey, personas, settings
):
    # Given a published case talk with one place
    talk = event(personas.office, capacity=1, title="事例発表会：救急搬送IT変革に学ぶ")
    page = journey.page

    # When a member of the public opens the portal and its statistics
    journey.open("/portal/")
    journey.check_accessibility()
    page.locator("main").get_by_role(
        "link", name=re.compile("統計|Statistics and open data")
    ).first.click()
    expect(page.locator("#japan-map path")).to_have_count(47)
    expect(page.locator("#table-prefectures tbody tr")).to_have_count(47)
    journey.check_accessibility()

    # And registers for the case talk with a name and an e-mail address
    journey.open("/events/")
    journey.check_accessibility()
    page.get_by_role("link", name=talk.title).click()
    expect(page.locator("#what-happens-next")).to_be_visible()
    journey.check_accessibility()
    page.locator("#id_name").fill("青木 美咲")
    page.locator("#id_email").fill("aoki@example.jp")
    page.locator("#id_consent").check()
    page.locator("main form.form button[type=submit]").click()

    # Then the page says to check the mail, and that nothing is held until they confirm
    expect(page.locator(".notice--success")).to_contain_text(re.compile("メール|e-mail"))
    expect(page.locator("#places")).to_contain_text(re.compile("定員1名中0名確定|0 of 1 taken"))
    journey.check_accessibility()

    # When they open the confirmation link in the mail and confirm
    link = re.search(r"https?://\S+/events/confirm/\S+/", mail.outbox[-1].body).group(0)
    journey.open(re.sub(r"^https?://[^/]+", "", link))
    journey.check_accessibility()
    page.locator("main form button[type=submit]").click()

    # Then their place is confirmed, on the page whose link the next mail holds
    expect(page.locator("#registration-state")).to_contain_text(re.compile("確定|Confirmed"))
    journey.check_accessibility()
    cancel_link = re.search(r"https?://\S+/events/cancel/\S+/", mail.outbox[-1].body).group(0)
    assert page.url.endswith(re.sub(r"^https?://[^/]+", "", cancel_link))

    # When the form is sent again with that address beyond the limit (one a window, here)
    settings.ANONYMOUS_POSTS_PER_EMAIL = 1
    journey.open(f"/events/{talk.pk}/")
    page.locator("#id_name").fill("青木 美咲")
    page.locator("#id_email").fill("aoki@example.jp")
    page.locator("#id_consent").check()
    page.locator("main form.form button[type=submit]").click()

    # Then a page in the site's layout says, in words, when to try again
    expect(page.locator("#retry-after")).to_contain_text(re.compile("以降|after"))
    journey.check_accessibility()


def test_a_host_requests_support_and_the_office_approves_it(
    journey, browser, live_server, personas
):
    # Given an offer of 佐賀県, open to requests
    offer = published_offer(personas.pref1, personas.office, capacity=1)
    page = journey.page

    # When 多久市's liaison requests a site visit
    journey.sign_in("host1", PASSWORD)
    journey.open("/support/")
    journey.check_accessibility()
    page.get_by_role("link", name=offer.title).click()
    journey.check_accessibility()
    page.locator("main a.button[href*='requests/new']").click()
    journey.check_accessibility()
    page.locator("input[name=kind][value=site_visit]").check()
    page.locator("#id_purpose").fill(
        "救急搬送の受入れ照会に時間がかかっており、現場運用を学びたい。"
    )
    page.locator("main form.form button[type=submit]").click()
    expect(page.locator(".notice--success")).to_be_visible()
    journey.check_accessibility()
    support = SupportRequest.objects.get()

    # And the office approves it within the offer's capacity
    device = enrol_totp(personas.office)
    context = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900})
    try:
        office = Journey(context.new_page(), live_server.url)
        office.sign_in("office", PASSWORD)
        office.page.locator("#id_token").fill(current_token(device))
        office.page.get_by_role("button", name=re.compile("^(確認する|Confirm)$")).click()
        office.open("/support/office/")
        expect(office.page.locator("#waiting-table tbody")).to_contain_text("多久市")
        office.check_accessibility()
        office.page.locator("#waiting-table a").first.click()
        office.check_accessibility()
        office.page.locator("input[name=decision][value=approve]").check()
        office.page.locator("#id_offer").select_option(str(offer.pk))
        office.page.locator("main form.form button[type=submit]").click()
        expect(office.page.locator(".notice--success")).to_be_visible()
        office.check_accessibility()
    finally:
        context.close()

    # Then the request is approved and the offer has no place left
    support.refresh_from_db()
    assert support.state == SupportRequest.State.APPROVED and offer.remaining() == 0
