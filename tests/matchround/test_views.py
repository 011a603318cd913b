"""The matching round's pages: what each participant sees and does, without a browser."""

import pytest
from django.test import Client

from ciodispatch.dispatches.models import Dispatch
from ciodispatch.matchround import services
from ciodispatch.matchround.models import MatchRound, MatchRun
from tests.conftest import run_task_queue, verified_client
from tests.matchround.helpers import build_round, to_hosts_phase

P = MatchRound.Phase


@pytest.fixture
def setup(personas, monkeypatch):
    return build_round(personas, monkeypatch, extra_candidates=1)


def _client(user):
    return verified_client(Client(), user)


def test_candidate_ranks_with_plain_form_buttons(setup, personas):
    client = _client(personas.candidate2)
    page = client.get("/matching/rank/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "佐賀県嬉野市" in text and "福岡県新宮町" in text
    assert f"/matching/posts/{setup.taku.pk}/" not in text  # hidden by the vendor conflict
    assert "富士通" in text  # ... and the page says why
    client.post("/matching/rank/", {"add": setup.shingu.pk})
    client.post("/matching/rank/", {"post": [setup.shingu.pk], "add": setup.ureshino.pk})
    assert services.candidate_ranking(setup.round, setup.app2) == [
        setup.shingu.pk,
        setup.ureshino.pk,
    ]
    client.post(
        "/matching/rank/", {"post": [setup.shingu.pk, setup.ureshino.pk], "up": setup.ureshino.pk}
    )
    assert services.candidate_ranking(setup.round, setup.app2) == [
        setup.ureshino.pk,
        setup.shingu.pk,
    ]
    response = client.post("/matching/rank/", {"post": [setup.taku.pk]}, follow=True)
    assert "富士通" in response.content.decode()
    assert services.candidate_ranking(setup.round, setup.app2) == [
        setup.ureshino.pk,
        setup.shingu.pk,
    ]


def test_a_candidate_reads_a_post_but_not_a_conflicted_one(setup, personas):
    client = _client(personas.candidate2)
    assert client.get(f"/matching/posts/{setup.ureshino.pk}/").status_code == 200
    assert client.get(f"/matching/posts/{setup.taku.pk}/").status_code == 404
    assert _client(personas.candidate1).get("/matching/rank/").status_code == 403


def test_hosts_see_only_their_applicants_and_no_other_host(setup, personas):
    services.save_candidate_ranking(setup.round, [setup.ureshino.pk], actor=personas.candidate2)
    to_hosts_phase(setup, personas)
    host2 = _client(personas.host2)
    page = host2.get(f"/matching/host/posts/{setup.ureshino.pk}/").content.decode()
    assert setup.app2.full_name in page
    assert setup.extras[0].full_name not in page  # did not rank 嬉野市
    applicant = host2.get(f"/matching/host/posts/{setup.ureshino.pk}/candidates/{setup.app2.pk}/")
    assert applicant.status_code == 200
    assert setup.app2.email not in applicant.content.decode()  # contact details stay hidden
    assert (
        host2.get(
            f"/matching/host/posts/{setup.ureshino.pk}/candidates/{setup.extras[0].pk}/"
        ).status_code
        == 404
    )
    assert (
        _client(personas.host1).get(f"/matching/host/posts/{setup.ureshino.pk}/").status_code == 404
    )
    host2.post(f"/matching/host/posts/{setup.ureshino.pk}/", {"add": setup.app2.pk})
    assert services.host_ranking(setup.ureshino) == [setup.app2.pk]


def test_office_runs_reviews_exports_and_publishes(
    setup, personas, django_capture_on_commit_callbacks
):
    services.save_candidate_ranking(
        setup.round, [setup.ureshino.pk, setup.shingu.pk], actor=personas.candidate2
    )
    to_hosts_phase(setup, personas)
    services.save_host_ranking(setup.ureshino, [setup.app2.pk], actor=personas.host2)
    office = _client(personas.office)
    office.post(f"/matching/office/rounds/{setup.round.pk}/phase/", {"phase": P.RUN})
    with django_capture_on_commit_callbacks(execute=True):
        response = office.post(f"/matching/office/rounds/{setup.round.pk}/run/")
    run = MatchRun.objects.get()
    assert response.url == f"/matching/office/runs/{run.pk}/"
    assert office.get(f"/matching/office/runs/{run.pk}/status/").json()["status"] == "queued"
    run_task_queue()
    status = office.get(f"/matching/office/runs/{run.pk}/status/").json()
    assert status == {
        "status": "succeeded",
        "label": status["label"],
        "progress": 100,
        "done": True,
        "url": f"/matching/office/runs/{run.pk}/",
    }
    page = office.get(f"/matching/office/runs/{run.pk}/").content.decode()
    assert "33%" in page and run.snapshot_hash in page
    csv = office.get(f"/matching/office/runs/{run.pk}/export/?format=csv")
    assert csv.content.startswith(b"\xef\xbb\xbf") and "佐賀県嬉野市" in csv.content.decode(
        "utf-8-sig"
    )
    xlsx = office.get(f"/matching/office/runs/{run.pk}/export/?format=xlsx")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    refused = office.post(f"/matching/office/rounds/{setup.round.pk}/publish/", {"run": run.pk})
    assert refused.status_code == 302 and not Dispatch.objects.exists()  # no confirmation
    office.post(
        f"/matching/office/rounds/{setup.round.pk}/publish/", {"run": run.pk, "confirm": "on"}
    )
    assert Dispatch.objects.get().application == setup.app2
    # Each participant reads their own result; the public reads counts.
    mine = _client(personas.candidate2).get(f"/matching/rounds/{setup.round.pk}/my-result/")
    assert "佐賀県嬉野市" in mine.content.decode()
    assert (
        _client(personas.host1).get(f"/matching/rounds/{setup.round.pk}/my-result/").status_code
        == 200
    )
    year = setup.round.fiscal_year
    public = Client().get(f"/matching/results/{year}/")
    assert public.status_code == 200 and setup.app2.family_name not in public.content.decode()
    assert Client().get(f"/matching/results/{year}/?format=csv").status_code == 200


def test_others_cannot_reach_the_office_pages(setup, personas):
    for user in (personas.candidate2, personas.host1, personas.pref1):
        client = _client(user)
        assert client.get("/matching/office/").status_code == 403
        assert client.post(f"/matching/office/rounds/{setup.round.pk}/run/").status_code == 403
    assert Client().get("/matching/office/").status_code == 302  # to the sign-in page
    # No result can be read before publication.
    assert (
        _client(personas.candidate2)
        .get(f"/matching/rounds/{setup.round.pk}/my-result/")
        .status_code
        == 403
    )
    assert Client().get(f"/matching/results/{setup.round.fiscal_year}/").status_code == 404


def test_office_configures_a_round_from_the_page(personas):
    from tests.requests.helpers import open_round

    request_round = open_round()
    office = _client(personas.office)
    assert office.get(f"/matching/office/setup/{request_round.pk}/").status_code == 200
    close = request_round.requests_close
    data = {
        "candidates_rank_from": close.isoformat(),
        "candidates_rank_until": close.replace(day=1).isoformat(),  # before the start
        "hosts_rank_until": close.isoformat(),
        "publish_on": close.isoformat(),
        "proposing": "candidates",
        "conflict_years": "3",
        "region_kanto": "2",
        "prefecture_0": "13",
        "prefecture_cap_0": "",
    }
    page = office.post(f"/matching/office/setup/{request_round.pk}/", data).content.decode()
    assert 'id="id_prefecture_cap_0_error"' in page  # "give both the prefecture and its cap"
    assert not MatchRound.objects.exists()
    import datetime as dt

    data |= {
        "candidates_rank_until": (close + dt.timedelta(days=5)).isoformat(),
        "hosts_rank_until": (close + dt.timedelta(days=9)).isoformat(),
        "publish_on": (close + dt.timedelta(days=12)).isoformat(),
        "prefecture_cap_0": "1",
    }
    response = office.post(f"/matching/office/setup/{request_round.pk}/", data)
    match_round = MatchRound.objects.get()
    assert response.url == f"/matching/office/rounds/{match_round.pk}/"
    assert match_round.region_caps == {"kanto": 2} and match_round.prefecture_caps == {"13": 1}


def test_the_snapshot_download_gives_the_same_result_on_the_command_line(setup, personas, tmp_path):
    import json
    import subprocess
    import sys

    from tests.matchround.helpers import run_now

    services.save_candidate_ranking(
        setup.round, [setup.ureshino.pk, setup.shingu.pk], actor=personas.candidate2
    )
    to_hosts_phase(setup, personas)
    services.save_host_ranking(setup.ureshino, [setup.app2.pk], actor=personas.host2)
    run = run_now(setup, personas)
    response = _client(personas.office).get(f"/matching/office/runs/{run.pk}/snapshot.json")
    assert response["Content-Disposition"].endswith(f'{run.snapshot_hash[:12]}.json"')
    path = tmp_path / "snapshot.json"
    path.write_bytes(response.content)
    solved = subprocess.run(
        [sys.executable, "-m", "ciodispatch.matching", "solve", str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(solved.stdout)["assignment"] == run.result["assignment"]
    assert (
        _client(personas.host2).get(f"/matching/office/runs/{run.pk}/snapshot.json").status_code
        == 404
    )
