"""A dispatch from proposal to evaluation: the CIO and the host accept, the host sets the
appointment and the CIO confirms it (the notice is issued), the host records the start and asks
for a longer term, the office approves it; at the end of another term the host evaluates the
CIO and drafts a know-how case from it."""

import re

import pytest
from playwright.sync_api import expect

from ciodispatch.dispatches.models import Dispatch, add_months
from tests.conftest import PASSWORD, current_token, enrol_totp
from tests.dispatches.helpers import dispatch_at, today


@pytest.fixture
def proposed(personas, monkeypatch):
    return dispatch_at(personas, monkeypatch, "proposed")


def _other(journey, browser, username, password=PASSWORD):
    page = browser.new_context(locale="ja-JP").new_page()
    other = type(journey)(page, journey.base_url)
    other.sign_in(username, password)
    return other


def test_cio_and_host_take_a_dispatch_through_its_start(journey, browser, personas, proposed):
    page = journey.page
    url = f"/dispatches/{proposed.pk}/"

    # Given a proposed dispatch, the CIO finds it in their list and accepts.
    journey.sign_in("candidate2", PASSWORD)
    journey.open("/dispatches/")
    journey.check_accessibility()
    page.locator(f'a[href="{url}"]').click()
    journey.check_accessibility()
    page.locator('button[name="answer"][value="accept"]').click()
    expect(page.locator(".notice--success")).to_be_visible()

    # The host accepts too, then checks the appointment copied from the request.
    host = _other(journey, browser, "host1")
    host.open(url)
    host.page.locator('button[name="answer"][value="accept"]').click()
    expect(host.page.locator(".tag--dispatch-accepted")).to_be_visible()
    host.check_accessibility()
    host.page.locator(f'a[href="{url}appointment/"]').click()
    host.check_accessibility()
    host.page.locator("#id_start_date").fill(today().isoformat())
    host.page.locator("#id_end_date").fill("2000-01-01")
    host.page.locator('main form.form button[type="submit"]').click()
    expect(host.page.locator(".error-summary")).to_be_visible()  # the end before the start
    host.check_accessibility()
    end = add_months(today(), 12)
    host.page.locator("#id_end_date").fill(end.isoformat())
    host.page.locator("#id_days_per_week").fill("3")
    host.page.locator('main form.form button[type="submit"]').click()
    expect(host.page.locator(".notice--success")).to_be_visible()

    # The CIO confirms; the notice of appointment can be downloaded.
    journey.open(url)
    page.locator(f'form[action="{url}appointment/confirm/"] button').click()
    with page.expect_download() as download:
        page.locator(f'a[href="{url}notice.pdf"]').click()
    assert download.value.suggested_filename.startswith("CIO-")
    journey.check_accessibility()

    # The host records the start and asks for a longer term.
    host.open(url)
    host.page.locator(f'form[action="{url}start/"] button').click()
    expect(host.page.locator(".tag--dispatch-active")).to_be_visible()
    host.check_accessibility()
    host.page.locator(f'a[href="{url}extension/"]').click()
    host.check_accessibility()
    new_end = add_months(today(), 24)
    host.page.locator("#id_new_end").fill(new_end.isoformat())
    host.page.locator("#id_reason").fill("標準化移行の完了まで伴走してほしい")
    host.page.locator('main form.form button[type="submit"]').click()
    expect(host.page.locator(".notice--success")).to_be_visible()

    # The office approves it from its list.
    device = enrol_totp(personas.office)
    office = _other(journey, browser, "office")
    office.page.get_by_label(re.compile("コード|Code")).fill(current_token(device))
    office.page.get_by_role("button", name=re.compile("^(確認する|Confirm)$")).click()
    office.open("/dispatches/office/")
    office.check_accessibility()
    office.page.locator(f'a[href="{url}"]').click()
    office.page.locator('input[name="decision"][value="approve"]').check()
    office.page.locator('form[action$="/decide/"] button').click()
    expect(office.page.locator(".tag--dispatch-extended")).to_be_visible()
    office.check_accessibility()
    proposed.refresh_from_db()
    assert proposed.state == Dispatch.State.EXTENDED and proposed.end_date == new_end


def test_host_evaluates_a_finished_dispatch_and_drafts_a_case(journey, personas, monkeypatch):
    done = dispatch_at(personas, monkeypatch, "completed")
    page = journey.page
    journey.sign_in("host1", PASSWORD)
    journey.open(f"/dispatches/{done.pk}/")
    journey.check_accessibility()
    page.locator(f'a[href="/dispatches/{done.pk}/evaluation/"]').first.click()
    journey.check_accessibility()
    for name in ("score_leadership", "score_field", "score_goals", "score_transfer", "overall"):
        page.locator(f'input[name="{name}"][value="4"]').check()
    page.locator("#id_went_well").fill("現場職員と一緒に申請手続を見直し、オンライン化を進めた")
    page.locator('main form.form button[type="submit"]').click()
    expect(page.locator(".notice--success")).to_be_visible()
    journey.check_accessibility()
    page.locator(f'form[action="/dispatches/{done.pk}/case-draft/"] button').click()
    expect(page).to_have_url(re.compile(r"/knowhow/workspace/\d+/$"))
    journey.check_accessibility()


def test_office_fills_a_declined_place(journey, personas, monkeypatch):
    from ciodispatch.dispatches import services
    from tests.candidates.helpers import new_candidate
    from tests.matchround.helpers import certify

    place = dispatch_at(personas, monkeypatch, "proposed")
    services.decline(place, actor=personas.host1, reason="専門分野が合わない")
    spare = certify(personas, new_candidate("spare"), monkeypatch, email="spare@x.jp")
    device = enrol_totp(personas.office)
    page = journey.page
    journey.sign_in("office", PASSWORD)
    page.get_by_label(re.compile("コード|Code")).fill(current_token(device))
    page.get_by_role("button", name=re.compile("^(確認する|Confirm)$")).click()
    journey.open(f"/dispatches/{place.pk}/")
    journey.check_accessibility()
    page.locator(f'a[href="/dispatches/{place.pk}/fill/"]').click()
    journey.check_accessibility()
    page.locator(f'input[name="application"][value="{spare.pk}"]').check()
    page.locator("#id_reason").fill("次点の候補者")
    page.locator("main form.form button[type=submit]").click()
    expect(page.locator(".tag--dispatch-proposed")).to_be_visible()
    journey.check_accessibility()
    assert Dispatch.objects.get(replaces=place).application == spare
