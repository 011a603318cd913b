"""The notices page, opening a notice, marking read, the preferences page, the unread count."""

import pytest
from django.contrib.messages import get_messages

from ciodispatch.notices import services
from ciodispatch.notices.models import Notice, NoticePreference
from tests.conftest import verified_client

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english_pages(client):
    client.cookies["django_language"] = "en"


def tell(user, title, url="/requests/"):
    return services.notify([user], "requests.approved", url, title=title)[0]


def test_the_list_is_newest_first_marks_the_unread_and_filters_by_the_address(client, personas):
    old = tell(personas.host1, "古い要請")
    new = tell(personas.host1, "新しい要請")
    tell(personas.host2, "他の町の要請")
    services.mark_read(old, actor=personas.host1)
    verified_client(client, personas.host1)
    page = client.get("/notices/")
    assert [n.pk for n in page.context["page"]] == [new.pk, old.pk]
    html = page.content.decode()
    assert "他の町の要請" not in html
    assert html.index("新しい要請") < html.index("古い要請")
    assert "You have 1 unread notice." in html and f"/notices/{new.pk}/open/" in html
    unread = client.get("/notices/?show=unread")
    assert [n.pk for n in unread.context["page"]] == [new.pk]
    assert client.get("/notices/?show=nonsense").context["show"] == "all"


def test_the_list_is_paginated(client, personas):
    for number in range(31):
        tell(personas.host1, f"要請{number}")
    verified_client(client, personas.host1)
    assert len(client.get("/notices/").context["page"].object_list) == 30
    second = client.get("/notices/?show=unread&page=2")
    assert [n.params["title"] for n in second.context["page"]] == ["要請0"]


def test_opening_a_notice_marks_it_read_and_goes_to_its_page(client, personas):
    notice = tell(personas.host1, "窓口DX", url="/requests/7/")
    verified_client(client, personas.host1)
    response = client.get(f"/notices/{notice.pk}/open/")
    assert response.status_code == 302 and response["Location"] == "/requests/7/"
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_anothers_notice_is_not_found_and_the_anonymous_are_sent_to_sign_in(client, personas):
    notice = tell(personas.host1, "窓口DX")
    assert client.get("/notices/").status_code == 302
    verified_client(client, personas.host2)
    assert client.get(f"/notices/{notice.pk}/open/").status_code == 404
    assert client.post(f"/notices/{notice.pk}/read/").status_code == 404
    notice.refresh_from_db()
    assert notice.read_at is None


def test_mark_one_read_and_all_read_by_post_only(client, personas):
    first, second, third = (tell(personas.host1, str(n)) for n in range(3))
    verified_client(client, personas.host1)
    assert client.get(f"/notices/{first.pk}/read/").status_code == 405
    response = client.post(f"/notices/{first.pk}/read/", {"show": "unread"})
    assert response["Location"] == "/notices/?show=unread"
    assert client.get("/notices/read-all/").status_code == 405
    response = client.post("/notices/read-all/")
    assert [str(m) for m in get_messages(response.wsgi_request)][-1] == (
        "2 notices are marked read."
    )
    assert not Notice.objects.filter(recipient=personas.host1, read_at__isnull=True).exists()
    response = client.post("/notices/read-all/", follow=True)
    assert "There was no unread notice." in response.content.decode()


def test_the_unread_count_is_in_every_page_for_the_signed_in_only(client, personas):
    tell(personas.host1, "1")
    tell(personas.host1, "2")
    assert "unread_notices" not in client.get("/").context
    verified_client(client, personas.host1)
    assert client.get("/").context["unread_notices"] == 2


def test_the_notices_page_is_linked_from_home_and_links_the_preferences(client, personas):
    verified_client(client, personas.candidate1)
    assert "/notices/" in [link["url"] for link in client.get("/").context["links"]]
    assert "/notices/preferences/" in client.get("/notices/").content.decode()


def test_the_preferences_page_saves_mail_per_kind_and_the_language(client, personas):
    verified_client(client, personas.host1)
    page = client.get("/notices/preferences/")
    html = page.content.decode()
    assert "Request returned" in html and "A deadline tomorrow" in html
    assert "Monthly report submitted" in html  # listed under "always mailed"
    form = page.context["form"]
    data = {name: "on" for name, value in form.initial.items() if value is True}
    data.pop("mail_requests__returned")
    data["language"] = "en"
    response = client.post("/notices/preferences/", data)
    assert response.status_code == 302
    assert not NoticePreference.objects.get(user=personas.host1, kind="requests.returned").mail
    assert NoticePreference.objects.get(user=personas.host1, kind="notices.overdue").mail
    assert services.language_of(personas.host1) == "en"


def test_the_page_is_in_japanese_by_default(client, personas):
    tell(personas.host1, "窓口DX")
    client.cookies.pop("django_language")
    verified_client(client, personas.host1)
    html = client.get("/notices/").content.decode()
    assert "要請「窓口DX」が承認されました。" in html and "すべて既読にする" in html
