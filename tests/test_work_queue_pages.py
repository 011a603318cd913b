"""The work queue where users meet it: the home page's 「対応が必要なこと」, the menu's counts
on every signed-in page, ``GET /api/me/tasks``, and the office's programme panel."""

import datetime as dt

import pytest
from django.utils import timezone

from ciodispatch.core import work
from ciodispatch.core.work import Pending
from tests.conftest import verified_client
from tests.matchround.helpers import build_round


@pytest.fixture
def kinds(monkeypatch):
    """Two kinds of work of a pretend area "requests", for host1 only."""
    monkeypatch.setattr(work, "KINDS", {})
    today = timezone.localdate()
    answers = {
        "requests.later": ("Later work", Pending(3, "/requests/?later=1", None)),
        "requests.overdue": (
            "Overdue work",
            Pending(2, "/requests/?overdue=1", today - dt.timedelta(days=2)),
        ),
    }
    for key, (title, answer) in answers.items():

        def pending(user, today, answer=answer):
            return answer if user.username == "host1" else None

        work.kind(key, title=title, area="requests")(pending)
    return answers


def test_home_begins_with_the_work_waiting_overdue_first(client, personas, kinds):
    verified_client(client, personas.host1)
    page = client.get("/").content.decode()
    queue = page[page.index("対応が必要なこと") :]
    assert queue.index("Overdue work") < queue.index("Later work")
    assert "2件" in queue and "3件" in queue
    assert "2日超過" in queue and "期限なし" in queue
    assert 'href="/requests/?overdue=1"' in queue
    # The menu counts the area's five items on the requests link.
    menu = page[page.index('class="site-menu"') : page.index("</nav>")]
    assert '<span class="site-menu__count">5' in menu


def test_an_empty_queue_says_so(client, personas, kinds):
    verified_client(client, personas.host2)
    page = client.get("/").content.decode()
    assert "いま対応が必要なことはありません" in page
    assert "site-menu__count" not in page


def test_the_menu_counts_again_after_a_post(client, personas, kinds, monkeypatch):
    verified_client(client, personas.host1)
    assert '<span class="site-menu__count">5' in client.get("/requests/").content.decode()
    # The work is done elsewhere; the kept count shows until the user posts something.
    monkeypatch.setitem(
        work.KINDS,
        "requests.later",
        work.TaskKind("requests.later", "Later work", "requests", lambda user, today: None),
    )
    assert '<span class="site-menu__count">5' in client.get("/requests/").content.decode()
    client.post("/i18n/setlang/", {"language": "ja", "next": "/requests/"})
    assert '<span class="site-menu__count">2' in client.get("/requests/").content.decode()


def test_api_me_tasks_lists_the_users_own_work(client, personas, kinds):
    assert client.get("/api/me/tasks").status_code == 401
    verified_client(client, personas.host1)
    body = client.get("/api/me/tasks").json()
    assert [task["kind"] for task in body] == ["requests.overdue", "requests.later"]
    assert body[0]["urgency"] == "overdue" and body[0]["count"] == 2
    assert body[1]["due"] is None and body[1]["url"] == "/requests/?later=1"
    client.logout()
    verified_client(client, personas.host2)
    assert client.get("/api/me/tasks").json() == []


def test_api_me_tasks_is_in_the_schema(client):
    schema = client.get("/api/openapi.json").json()
    operation = schema["paths"]["/api/me/tasks"]["get"]
    assert "401" in operation["responses"]
    item = schema["components"]["schemas"]["TaskOut"]["properties"]
    assert set(item) == {"kind", "title", "count", "url", "due", "urgency"}


def test_the_office_sees_where_the_programme_stands(client, personas, monkeypatch):
    setup = build_round(personas, monkeypatch)
    verified_client(client, personas.office)
    page = client.get("/").content.decode()
    panel = page[page.index("制度の進行状況") :]
    assert f'href="/matching/office/rounds/{setup.round.pk}/"' in panel
    assert "候補者による順位付け" in panel
    until = setup.round.candidates_rank_until
    assert f"{until.year}年{until.month}月{until.day}日" in panel
    # candidate2 is certified and has not ranked yet.
    assert "認定候補者1人のうち0人が順位を登録済み" in panel
    # Nobody else sees it.
    client.logout()
    verified_client(client, personas.host1)
    assert "制度の進行状況" not in client.get("/").content.decode()


def test_the_menu_names_each_area_once_and_a_page_without_a_breadcrumb_shows_its_area(
    client, personas, kinds
):
    verified_client(client, personas.host1)
    page = client.get("/requests/").content.decode()
    menu = page[page.index('class="site-menu"') : page.index("</nav>")]
    # One entry an area, named by its app, marked as the area of the page shown.
    assert menu.count('href="/requests/"') == 1
    assert '<a href="/requests/" aria-current="true">派遣要請' in menu
    crumbs = page[page.index('class="container breadcrumbs"') :]
    crumbs = crumbs[: crumbs.index("</nav>")]
    assert '<a href="/">ホーム</a>' in crumbs and "派遣要請" in crumbs
    # Notices are in the header with their count, not in the menu.
    assert 'href="/notices/"' not in menu and 'class="site-header__notices"' in page
