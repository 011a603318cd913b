"""The dispatch pages: what each person sees and does, and what outsiders are refused."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from ciodispatch.dispatches import services
from ciodispatch.dispatches.models import Dispatch, Evaluation, add_months
from ciodispatch.progress import queries as progress_queries
from tests.conftest import verified_client
from tests.dispatches.helpers import dispatch_at, today

pytestmark = pytest.mark.django_db
S = Dispatch.State


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def _client(client, user):
    client.force_login(user)
    return client


def test_both_sides_accept_on_the_page(client, personas, monkeypatch):
    dispatch = dispatch_at(personas, monkeypatch, "proposed")
    url = f"/dispatches/{dispatch.pk}/"
    page = _client(client, personas.candidate2).get(url)
    assert page.status_code == 200
    assert "Accept or decline the proposed dispatch." in page.content.decode()
    client.post(f"{url}answer/", {"answer": "accept"})
    _client(client, personas.host1).post(f"{url}answer/", {"answer": "accept"})
    dispatch.refresh_from_db()
    assert dispatch.state == S.ACCEPTED
    page = client.get(url).content.decode()
    assert "Check and set the appointment" in page


def test_a_decline_without_reason_is_refused_with_a_message(client, personas, monkeypatch):
    dispatch = dispatch_at(personas, monkeypatch, "proposed")
    c = _client(client, personas.candidate2)
    response = c.post(f"/dispatches/{dispatch.pk}/answer/", {"answer": "decline", "reason": ""})
    assert response.status_code == 302
    dispatch.refresh_from_db()
    assert dispatch.state == S.PROPOSED
    assert "Write why you decline." in c.get(response["Location"]).content.decode()


@pytest.mark.parametrize("outsider", ["host2", "candidate1", "pref_fukuoka", "reviewer"])
def test_outsiders_never_see_a_dispatch(client, personas, monkeypatch, outsider):
    dispatch = dispatch_at(personas, monkeypatch, "active")
    user = getattr(personas, outsider)
    c = verified_client(client, user) if outsider == "reviewer" else _client(client, user)
    for path in ("", "notice.pdf", "appointment/", "end-early/", "extension/", "evaluation/"):
        assert c.get(f"/dispatches/{dispatch.pk}/{path}").status_code == 404, path
    assert dispatch not in c.get("/dispatches/").context.get("rows", [])


def test_anonymous_visitors_are_sent_to_sign_in(client, personas, monkeypatch):
    dispatch = dispatch_at(personas, monkeypatch, "proposed")
    response = client.get(f"/dispatches/{dispatch.pk}/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_host_sets_the_appointment_and_a_bad_term_is_explained(client, personas, monkeypatch):
    dispatch = dispatch_at(personas, monkeypatch, "accepted")
    c = _client(client, personas.host1)
    url = f"/dispatches/{dispatch.pk}/appointment/"
    form = c.get(url).context["form"]
    data = {k: v for k, v in form.initial.items()}
    data["end_date"] = add_months(dispatch.start_date, 30).isoformat()
    data["start_date"] = dispatch.start_date.isoformat()
    response = c.post(url, data)
    assert response.status_code == 200
    assert "6 to 24 months" in response.content.decode()
    dispatch.refresh_from_db()
    assert dispatch.appointment_set_at is None
    data["end_date"] = add_months(dispatch.start_date, 18).isoformat()
    data["days_per_week"] = 3
    assert c.post(url, data).status_code == 302
    dispatch.refresh_from_db()
    assert dispatch.days_per_week == 3 and dispatch.appointment_set_at is not None
    # The CIO confirms and downloads the notice.
    c = _client(client, personas.candidate2)
    assert c.get(f"/dispatches/{dispatch.pk}/notice.pdf").status_code == 302
    c.post(f"/dispatches/{dispatch.pk}/appointment/confirm/")
    response = c.get(f"/dispatches/{dispatch.pk}/notice.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")


def test_the_office_lists_filters_and_exports(client, personas, monkeypatch):
    active = dispatch_at(personas, monkeypatch, "active")
    c = verified_client(client, personas.office)
    page = c.get("/dispatches/office/?state=active")
    assert list(page.context["dispatches"]) == [active]
    assert list(c.get("/dispatches/office/?state=completed").context["dispatches"]) == []
    assert c.get("/dispatches/office/?fiscal_year=abc&state=nonsense").status_code == 200
    csv = c.get("/dispatches/office/?format=csv").getvalue().decode("utf-8-sig")
    assert active.notice_number in csv and "多久市" in csv
    # An office user's "my dispatches" is the office list.
    assert c.get("/dispatches/")["Location"] == "/dispatches/office/"


def test_early_end_and_extension_forms(client, personas, monkeypatch):
    dispatch = dispatch_at(personas, monkeypatch, "active")
    c = _client(client, personas.host1)
    url = f"/dispatches/{dispatch.pk}/"
    too_far = add_months(dispatch.start_date, 40)
    response = c.post(f"{url}extension/", {"new_end": too_far.isoformat(), "reason": "継続"})
    assert response.status_code == 200 and "at most 36 months" in response.content.decode()
    new_end = add_months(dispatch.start_date, 24)
    c.post(f"{url}extension/", {"new_end": new_end.isoformat(), "reason": "標準化が続く"})
    extension = dispatch.extensions.get()
    office = verified_client(client, personas.office)
    office.post(f"/dispatches/extensions/{extension.pk}/decide/", {"decision": "approve"})
    dispatch.refresh_from_db()
    assert dispatch.state == S.EXTENDED and dispatch.end_date == new_end
    c = _client(client, personas.host1)
    response = c.post(f"{url}end-early/", {"on": today().isoformat(), "reason": ""})
    assert response.status_code == 200
    c.post(f"{url}end-early/", {"on": today().isoformat(), "reason": "市の方針転換"})
    dispatch.refresh_from_db()
    assert dispatch.state == S.ENDED_EARLY


def test_evaluations_on_the_page_and_a_case_draft(client, personas, monkeypatch):
    dispatch = dispatch_at(personas, monkeypatch, "completed")
    c = _client(client, personas.host1)
    url = f"/dispatches/{dispatch.pk}/evaluation/"
    assert c.post(url, {"overall": "4"}).status_code == 200
    data = {
        "overall": "4",
        "score_leadership": "5",
        "score_field": "4",
        "score_goals": "4",
        "score_transfer": "3",
        "went_well": "窓口のオンライン化を現場と一緒に進めた",
        "to_improve": "庁内の情報共有を早めに",
    }
    assert c.post(url, data).status_code == 302
    assert dispatch.evaluations.get().kind == Evaluation.Kind.HOST_OF_CIO
    response = c.post(f"/dispatches/{dispatch.pk}/case-draft/")
    assert response.status_code == 302 and "/knowhow/workspace/" in response["Location"]
    from ciodispatch.knowhow.models import Case

    case = Case.objects.get()
    assert case.state == Case.State.DRAFT
    assert case.success_points == ["窓口のオンライン化を現場と一緒に進めた"]
    assert {lg.code for lg in case.local_governments.all()} == {"412040"}
    assert case.origin == f"dispatch:{dispatch.pk}"
    # A second click makes no second draft.
    c.post(f"/dispatches/{dispatch.pk}/case-draft/")
    assert Case.objects.count() == 1


def test_the_candidate_list_shows_next_steps(client, personas, monkeypatch):
    dispatch = dispatch_at(personas, monkeypatch, "accepted")
    services.set_appointment(dispatch, actor=personas.host1)
    c = _client(client, personas.candidate2)
    rows = c.get("/dispatches/").context["rows"]
    assert [(d.pk, [s.text for s in steps]) for d, steps in rows] == [
        (dispatch.pk, ["Confirm the appointment the host has set."])
    ]


def test_an_accepted_dispatch_cannot_be_evaluated_or_drafted(client, personas, monkeypatch):
    dispatch = dispatch_at(personas, monkeypatch, "confirmed")
    c = _client(client, personas.host1)
    assert c.get(f"/dispatches/{dispatch.pk}/evaluation/").status_code == 302
    c.post(f"/dispatches/{dispatch.pk}/case-draft/")
    from ciodispatch.knowhow.models import Case

    assert not Case.objects.exists()
    assert dispatch.start_date <= today() + dt.timedelta(days=1)


def _overdue_panel(items: list[str]) -> str:
    return (
        '<div class="notice notice--warning" role="region" aria-labelledby="overdue-title">'
        '<h2 id="overdue-title">Overdue</h2>\n<ul>'
        + "".join(f"<li>{escape(item)}</li>" for item in items)
        + "</ul></div>"
    )


def test_a_running_dispatch_shows_its_overdue_plan_and_reports(client, personas, monkeypatch):
    dispatch = dispatch_at(personas, monkeypatch, "active", started_days_ago=100)
    page = _client(client, personas.host1).get(f"/dispatches/{dispatch.pk}/").content.decode()
    first = dispatch.started_on.replace(day=1)
    assert f"The monthly report for {first:%Y-%m} was due on" in page
    # The same panel, item for item, as the progress page's.
    items = progress_queries.overdue_for(dispatch, today())
    assert len(items) >= 2 and _overdue_panel(items) in page
    progress = client.get(reverse("progress:dispatch", args=[dispatch.pk])).content.decode()
    assert _overdue_panel(items) in progress


def test_a_finished_dispatch_shows_no_overdue_panel(client, personas, monkeypatch):
    dispatch = dispatch_at(personas, monkeypatch, "completed")
    page = _client(client, personas.host1).get(f"/dispatches/{dispatch.pk}/").content.decode()
    assert 'id="overdue-title"' not in page


def test_office_filters_withstand_a_nul_character(client, personas, monkeypatch):
    dispatch_at(personas, monkeypatch, "active")
    c = verified_client(client, personas.office)
    for query in ("q=%00", "prefecture=%00", "q=%00&format=csv"):
        assert c.get(f"/dispatches/office/?{query}").status_code == 200


def test_the_list_of_ones_dispatches_does_not_query_per_dispatch(client, personas, monkeypatch):
    dispatch_at(personas, monkeypatch, "active")
    client.force_login(personas.host1)
    client.get("/dispatches/")  # the first request of a session also writes the session
    with CaptureQueriesContext(connection) as one:
        client.get("/dispatches/")
    for year in (1, 2, 3):
        dispatch_at(personas, monkeypatch, "active", fiscal_year=today().year + year)
    with CaptureQueriesContext(connection) as four:
        client.get("/dispatches/")
    assert len(four) == len(one)
