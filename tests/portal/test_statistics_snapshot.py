"""The public statistics are computed once per change and kept in the database
(``portal.StatisticsSnapshot``): the same figures as computing them now, computed again
after a change, read without computing otherwise."""

import json

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import translation

from ciodispatch.portal import statistics
from ciodispatch.portal.models import StatisticsSnapshot
from ciodispatch.progress import services as progress
from ciodispatch.requests import services as requests_services
from tests.dispatches.helpers import dispatch_at, today
from tests.outreach.helpers import published_offer, support_request
from tests.portal.test_statistics import SUMMARY
from tests.requests.helpers import taku_request


def _as_stored(figures):
    return json.loads(json.dumps(figures, cls=DjangoJSONEncoder))


@pytest.fixture
def programme(personas, monkeypatch):
    """Requests, a published round's summary, a running and a completed dispatch with a KPI
    measured, direct support: every part of the statistics has something to count."""
    monkeypatch.setattr(statistics, "matched_summaries", lambda: [SUMMARY])
    first = taku_request(personas)
    requests_services.submit_request(first, actor=personas.host1)
    dispatch_at(personas, monkeypatch, "active", fiscal_year=today().year + 1)
    done = dispatch_at(personas, monkeypatch, "completed", fiscal_year=today().year + 2)
    progress.record_measurement(
        done, actor=personas.host1, kpi_id=done.request.kpis.get().pk, point="end",
        value="85", measured_on=done.end_date,
    )  # fmt: skip
    support_request(personas.host1, published_offer(personas.host2, personas.office))
    return first


@pytest.fixture
def computations(monkeypatch):
    calls = []
    compute = statistics.programme_statistics

    def counted():
        calls.append(1)
        return compute()

    monkeypatch.setattr(statistics, "programme_statistics", counted)
    return calls


def test_the_kept_figures_are_those_computed_now(programme, computations):
    now = _as_stored(statistics.programme_statistics())
    assert now["by_fiscal_year"] and now["outcomes"]["kpis_measured"] == 1
    assert statistics.public_statistics() == now  # computed and stored
    assert statistics.public_statistics() == now  # read back from the row
    assert len(computations) == 2  # the reference, then the first reader only
    assert StatisticsSnapshot.objects.count() == 1


def test_a_reader_after_no_change_reads_one_row(
    programme, computations, django_assert_max_num_queries
):
    statistics.public_statistics()
    # The fingerprint, the row, the three event counts.
    with django_assert_max_num_queries(5):
        statistics.public_statistics()
    assert len(computations) == 1


def test_a_change_through_a_service_is_in_the_next_figures(programme, personas, computations):
    before = statistics.public_statistics()
    published_offer(personas.pref1, personas.office)
    after = statistics.public_statistics()
    assert len(computations) == 2
    assert [r["offers"] for r in after["support"]] == [r["offers"] + 1 for r in before["support"]]
    assert after == _as_stored(statistics.programme_statistics())


def test_each_language_keeps_its_own_labels(programme):
    with translation.override("ja"):
        ja = statistics.public_statistics()
    with translation.override("en"):
        en = statistics.public_statistics()
    assert StatisticsSnapshot.objects.count() == 2
    assert ja["by_region"][0]["label"] != en["by_region"][0]["label"]


def test_an_old_snapshot_is_computed_again(programme, computations):
    statistics.public_statistics()
    StatisticsSnapshot.objects.update(
        computed_at=today().replace(year=2000).isoformat() + "T00:00Z"
    )
    statistics.public_statistics()
    assert len(computations) == 2


def test_the_pages_and_the_api_read_the_kept_figures(programme, client, computations):
    for url in (
        "/portal/",
        "/portal/statistics/",
        "/api/statistics",
        "/portal/statistics/fiscal-years.csv",
    ):
        assert client.get(url).status_code == 200, url
    assert len(computations) == 1


def _outcomes_as_before():
    """The outcomes as computed before they were read from plain values: model objects, a
    loop per dispatch and KPI (the reference the new computation must equal)."""
    from decimal import Decimal

    from ciodispatch.dispatches.models import Dispatch
    from ciodispatch.progress.models import KPIMeasurement
    from ciodispatch.progress.queries import (
        BANDS,
        FINISHED,
        POINTS,
        RUNNING,
        _band,
        progress_ratio,
        reached,
    )

    dispatches = list(
        Dispatch.objects.filter(state__in=RUNNING + FINISHED, started_on__isnull=False)
        .prefetch_related("request__kpis")
        .order_by("started_on", "pk")
    )
    measurements = {}
    for m in KPIMeasurement.objects.filter(dispatch__in=dispatches):
        measurements.setdefault((m.dispatch_id, m.kpi_id), {})[m.point] = m
    distribution = {key: 0 for key, *_rest in BANDS}
    rows = []
    for dispatch in dispatches:
        measured = at_target = 0
        kpis = list(dispatch.request.kpis.all())
        for kpi in kpis:
            points = measurements.get((dispatch.pk, kpi.pk), {})
            latest = next((points[p] for p in reversed(POINTS) if p in points), None)
            if latest is None:
                continue
            measured += 1
            at_target += reached(kpi.baseline, kpi.target, latest.value)
            ratio = progress_ratio(kpi.baseline, kpi.target, latest.value)
            if ratio is None:
                ratio = Decimal(1) if latest.value == kpi.target else Decimal(0)
            distribution[_band(ratio)] += 1
        rows.append((dispatch.pk, len(kpis), measured, at_target))
    return rows, distribution


def test_the_outcomes_equal_the_model_object_computation(programme, personas):
    from ciodispatch.dispatches.models import Dispatch
    from ciodispatch.progress import queries

    running = Dispatch.objects.get(state="active")
    kpi = running.request.kpis.get()
    for point, value in (("start", "12"), ("mid", "40")):
        progress.record_measurement(
            running, actor=personas.host1, kpi_id=kpi.pk, point=point, value=value,
            measured_on=today(),
        )  # fmt: skip
    rows, distribution = _outcomes_as_before()
    outcomes = queries.programme_outcomes()
    assert [
        (r["dispatch"].pk, r["kpis"], r["measured"], r["reached"]) for r in outcomes["rows"]
    ] == rows
    assert {d["key"]: d["count"] for d in outcomes["distribution"]} == distribution
    assert sum(distribution.values()) == outcomes["kpis_measured"] == 2
    assert outcomes["kpis_reached"] == sum(r[3] for r in rows) == 1


def _counted_as_before():
    """Requests and dispatches counted as before they were read from plain values: model
    objects and ``DispatchRequest.prefecture_codes`` (the reference)."""
    from collections import Counter

    from ciodispatch.dispatches.models import Dispatch
    from ciodispatch.localgov.regions import region_of
    from ciodispatch.requests.models import DispatchRequest

    counts = Counter()
    requests = DispatchRequest.objects.exclude(state="draft")
    dispatches = Dispatch.objects.filter(started_on__isnull=False)
    for kind, req, state in [(("requests"), r, r.state) for r in requests] + [
        ("dispatched", d.request, d.state) for d in dispatches
    ]:
        year = req.request_round.fiscal_year
        counts[(kind, "year", year)] += 1
        counts[(kind, "state", year, state)] += 1
        codes = req.prefecture_codes()
        for code in codes:
            counts[(kind, "prefecture", code)] += 1
        for region in {str(region_of(code)) for code in codes}:
            counts[(kind, "region", region)] += 1
        for challenge in set(req.challenges):
            counts[(kind, "challenge", challenge)] += 1
        if kind == "requests":
            for role in set(req.skill_roles):
                counts[(kind, "role", role)] += 1
    return counts


def test_the_counts_equal_the_model_object_computation(programme, personas, saga_group):
    from tests.requests.helpers import fill, open_round

    joint = requests_services.start_request(
        open_round(fiscal_year=today().year + 3), actor=personas.pref1, group=saga_group
    )
    joint = fill(joint, personas.pref1, liaison=personas.host2, counterpart=personas.pref1)
    requests_services.submit_request(joint, actor=personas.pref1)
    assert joint.prefecture_codes() == {"41"} and len(joint.members()) == 2
    counts = _counted_as_before()
    stats = statistics.programme_statistics()
    for row in stats["by_fiscal_year"]:
        year = row["fiscal_year"]
        assert row["requests"] == counts[("requests", "year", year)]
        assert row["approved"] == counts[("requests", "state", year, "approved")]
        assert row["dispatched"] == counts[("dispatched", "year", year)]
        assert row["completed"] == counts[("dispatched", "state", year, "completed")]
    assert sum(r["requests"] for r in stats["by_fiscal_year"]) == 4  # the joint one too
    for key, rows in (("prefecture", "by_prefecture"), ("region", "by_region")):
        field = "prefecture_code" if key == "prefecture" else "region"
        for row in stats[rows]:
            assert row["requests"] == counts[("requests", key, row[field])], row
            assert row["dispatched"] == counts[("dispatched", key, row[field])], row
    for row in stats["by_challenge"]:
        assert row["requests"] == counts[("requests", "challenge", row["challenge"])]
        assert row["dispatched"] == counts[("dispatched", "challenge", row["challenge"])]
    for row in stats["by_role"]:
        assert row["requests"] == counts[("requests", "role", row["role"])]
