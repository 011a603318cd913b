"""The public portal: statistics page with the map, CSV downloads, GET /api/statistics."""

import csv
import io
import json

import pytest

from ciodispatch.portal import statistics
from ciodispatch.requests import services as requests_services
from tests.outreach.helpers import published_offer, support_request
from tests.requests.helpers import taku_request

SUMMARY = {
    "fiscal_year": 2026,
    "requests": 4,
    "candidates": 9,
    "matched": 3,
    "fill_rate": 0.75,
    "by_prefecture": {"41": 2, "40": 1},
    "by_region": {"kyushu": 3},
    "by_challenge": {"vendor_dependency": 2, "talent_shortage": 1},
}


@pytest.fixture
def published_round(monkeypatch):
    monkeypatch.setattr(statistics, "matched_summaries", lambda: [SUMMARY])


@pytest.fixture
def no_round(monkeypatch):
    monkeypatch.setattr(statistics, "matched_summaries", lambda: [])


def _submitted_taku_request(personas):
    request = taku_request(personas)
    requests_services.submit_request(request, actor=personas.host1)
    return request


def test_requests_are_counted_by_year_prefecture_region_and_challenge_drafts_not(
    personas, no_round
):
    request = _submitted_taku_request(personas)
    stats = statistics.programme_statistics()
    year = request.request_round.fiscal_year
    assert stats["by_fiscal_year"] == [
        {
            "fiscal_year": year,
            "requests": 1,
            "approved": 0,
            "hosts_in_round": None,
            "candidates": None,
            "matched": None,
            "fill_rate": None,
            "dispatched": 0,
            "running": 0,
            "completed": 0,
            "ended_early": 0,
        }
    ]
    saga = next(r for r in stats["by_prefecture"] if r["prefecture_code"] == "41")
    assert saga == {
        "prefecture_code": "41",
        "prefecture": "佐賀県",
        "region": "kyushu",
        "requests": 1,
        "matched": None,
        "dispatched": 0,
    }
    assert len(stats["by_prefecture"]) == 47
    assert sum(r["requests"] for r in stats["by_region"]) == 1
    by_challenge = {r["challenge"]: r["requests"] for r in stats["by_challenge"]}
    assert by_challenge["vendor_dependency"] == 1 and by_challenge["no_budget"] == 0
    by_role = {r["role"]: r["requests"] for r in stats["by_role"]}
    assert by_role == {"producer": 1, "project_manager": 1, "service_designer": 0, "engineer": 0}
    # A draft is the host's own business: not counted.
    requests_services.start_request(
        request.request_round, actor=personas.host2, host=personas.host2.local_government
    )
    assert statistics.programme_statistics()["by_fiscal_year"][0]["requests"] == 1


def test_matched_pairs_come_from_the_published_rounds(personas, published_round):
    stats = statistics.programme_statistics()
    assert stats["matching_published"] is True
    row = stats["by_fiscal_year"][0]
    assert (row["matched"], row["fill_rate"], row["candidates"]) == (3, 0.75, 9)
    matched = {r["prefecture_code"]: r["matched"] for r in stats["by_prefecture"]}
    assert matched["41"] == 2 and matched["40"] == 1 and matched["13"] == 0


def test_dispatches_are_counted_once_started(personas, monkeypatch, no_round):
    from ciodispatch.dispatches import services as dispatches
    from tests.dispatches.helpers import dispatch_at, today

    dispatch_at(personas, monkeypatch, "confirmed")  # not started: not counted
    running = dispatch_at(personas, monkeypatch, "active", fiscal_year=today().year + 1)
    done = dispatch_at(personas, monkeypatch, "completed", fiscal_year=today().year + 2)
    stats = statistics.programme_statistics()
    assert stats["dispatches_recorded"] is True
    rows = {r["fiscal_year"]: r for r in stats["by_fiscal_year"]}
    assert (rows[today().year]["dispatched"], rows[today().year + 1]["running"]) == (0, 1)
    assert rows[today().year + 2]["completed"] == 1
    saga = next(r for r in stats["by_prefecture"] if r["prefecture_code"] == "41")
    assert saga["dispatched"] == 2
    kyushu = next(r for r in stats["by_region"] if r["region"] == "kyushu")
    assert kyushu["dispatched"] == 2
    dispatches.end_early(running, actor=personas.office, on=today(), reason="体調")
    rows = {r["fiscal_year"]: r for r in statistics.programme_statistics()["by_fiscal_year"]}
    assert (rows[today().year + 1]["running"], rows[today().year + 1]["ended_early"]) == (0, 1)
    assert done.state == "completed"
    # Outcomes: the finished dispatch's KPI (12 → 80 online procedures) measured at its end.
    from ciodispatch.progress import services as progress

    kpi = done.request.kpis.get()
    assert statistics.outcome_statistics()["kpis_measured"] == 0
    progress.record_measurement(
        done, actor=personas.host1, kpi_id=kpi.pk, point="end", value="85",
        measured_on=done.end_date,
    )  # fmt: skip
    outcomes = statistics.outcome_statistics()
    assert (outcomes["dispatches"], outcomes["kpis_measured"], outcomes["kpis_reached"]) == (
        2,
        1,
        1,
    )
    assert {b["band"]: b["kpis"] for b in outcomes["by_progress"]}["100"] == 1


def test_map_levels_and_legend_agree():
    rows = [{"prefecture_code": f"{i:02d}", "v": v} for i, v in enumerate([0, 1, 2, 3, 10], 1)]
    levels = statistics.map_levels(rows, "v")
    assert levels == {"01": 0, "02": 1, "03": 1, "04": 2, "05": 5}
    legend = statistics.level_ranges(rows, "v")
    for row in rows:
        level = levels[row["prefecture_code"]]
        band = next(b for b in legend if b["level"] == level)
        assert band["low"] <= row["v"] <= band["high"]


def test_the_statistics_page_shows_the_map_and_the_same_numbers_in_a_table(
    client, personas, published_round
):
    page = client.get("/portal/statistics/")
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count("data-prefecture=") == 47
    assert 'data-prefecture="41" d="' in html and 'class="map-level-5" data-prefecture="41"' in html
    assert 'class="map-level-0" data-prefecture="13"' in html
    assert "<title>佐賀県: 2</title>" in html
    assert 'style="' not in html  # the CSP allows no inline style
    assert "CC BY 4.0" in html


def test_every_table_downloads_as_csv(client, personas, published_round):
    for table in (
        "fiscal-years",
        "prefectures",
        "regions",
        "challenges",
        "roles",
        "direct-support",
        "outcomes",
    ):
        response = client.get(f"/portal/statistics/{table}.csv")
        assert response.status_code == 200, table
        assert "creativecommons.org/licenses/by/4.0" in response["Link"]
    rows = list(
        csv.reader(
            io.StringIO(
                client.get("/portal/statistics/prefectures.csv").content.decode("utf-8-sig")
            )
        )
    )
    assert len(rows) == 48 and ["41", "佐賀県", "0", "2", "0"] in rows
    assert client.get("/portal/statistics/people.csv").status_code == 404


def test_the_open_data_api_is_public_and_documented(client, personas, published_round):
    offer = published_offer(personas.pref1, personas.office)
    support_request(personas.host1, offer)
    response = client.get("/api/statistics")
    assert response.status_code == 200
    data = response.json()
    assert data["licence"].startswith("CC BY 4.0")
    assert data["by_fiscal_year"][0]["matched"] == 3
    assert data["support"][0]["offers"] == 1 and data["support"][0]["requests"] == 1
    assert {"held", "participants", "upcoming"} == set(data["events"])
    schema = client.get("/api/openapi.json").json()
    assert "/api/statistics" in schema["paths"]
    # No personal data: no names, e-mail addresses or user names anywhere in the answer.
    text = json.dumps(data, ensure_ascii=False)
    assert "example.jp" not in text and "host1" not in text


def test_the_landing_page_is_public_and_the_home_page_links_to_it(client, personas):
    assert client.get("/portal/").status_code == 200
    home = client.get("/").content.decode()
    assert 'href="/portal/"' in home and 'href="/portal/statistics/"' in home


def test_only_offers_that_were_open_to_requests_are_counted(personas, no_round):
    from ciodispatch.outreach import services as outreach_services
    from tests.outreach.helpers import offer_fields

    def drafted():
        return outreach_services.create_offer(
            personas.host1.local_government, actor=personas.host1, **offer_fields()
        )

    outreach_services.withdraw_offer(drafted(), actor=personas.host1)  # never submitted
    returned = drafted()
    outreach_services.submit_offer(returned, actor=personas.host1)
    outreach_services.return_offer(returned, actor=personas.office, comment="対象を具体的に")
    outreach_services.withdraw_offer(returned, actor=personas.host1)  # never published
    outreach_services.submit_offer(drafted(), actor=personas.host1)  # awaiting the office
    assert statistics.support_statistics() == []

    opened = published_offer(personas.host2, personas.office)
    closed = published_offer(personas.pref1, personas.office)
    outreach_services.withdraw_offer(closed, actor=personas.office)  # was open: still counted
    assert opened.published_at is not None
    assert [row["offers"] for row in statistics.support_statistics()] == [2]
