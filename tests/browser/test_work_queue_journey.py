"""The work queue, followed as users do: from the home page's 「対応が必要なこと」 (or a
notice) straight to the item, done there, and the queue counts one fewer."""

import re

from playwright.sync_api import expect

from ciodispatch.dispatches import services as dispatches
from ciodispatch.dispatches.models import Dispatch, add_months
from ciodispatch.requests import services as requests
from ciodispatch.requests.models import DispatchRequest
from tests.conftest import PASSWORD, current_token, enrol_totp
from tests.dispatches.helpers import dispatch_at
from tests.progress.helpers import write_plan
from tests.requests.helpers import complete_readiness_training, fill, open_round


def _queue(page):
    return page.locator("section.work-queue")


def test_office_follows_the_task_to_the_pending_extension_and_decides_it(
    journey, personas, monkeypatch
):
    dispatch = dispatch_at(personas, monkeypatch, "active")
    new_end = add_months(dispatch.end_date, 6)
    dispatches.request_extension(
        dispatch, actor=personas.host1, new_end=new_end, reason="標準化移行の完了まで"
    )
    page = journey.page
    device = enrol_totp(personas.office)
    journey.sign_in("office", PASSWORD)
    page.get_by_label(re.compile("コード|Code")).fill(current_token(device))
    page.get_by_role("button", name=re.compile("^(確認する|Confirm)$")).click()

    # Home begins with what waits: one extension to decide, linked to exactly that list.
    queue = _queue(page)
    expect(queue.get_by_role("heading", name="対応が必要なこと")).to_be_visible()
    task = queue.get_by_role("link", name="判断待ちの延長申請")
    expect(task).to_be_visible()
    expect(
        queue.locator("li", has=page.get_by_role("link", name="判断待ちの延長申請"))
    ).to_contain_text("1件")
    journey.check_accessibility()
    task.click()
    assert journey.path() == "/dispatches/office/?waiting=extension"
    expect(page.locator("main tbody tr")).to_have_count(1)
    journey.check_accessibility()

    # The office opens it and approves the extension.
    page.locator(f'main tbody a[href="/dispatches/{dispatch.pk}/"]').click()
    page.locator('input[name="decision"][value="approve"]').check()
    page.locator('form[action$="/decide/"] button').click()
    expect(page.locator(".tag--dispatch-extended")).to_be_visible()
    journey.check_accessibility()
    dispatch.refresh_from_db()
    assert dispatch.state == Dispatch.State.EXTENDED and dispatch.end_date == new_end

    # Back home, the extension is no longer waiting.
    page.get_by_role("navigation", name="メニュー").get_by_role("link", name="ホーム").click()
    expect(_queue(page).get_by_role("link", name="判断待ちの延長申請")).to_have_count(0)
    journey.check_accessibility()


def test_host_head_follows_the_notice_to_sign_the_request(journey, personas):
    request_round = open_round()
    complete_readiness_training(personas.host1, personas.host1_head)
    request = requests.start_request(
        request_round, actor=personas.host1, host=personas.host1.local_government
    )
    request = fill(request, personas.host1, liaison=personas.host1, counterpart=personas.host1_head)
    requests.submit_request(request, actor=personas.host1)
    page = journey.page
    journey.sign_in("host1-head", PASSWORD)

    # The queue says a request waits for the head's signature; the header shows one notice.
    expect(_queue(page).get_by_role("link", name="署名待ちの派遣要請")).to_be_visible()
    notices = page.locator("a.site-header__notices")
    expect(notices).to_contain_text("1")
    journey.check_accessibility()
    notices.click()
    journey.check_accessibility()
    page.locator('main a[href^="/notices/"][href$="/open/"]').first.click()
    # It lands on the commitment to sign; the head reads and signs it there.
    assert journey.path() == f"/requests/{request.pk}/commitment/"
    journey.check_accessibility()
    page.locator("#agree").check()
    page.get_by_role("button", name=re.compile("確約に署名|Sign the commitment")).click()
    expect(page.locator(".notice--success")).to_be_visible()
    request.refresh_from_db()
    assert request.state != DispatchRequest.State.SUBMITTED
    assert request.committed_by == personas.host1_head

    # The notice is read, and nothing waits for a signature any more.
    expect(page.locator("a.site-header__notices .site-menu__count")).to_have_count(0)
    journey.open("/")
    expect(_queue(page).get_by_role("link", name="署名待ちの派遣要請")).to_have_count(0)
    journey.check_accessibility()


def test_cio_follows_report_due_to_the_report_form(journey, personas, monkeypatch):
    dispatch = dispatch_at(personas, monkeypatch, "active", started_days_ago=10)
    write_plan(dispatch, personas.candidate2)
    page = journey.page
    journey.sign_in("candidate2", PASSWORD)

    task = _queue(page).get_by_role("link", name="提出待ちの月次報告")
    expect(task).to_be_visible()
    item = _queue(page).locator("li", has=page.get_by_role("link", name="提出待ちの月次報告"))
    # The term started ten days ago: last month's and this month's reports are to file.
    expect(item).to_contain_text("2件")
    expect(item).to_contain_text(re.compile(r"\d+年\d+月\d+日（[月火水木金土日]）"))
    expect(item).to_contain_text(re.compile(r"あと\d+日|今日まで"))
    journey.check_accessibility()
    task.click()
    # The list shows exactly those two reports, each with its form.
    assert journey.path() == "/progress/mine/?todo=reports"
    form = f"/progress/dispatches/{dispatch.pk}/report/?month="
    links = page.locator(f'main a[href^="{form}"]')
    expect(links).to_have_count(2)
    journey.check_accessibility()
    month = dispatch.started_on.replace(day=1)
    page.locator(f'main a[href="{form}{month:%Y-%m}"]').click()
    assert journey.path() == f"{form}{month:%Y-%m}"
    expect(page.locator("main form")).to_be_visible()
    journey.check_accessibility()
