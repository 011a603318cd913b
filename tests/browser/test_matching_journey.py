"""The matching round end to end: a candidate ranks posts (buttons moved by the script, no
reload), a host ranks its applicants, the office runs the match in the background, reviews and
publishes, and the candidate reads why they got what they got."""

import re

import pytest
from playwright.sync_api import expect

from ciodispatch.matchround import services
from ciodispatch.matchround.models import MatchRound
from tests.conftest import PASSWORD, current_token, enrol_totp, run_task_queue
from tests.matchround.helpers import build_round


@pytest.fixture
def setup(personas, monkeypatch):
    return build_round(personas, monkeypatch, extra_candidates=1)


def test_candidate_host_and_office_complete_a_round(journey, browser, personas, setup):
    page = journey.page
    extra = setup.extras[0]
    services.save_candidate_ranking(setup.round, [setup.ureshino.pk], actor=extra.user)

    # A certified candidate ranks two posts, best first, and saves.
    journey.sign_in("candidate2", PASSWORD)
    page.goto(journey.base_url + "/matching/rank/")
    expect(page.locator(".notice--warning")).to_contain_text("富士通")  # 多久市 is hidden
    journey.check_accessibility()
    pool = page.locator("[data-ranking-pool]")
    chosen = page.locator("[data-ranking-list]")
    pool.locator(f'[data-id="{setup.shingu.pk}"] [data-move="add"]').click()
    pool.locator(f'[data-id="{setup.ureshino.pk}"] [data-move="add"]').click()
    expect(chosen.locator(".ranking__item")).to_have_count(2)  # moved in the page
    chosen.locator(f'[data-id="{setup.ureshino.pk}"] [data-move="up"]').click()
    expect(chosen.locator(".ranking__item").first).to_have_attribute(
        "data-id", str(setup.ureshino.pk)
    )
    expect(page.locator("[data-ranking-status]")).to_contain_text("1")
    expect(page.locator("[data-ranking-dirty]")).to_be_visible()
    journey.check_accessibility()
    page.locator('button[name="save"]').click()
    expect(page.locator(".notice--success")).to_be_visible()
    assert services.candidate_ranking(setup.round, setup.app2) == [
        setup.ureshino.pk,
        setup.shingu.pk,
    ]
    page.locator(f'a[href="/matching/posts/{setup.ureshino.pk}/"]').click()
    expect(page.locator("h1")).to_contain_text("佐賀県嬉野市")
    journey.check_accessibility()

    # The hosts' ranking opens; 嬉野市 reads the file of a candidate who ranked it and ranks.
    services.advance(setup.round, MatchRound.Phase.HOSTS_RANK, actor=personas.office)
    host = browser.new_context(locale="ja-JP").new_page()
    host_journey = type(journey)(host, journey.base_url)
    host_journey.sign_in("host2", PASSWORD)
    host.goto(journey.base_url + "/matching/host/")
    host_journey.check_accessibility()
    host.locator(f'a[href="/matching/host/posts/{setup.ureshino.pk}/"]').click()
    host_journey.check_accessibility()
    applicants = host.locator("[data-ranking-pool] .ranking__item")
    expect(applicants).to_have_count(2)
    host.locator(f'a[href$="/candidates/{setup.app2.pk}/"]').click()
    host_journey.check_accessibility()
    host.go_back()
    host.locator(f'[data-ranking-pool] [data-id="{extra.pk}"] [data-move="add"]').click()
    host.locator(f'[data-ranking-pool] [data-id="{setup.app2.pk}"] [data-move="add"]').click()
    host.locator('button[name="save"]').click()
    expect(host.locator(".notice--success")).to_be_visible()
    assert services.host_ranking(setup.ureshino) == [extra.pk, setup.app2.pk]
    services.save_host_ranking(setup.shingu, [setup.app2.pk], actor=personas.host_fukuoka)

    # The office closes the rankings, runs the match, watches it finish, reviews, publishes.
    device = enrol_totp(personas.office)
    office = browser.new_context(locale="ja-JP").new_page()
    office_journey = type(journey)(office, journey.base_url)
    office_journey.sign_in("office", PASSWORD)
    office.get_by_label(re.compile("コード|Code")).fill(current_token(device))
    office.get_by_role("button", name=re.compile("^(確認する|Confirm)$")).click()
    office.goto(journey.base_url + f"/matching/office/rounds/{setup.round.pk}/")
    office_journey.check_accessibility()
    office.locator('form[action$="/phase/"] button').click()
    office.locator('form[action$="/run/"] button').click()
    expect(office.locator("progress#run-progress")).to_be_visible()
    office_journey.check_accessibility()
    run_task_queue()
    # The page polls the run's status and shows the outcome once it has finished.
    expect(office.locator(".stat-list")).to_be_visible(timeout=15_000)
    expect(office.locator(".stat-list")).to_contain_text("67%")  # 2 of 3 places
    office_journey.check_accessibility()
    office.locator('input[name="confirm"]').check()
    office.locator('form[action$="/publish/"] button').click()
    expect(office.locator(".notice--success")).to_be_visible()

    # The candidate reads the result and why not the post they ranked first.
    page.goto(journey.base_url + f"/matching/rounds/{setup.round.pk}/my-result/")
    expect(page.locator(".notice--success")).to_contain_text("福岡県新宮町")
    expect(page.locator(".explanations li")).to_have_count(1)
    expect(page.locator(".explanations li")).to_contain_text("佐賀県嬉野市")
    expect(page.locator(".explanations li")).to_contain_text(re.compile("第1位|no. 1"))
    journey.check_accessibility()
    page.goto(journey.base_url + "/matching/results/")
    page.locator(f'a[href="/matching/results/{setup.round.fiscal_year}/"]').click()
    journey.check_accessibility()
