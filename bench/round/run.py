"""A national matching round in the app: from the rankings in the database to a stored,
checked result, as the worker runs it.

The round (``bench/round/build.py``): ~1,000 posts, ~10,000 candidates, rankings of up to 20
each side, written in bulk on the ``DATABASE_URL`` given (SQLite otherwise). Timed:

- the office's "run" request (``services.start_run``: checks, the run row, the task queued);
- the worker's task as ``db_worker --batch`` runs it: the snapshot frozen (every candidate's
  certification, dispatches and vendor conflicts read in batches), hashed and stored, the
  engine (load, solve, checker, explanations), the result stored, the round moved to review;
- parts of it: the snapshot alone, and the engine alone on the same snapshot.

Baseline: ``SELECT COUNT(*)`` of the round's candidate rankings, measured in the same run.
Then the pages the round's participants and the office read, each with its query count and
size: a candidate's ranking page (all the round's posts), the office's round page and the
run's review.
"""

from __future__ import annotations

import time

from bench.timing import Case, best_of, table

POSTS = 1_000
CANDIDATES = 10_000


def _client(user):
    from django.test import Client
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    if user.requires_second_factor:
        device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
        token = f"{totp(device.bin_key, device.step, device.t0, device.digits):0{device.digits}d}"
        response = client.post("/accounts/two-factor/", {"token": token}, secure=True)
        assert response.status_code == 302, response.status_code
    return client


def _page(client, url: str) -> tuple[float, int, int]:
    """Best time of three GETs, and the query count and size of one."""
    from django.db import connection

    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = client.get(url, secure=True)
    assert response.status_code == 200, (url, response.status_code)
    seconds = best_of(lambda: client.get(url, secure=True), repeat=3)
    return seconds, len(queries), len(response.content)


def run() -> str:
    from django.core.management import call_command
    from django.db import connection

    from bench.round.build import build_round
    from ciodispatch.matching import load_instance, solve
    from ciodispatch.matchround import services
    from ciodispatch.matchround.models import CandidateRanking, MatchRun

    began = time.perf_counter()
    built = build_round(posts=POSTS, candidates=CANDIDATES, prefix=f"bench{int(time.time())}")
    build_seconds = time.perf_counter() - began
    match_round = built.round

    baseline = Case(
        "SELECT COUNT(*) of the round's rankings",
        best_of(lambda: CandidateRanking.objects.filter(match_round=match_round).count()),
    )
    snapshot = services.build_snapshot(match_round)

    def engine():
        instance = load_instance(services.engine_input(snapshot))
        solve(instance, proposing=snapshot["proposing"]).to_json()

    snapshot_seconds = best_of(lambda: services.build_snapshot(match_round), repeat=3)
    engine_seconds = best_of(engine, repeat=3)

    requests, workers, runs = [], [], []
    for attempt in range(3):
        started = time.perf_counter()
        run = services.start_run(
            match_round, actor=built.office, reason="" if attempt == 0 else "ベンチマーク"
        )
        requests.append(time.perf_counter() - started)
        started = time.perf_counter()
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
        workers.append(time.perf_counter() - started)
        run = MatchRun.objects.get(pk=run.pk)
        checks = run.result["checks"] if run.result else {}
        assert run.status == MatchRun.Status.SUCCEEDED, run.error
        assert checks["stable"] and checks["caps_respected"], checks
        assert not checks["unacceptable_pairs"], checks
        runs.append(run)
    assert len({r.snapshot_hash for r in runs}) == 1  # the same round, the same snapshot
    last = runs[-1]
    matched = sum(1 for h in last.result["assignment"].values() if h)

    cases = [
        Case("the office's run request (start_run: checks, queue)", min(requests)),
        Case("snapshot alone (build_snapshot)", snapshot_seconds),
        Case("engine alone on that snapshot (load, solve, checks, explanations)", engine_seconds),
        Case(
            "**the worker's task (db_worker --batch): snapshot + engine + store + checks**",
            min(workers),
        ),
    ]
    title = (
        f"Matching round in the app ({connection.vendor}; {built.posts:,} posts, "
        f"{built.candidates:,} candidates, {built.candidate_entries:,} candidate and "
        f"{built.host_entries:,} host entries; {len(snapshot['candidates']):,} candidates "
        f"in the snapshot, {matched:,} matched)"
    )
    lines = [table(title, baseline, cases)]
    lines.append(f"Round written in bulk in {build_seconds:.1f} s.\n")

    office = _client(built.office)
    candidate = _client(built.candidate)
    pages = [
        ("candidate's ranking page (first 100 posts to rank)", candidate, "/matching/rank/"),
        ("office's round page", office, f"/matching/office/rounds/{match_round.pk}/"),
        ("run review", office, f"/matching/office/runs/{last.pk}/"),
    ]
    lines += [
        "| page | time (ms) | ratio to baseline | queries | size (kB) |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for name, client, url in pages:
        seconds, queries, size = _page(client, url)
        lines.append(
            f"| {name} | {seconds * 1000:.1f} | {seconds / baseline.seconds:.2f} | {queries} "
            f"| {size / 1024:.0f} |"
        )
    return "\n".join(lines) + "\n"
