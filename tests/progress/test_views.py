import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse

from ciodispatch.progress import services
from ciodispatch.progress.models import (
    ActionPlan,
    KPIMeasurement,
    MonthlyReport,
    SmallWin,
    first_of_month,
    next_month,
)
from tests.conftest import verified_client
from tests.dispatches.helpers import dispatch_at, today
from tests.progress.helpers import kpi_of, png_bytes, upload, write_plan, write_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def dispatch(personas, monkeypatch):
    return dispatch_at(personas, monkeypatch, "active", started_days_ago=40)


def _get(client, user, url):
    if user is not None:
        client.force_login(user)
    return client.get(url)


def test_progress_page_for_the_people_of_the_dispatch_only(client, dispatch, personas):
    url = reverse("progress:dispatch", args=[dispatch.pk])
    for user in (personas.candidate2, personas.host1, personas.host1_head, personas.office):
        verified_client(client, user)
        response = client.get(url)
        assert response.status_code == 200
        assert "Action plan" in response.content.decode()
    for user in (personas.host2, personas.candidate1, personas.pref_fukuoka):
        client.force_login(user)
        assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_progress_page_flags_overdue(client, personas, monkeypatch):
    dispatch = dispatch_at(personas, monkeypatch, "active", started_days_ago=100)
    client.force_login(personas.host1)
    body = client.get(reverse("progress:dispatch", args=[dispatch.pk])).content.decode()
    first = first_of_month(dispatch.started_on)
    assert f"The monthly report for {first:%Y-%m} was due on" in body


def test_cio_files_plan_and_report_through_the_pages(client, dispatch, personas):
    kpi = kpi_of(dispatch)
    client.force_login(personas.candidate2)
    url = reverse("progress:plan_edit", args=[dispatch.pk])
    assert client.get(url).status_code == 200
    start = dispatch.started_on
    data = {
        "summary": "窓口DX",
        "goal_0": "電子申請の拡大",
        "goal_0_kpis": [kpi.pk],
        "milestone_0": "業務棚卸し",
        "milestone_0_due": (start + dt.timedelta(days=10)).isoformat(),
        "milestone_0_lead": "企画課",
        "person_0": "山田",
        "person_0_department": "企画課",
        "person_0_kind": "follower",
        "submit": "1",
    }
    # A milestone outside the term: the form again with the error, nothing saved.
    bad = dict(data, milestone_0_due=(dispatch.end_date + dt.timedelta(days=3)).isoformat())
    response = client.post(url, bad)
    assert response.status_code == 400 and "outside the term" in response.content.decode()
    assert not ActionPlan.objects.exists()
    assert client.post(url, data).status_code == 302
    plan = ActionPlan.objects.get()
    assert plan.state == "submitted"
    month = first_of_month(start)
    report_url = reverse("progress:report_edit", args=[dispatch.pk]) + f"?month={month:%Y-%m}"
    assert client.get(report_url).status_code == 200
    milestone = plan.milestones.get()
    response = client.post(
        report_url, {f"status_{milestone.pk}": "on_track", "blockers": "", "submit": "1"}
    )
    assert response.status_code == 302
    report = MonthlyReport.objects.get()
    assert report.state == "submitted"
    assert client.get(reverse("progress:report", args=[report.pk])).status_code == 200
    # The next month's form starts from where this report left the milestone.
    following = reverse("progress:report_edit", args=[dispatch.pk]) + (
        f"?month={next_month(month):%Y-%m}"
    )
    form = client.get(following).context["form"]
    assert form[f"status_{milestone.pk}"].value() == "on_track"


def test_report_for_a_future_month_is_refused_on_the_page(client, dispatch, personas):
    write_plan(dispatch, personas.candidate2)
    client.force_login(personas.candidate2)
    future = next_month(first_of_month(today()))
    response = client.get(
        reverse("progress:report_edit", args=[dispatch.pk]) + f"?month={future:%Y-%m}"
    )
    assert response.status_code == 400 and "has not started yet" in response.content.decode()
    response = client.get(reverse("progress:report_edit", args=[dispatch.pk]) + "?month=garbage")
    assert response.status_code == 404


def test_host_comments_and_cio_reads(client, dispatch, personas):
    write_plan(dispatch, personas.candidate2)
    report = write_report(dispatch, personas.candidate2)
    client.force_login(personas.host1)
    response = client.post(
        reverse("progress:report_comment", args=[report.pk]), {"body": "確認しました"}
    )
    assert response.status_code == 302
    client.force_login(personas.candidate2)
    assert (
        "確認しました" in client.get(reverse("progress:report", args=[report.pk])).content.decode()
    )
    assert (
        client.post(reverse("progress:report_comment", args=[report.pk]), {"body": "x"}).status_code
        == 403
    )
    client.force_login(personas.host2)
    assert client.get(reverse("progress:report", args=[report.pk])).status_code == 404


def test_win_posting_publishing_and_public_pages(client, dispatch, personas):
    client.force_login(personas.host1)
    url = reverse("progress:win_new", args=[dispatch.pk])
    response = client.post(url, {"title": "t", "body": "b", "picture": upload(png_bytes())})
    assert response.status_code == 400 and "Describe the picture" in response.content.decode()
    response = client.post(
        url, {"title": "t", "body": "b", "picture": upload(b"not an image"), "picture_alt": "x"}
    )
    assert response.status_code == 400 and "PNG or JPEG" in response.content.decode()
    response = client.post(
        url,
        {
            "title": "電子申請が10手続に",
            "body": "職員の工夫で公開",
            "picture": upload(png_bytes()),
            "picture_alt": "申請画面",
        },
    )
    assert response.status_code == 302
    win = SmallWin.objects.get()
    hidden = services.post_win(dispatch, actor=personas.candidate2, title="非公開の勝利", body="b")
    picture = reverse("progress:win_picture", args=[win.pk])
    client.logout()
    assert client.get(reverse("progress:win", args=[win.pk])).status_code == 404
    assert client.get(picture).status_code == 404
    client.force_login(personas.candidate2)
    assert (
        client.post(reverse("progress:win_publish", args=[win.pk]), {"publish": "1"}).status_code
        == 403
    )
    assert client.get(picture).status_code == 200  # the CIO sees the dispatch
    client.force_login(personas.host2)
    assert client.get(picture).status_code == 404
    client.force_login(personas.host1)
    assert (
        client.post(reverse("progress:win_publish", args=[win.pk]), {"publish": "1"}).status_code
        == 302
    )
    client.logout()
    listing = client.get(reverse("progress:wins")).content.decode()
    assert "電子申請が10手続に" in listing and "非公開の勝利" not in listing
    page = client.get(reverse("progress:win", args=[win.pk])).content.decode()
    assert "申請画面" in page and dispatch.host_name in page
    assert dispatch.cio_name not in page
    response = client.get(picture)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert client.get(reverse("progress:win", args=[hidden.pk])).status_code == 404


def test_published_small_wins_are_found_by_the_japanese_search(client, dispatch, personas):
    first = services.post_win(
        dispatch, actor=personas.host1, title="窓口の待ち時間が半分に",
        body="ｼｽﾃﾑの見直しと予算の組み替えで、窓口の予約制を始めた。",
    )  # fmt: skip
    second = services.post_win(
        dispatch, actor=personas.candidate2, title="RPAで集計作業を自動化",
        body="職員の残業が減った。",
    )  # fmt: skip
    hidden = services.post_win(
        dispatch, actor=personas.host1, title="予算の内示", body="まだ公開しない予算の話"
    )
    for win in (first, second):
        services.publish_win(win, actor=personas.host1)
    url = reverse("progress:wins")

    def found(q):
        return [w.pk for w, _hit in client.get(url, {"q": q}).context["rows"]]

    assert found("予算") == [first.pk]  # a two-character word; the unpublished one is not found
    assert found("システム") == [first.pk]  # half-width katakana in the text
    assert found("ｒｐａ") == [second.pk]  # full-width, lower case
    page = client.get(url, {"q": "予算"}).content.decode()
    assert "<mark>予算</mark>" in page
    for nasty in ('"', "*", "NEAR", "OR", "'", "予" * 501, "!!!"):
        assert client.get(url, {"q": nasty}).status_code == 200
    services.publish_win(first, actor=personas.host1, publish=False)
    assert found("予算") == [] and hidden.pk not in found("内示")


def test_measurement_page(client, dispatch, personas):
    kpi = kpi_of(dispatch)
    client.force_login(personas.host1)
    url = reverse("progress:measurement_new", args=[dispatch.pk])
    assert client.get(url).status_code == 200
    future = (today() + dt.timedelta(days=2)).isoformat()
    response = client.post(
        url, {"kpi": kpi.pk, "point": "start", "value": "14", "measured_on": future}
    )
    assert response.status_code == 400 and "in the future" in response.content.decode()
    response = client.post(
        url,
        {
            "kpi": kpi.pk,
            "point": "start",
            "value": "14",
            "measured_on": dispatch.started_on.isoformat(),
        },
    )
    assert response.status_code == 302 and KPIMeasurement.objects.count() == 1
    body = client.get(reverse("progress:dispatch", args=[dispatch.pk])).content.decode()
    assert "<svg" in body and "14" in body
    client.force_login(personas.host2)
    assert client.get(url).status_code == 404


def test_overviews(client, dispatch, personas):
    write_plan(dispatch, personas.candidate2)
    write_report(dispatch, personas.candidate2, help_needed=True)
    verified_client(client, personas.office)
    body = client.get(reverse("progress:office")).content.decode()
    assert dispatch.host_name in body and "標準化の先行事例" in body
    client.force_login(personas.host1)
    assert dispatch.host_name in client.get(reverse("progress:mine")).content.decode()
    assert client.get(reverse("progress:office")).status_code == 403
    client.force_login(personas.host2)
    assert dispatch.host_name not in client.get(reverse("progress:mine")).content.decode()
    client.logout()
    assert client.get(reverse("progress:outcomes")).status_code == 200


def test_reminder_command_prints_counts(dispatch, capsys):
    call_command("progress_reminders", "--date", today().isoformat())
    out = capsys.readouterr().out
    assert "reminded" in out and "overdue" in out


def test_a_finished_dispatch_shows_a_refusal_instead_of_forms(client, personas, monkeypatch):
    dispatch = dispatch_at(personas, monkeypatch, "completed", months=6)
    client.force_login(personas.candidate2)
    response = client.get(reverse("progress:plan_edit", args=[dispatch.pk]))
    assert response.status_code == 400 and "not running" in response.content.decode()
    client.force_login(personas.host1)
    response = client.get(reverse("progress:win_new", args=[dispatch.pk]))
    assert response.status_code == 400
    # The end value is still recorded.
    assert client.get(reverse("progress:measurement_new", args=[dispatch.pk])).status_code == 200


def test_the_prefecture_coordinator_reads_but_does_not_comment(client, dispatch, personas):
    write_plan(dispatch, personas.candidate2)
    report = write_report(dispatch, personas.candidate2)
    client.force_login(personas.pref1)
    assert client.get(reverse("progress:dispatch", args=[dispatch.pk])).status_code == 200
    url = reverse("progress:report_comment", args=[report.pk])
    assert client.post(url, {"body": "x"}).status_code == 403
    assert dispatch.host_name in client.get(reverse("progress:mine")).content.decode()
