"""No page's query count grows with the data: each list page (and each role's home and the
pages a host opens most) is read at two sizes of data, the larger some ten times the smaller,
and makes the same number of queries at both.

The smaller size is built through the services (one dispatch of 多久市 with its claim and
report, one application, one request); the larger adds copies in bulk (rows the page lists),
so the test stays fast. Each page is read once before counting, so what a first read does
once (a session, a statistics snapshot) is not counted against either size.
"""

import datetime as dt

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from ciodispatch.accounts.models import Role, User
from ciodispatch.audit.models import AuditEvent
from ciodispatch.candidates.models import Application
from ciodispatch.dispatches.models import Dispatch
from ciodispatch.incentives.models import IncentiveClaim
from ciodispatch.localgov.models import LocalGovernment
from ciodispatch.progress.models import ActionPlan, KPIMeasurement, MonthlyReport
from ciodispatch.requests.models import DispatchRequest
from tests.candidates.helpers import new_candidate, submitted_application
from tests.conftest import verified_client
from tests.dispatches.helpers import today
from tests.incentives.helpers import running_claim
from tests.progress.helpers import kpi_of, write_plan, write_report

MORE = 12  # copies of each listed row added for the larger size


def _fields(instance, **overrides):
    values = {
        f.attname: getattr(instance, f.attname)
        for f in instance._meta.concrete_fields
        if not f.primary_key
    }
    values.update(overrides)
    return values


def _copies(instance, n, vary):
    model = type(instance)
    return model.objects.bulk_create([model(**_fields(instance, **vary(i))) for i in range(n)])


@pytest.fixture
def programme(personas, monkeypatch):
    """The smaller size: a running dispatch of 多久市 with a claim, a monthly report and a KPI
    measured; a submitted application; the request of the dispatch."""
    from ciodispatch.progress import services as progress

    claim = running_claim(personas, monkeypatch)
    dispatch = claim.dispatch
    write_plan(dispatch, dispatch.application.user)
    write_report(dispatch, dispatch.application.user)
    progress.record_measurement(
        dispatch, actor=personas.host1, kpi_id=kpi_of(dispatch).pk, point="start",
        value="12", measured_on=today(),
    )  # fmt: skip
    submitted_application(new_candidate("applicant1"))
    return claim


def _grow(claim):
    """The larger size: ``MORE`` more dispatches (running, each with a claim, a report and a
    measurement), requests of other governments, applications (some certified), audit events."""
    dispatch = claim.dispatch
    request = dispatch.request
    hosts = list(LocalGovernment.objects.filter(kind="city").exclude(pk=request.host_id)[:MORE])
    requests = _copies(request, MORE, lambda i: {"host_id": hosts[i].pk, "group_id": None})
    dispatches = _copies(
        dispatch,
        MORE,
        lambda i: {"request_id": requests[i].pk, "notice_number": f"N-{i}", "replaces_id": None},
    )
    _copies(claim, MORE, lambda i: {"dispatch_id": dispatches[i].pk})
    report = MonthlyReport.objects.filter(dispatch=dispatch).first()
    _copies(report, MORE, lambda i: {"dispatch_id": dispatches[i].pk})
    measurement = KPIMeasurement.objects.filter(dispatch=dispatch).first()
    _copies(measurement, MORE, lambda i: {"dispatch_id": dispatches[i].pk})
    certified = Application.objects.get(pk=dispatch.application_id)
    submitted = Application.objects.get(state="applied")
    users = User.objects.bulk_create(
        [User(username=f"bulk{i}", email=f"bulk{i}@example.jp", role=Role.CANDIDATE)
         for i in range(2 * MORE)]
    )  # fmt: skip
    _copies(certified, MORE, lambda i: {"user_id": users[i].pk})
    _copies(submitted, MORE, lambda i: {"user_id": users[MORE + i].pk})
    event = AuditEvent.objects.order_by("-pk").first()
    AuditEvent.objects.bulk_create(
        [AuditEvent(**_fields(event, object_id=str(i))) for i in range(MORE)]
    )
    assert Dispatch.objects.count() > MORE and IncentiveClaim.objects.count() > MORE
    assert DispatchRequest.objects.count() > MORE


def _read(client, url) -> tuple[int, int]:
    """The queries of a second read of ``url``, and the length of the page."""
    assert client.get(url).status_code == 200, url
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries), len(response.content)


# Pages that list the added rows: longer at the larger size (so the rows are really read).
LISTING = {
    "/dispatches/office/",
    "/progress/office/",
    "/incentives/office/claims/",
    "/candidates/applications/",
    "/candidates/pool/",
    "/requests/office/",
    "/progress/outcomes/",
}


def _urls(claim, persona):
    dispatch = claim.dispatch
    pages = {
        "office": [
            "/",
            "/api/me/tasks",
            "/dispatches/office/",
            "/dispatches/office/?state=active",
            "/progress/office/",
            "/incentives/office/claims/",
            f"/incentives/office/claims/?year={claim.fiscal_year}&page=1",
            "/incentives/office/budget/",
            "/audit/",
            "/audit/?actor=host1",
            "/candidates/applications/",
            "/candidates/pool/",
            "/requests/office/",
            f"/requests/office/?year={dispatch.request.request_round.fiscal_year}",
        ],
        "host1": [
            "/",
            "/api/me/tasks",
            "/requests/",
            f"/requests/{dispatch.request_id}/",
            "/dispatches/",
            f"/dispatches/{dispatch.pk}/",
            f"/progress/dispatches/{dispatch.pk}/",
            f"/incentives/dispatches/{dispatch.pk}/",
            "/progress/mine/",
        ],
        "candidate2": [
            "/",
            "/dispatches/",
            f"/progress/dispatches/{dispatch.pk}/",
            "/candidates/application/",
        ],
        # Every other role's home: its work queue, counted over the data.
        "host1_head": ["/", "/api/me/tasks"],
        "reviewer": ["/", "/api/me/tasks"],
        "pref1": ["/", "/api/me/tasks"],
        None: ["/portal/", "/portal/statistics/", "/progress/outcomes/", "/progress/wins/"],
    }
    return pages[persona]


@pytest.mark.parametrize(
    "persona", ["office", "host1", "candidate2", "host1_head", "reviewer", "pref1", None]
)
def test_no_page_makes_more_queries_with_more_data(client, personas, programme, persona):
    if persona is not None:
        client = verified_client(client, getattr(personas, persona))
    # The action plan is late at both sizes, so the office's overdue section lists a row at
    # both (an empty section skips reading rows at all, two queries fewer).
    ActionPlan.objects.filter(dispatch=programme.dispatch).update(state=ActionPlan.State.DRAFT)
    Dispatch.objects.filter(pk=programme.dispatch.pk).update(
        started_on=F("started_on") - dt.timedelta(days=62)
    )
    urls = _urls(programme, persona)
    small = {url: _read(client, url) for url in urls}
    _grow(programme)
    large = {url: _read(client, url) for url in urls}
    assert {url: n for url, (n, _size) in large.items()} == {
        url: n for url, (n, _size) in small.items()
    }
    listing = LISTING & set(urls)
    assert {url for url in listing if large[url][1] > small[url][1]} == listing


def test_overdue_dispatches_found_on_values_equal_the_rule_per_dispatch(personas, programme):
    """``overdue_dispatch_ids`` (plain values, no model rows) finds exactly the running
    dispatches ``overdue_items`` finds one by one, on varied terms, plans and reports."""
    from ciodispatch.progress import queries

    _grow(programme)
    dispatches = list(Dispatch.objects.order_by("pk"))
    base = programme.dispatch.started_on or programme.dispatch.start_date
    for i, dispatch in enumerate(dispatches[1:], start=1):
        start = base + dt.timedelta(days=17 * i - 60)
        Dispatch.objects.filter(pk=dispatch.pk).update(
            started_on=start,
            start_date=start,
            ended_on=start + dt.timedelta(days=40 * i) if i % 4 == 0 else None,
            state=Dispatch.State.EXTENDED if i % 5 == 0 else dispatch.state,
        )
    MonthlyReport.objects.filter(
        pk__in=list(MonthlyReport.objects.order_by("pk").values_list("pk", flat=True))[::3]
    ).update(state=MonthlyReport.State.DRAFT)
    ActionPlan.objects.filter(dispatch=dispatches[0]).update(state=ActionPlan.State.DRAFT)
    office = User.objects.filter(role=Role.OFFICE_OFFICER).first()
    seen = set()
    for days in range(-40, 500, 23):
        today = base + dt.timedelta(days=days)
        expected = {
            d.pk
            for d in queries.started_dispatches(office)
            if d.state in queries.RUNNING and queries.overdue_items(d, today)
        }
        assert queries.overdue_dispatch_ids(office, today) == expected, today
        assert [r["dispatch"].pk for r in queries.overdue_overview(office, today)] == [
            d.pk for d in queries.started_dispatches(office) if d.pk in expected
        ]
        seen.add(len(expected))
    assert len(seen) > 2  # some dates with none, some with a few, some with many overdue


def test_expected_amounts_prefiltered_by_the_database_equal_every_running_dispatch(
    personas, programme
):
    """``expected`` lets the database drop dispatches that cannot be expected; the rows equal
    the rule applied to every running dispatch in Python, on terms in and out of the year."""
    from ciodispatch.incentives import queries as incentives
    from ciodispatch.incentives import services as claims

    _grow(programme)
    dispatches = list(Dispatch.objects.order_by("pk"))
    for i, dispatch in enumerate(dispatches[1:], start=1):
        Dispatch.objects.filter(pk=dispatch.pk).update(
            pay_yen_per_month=None if i % 6 == 0 else 300_000 + i,
            ended_on=dispatch.start_date + dt.timedelta(days=30 * i) if i % 3 == 0 else None,
        )
    year = programme.fiscal_year
    for fiscal in (year - 1, year, year + 1):
        default = incentives.estimate_programme(fiscal)
        reference = []
        for dispatch in Dispatch.objects.filter(state__in=("active", "extended")):
            claims_of = IncentiveClaim.objects.filter(dispatch=dispatch, fiscal_year=fiscal)
            if claims_of.filter(state__in=("approved", "paid")).exists():
                continue
            open_claim = claims_of.filter(state__in=("draft", "submitted")).first()
            rule = open_claim.rule if open_claim else default
            months = incentives.months_in_year(dispatch, fiscal)
            if rule is None or months == 0 or not dispatch.pay_yen_per_month:
                continue
            if claims_of.filter(state="rejected", rule__programme=rule.programme).exists():
                continue
            costs = dispatch.pay_yen_per_month * months
            amount = incentives.calculate(
                rule.terms(),
                [incentives.Cost("pay", costs)],
                dispatch_year=claims.dispatch_year_in(dispatch, fiscal),
                fiscal_strength_index=claims.host_index(dispatch),
            ).amount
            reference.append((dispatch.pk, rule.pk, months, costs, amount))
        got = [
            (r.dispatch.pk, r.rule.pk, r.months, r.costs, r.amount)
            for r in incentives.expected(fiscal)
        ]
        assert sorted(got) == sorted(reference), fiscal
        if fiscal == year:
            assert reference
