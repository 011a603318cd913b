"""A worker that dies in the middle of a match run does not leave the round stuck.

A real ``db_worker`` process solves a large run; the test kills it (SIGKILL) once the run is
running and its heartbeat thread has beaten, then shows that, once TASK_STALE_AFTER_SECONDS
have passed without a sign of life, the round's page marks the run failed with the reason in
words, the office can run the match again, and a new worker completes it. No row is edited by
hand after the kill.

The worker process must see the test's rows, so these tests are transactional and the worker
gets the test process's own database settings (``tests/worker_settings.py``): on PostgreSQL
pytest-django's test database; on SQLite the in-memory test database, copied to a file for
the test's duration (another process cannot open memory).
"""

import datetime as dt
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from bench.round.build import build_round
from ciodispatch.audit.models import AuditEvent
from ciodispatch.core import heartbeat
from ciodispatch.matchround import services
from ciodispatch.matchround.models import MatchRound, MatchRun
from tests.conftest import load_registry, verified_client

ROOT = Path(__file__).resolve().parents[2]
STALE_AFTER = 2  # seconds (the default is 120): the worker beats every half second


@pytest.fixture
def shared_database(transactional_db, tmp_path, settings):
    """The test database, open to another process; its settings, for that process."""
    settings.TASK_STALE_AFTER_SECONDS = STALE_AFTER
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        load_registry()
        yield dict(connection.settings_dict)
        return
    connection.ensure_connection()
    memory = connection.connection
    path = tmp_path / "test.sqlite3"
    copy = sqlite3.connect(path)
    memory.backup(copy)
    copy.close()
    name = connection.settings_dict["NAME"]
    # Keep the in-memory database's connection (closing it would drop the database) and
    # connect to the file until the test ends.
    connection.connection = None
    connection.settings_dict["NAME"] = str(path)
    try:
        load_registry()
        yield dict(connection.settings_dict)
    finally:
        connection.close()
        connection.settings_dict["NAME"] = name
        connection.connection = memory


@pytest.fixture
def workers(shared_database, tmp_path):
    """Starts ``db_worker`` processes on the test database; any still running at the end are
    killed (before the test database is emptied)."""
    started: list[subprocess.Popen] = []
    log = tmp_path / "worker.log"

    def start(*options: str, hold_solve: bool = False) -> subprocess.Popen:
        env = {
            **os.environ,
            "CIODISPATCH_TEST_HOLD_SOLVE": "1" if hold_solve else "",
            "DJANGO_SETTINGS_MODULE": "tests.worker_settings",
            "CIODISPATCH_TEST_DATABASE": json.dumps(shared_database),
            "TASK_STALE_AFTER_SECONDS": str(STALE_AFTER),
        }
        command = [sys.executable, "-c", "from ciodispatch.manage import main; main()"]
        options = ("--no-reload", "--no-startup-delay", "--interval", "0.1", *options)
        with log.open("ab") as out:
            process = subprocess.Popen(
                [*command, "db_worker", *options], cwd=ROOT, env=env, stdout=out,
                stderr=subprocess.STDOUT,
            )  # fmt: skip
        started.append(process)
        return process

    start.log = log  # type: ignore[attr-defined]
    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=30)


def wait_for(condition, *, seconds: float, what: str, log: Path):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError(f"gave up waiting for {what}; worker log:\n{log.read_text()}")


def national_round():
    """A round the worker needs a few seconds for (snapshot, engine, store): ~1,000 posts and
    12,000 candidates, written in bulk by the benchmark's builder, rankings closed."""
    return build_round(posts=1_000, candidates=12_000, prefix="recovery")


def test_a_killed_worker_fails_the_run_with_its_reason_and_the_office_runs_it_again(
    workers, client
):
    log = workers.log
    # It starts while the round is built; its engine never returns, so the kill below falls
    # in the middle of the run however fast the engine is.
    worker = workers(hold_solve=True)
    built = national_round()
    match_round, office = built.round, built.office
    # The request only queues the run; the worker freezes the snapshot and solves it.
    run = services.start_run(match_round, actor=office)

    started = wait_for(
        lambda: MatchRun.objects.filter(pk=run.pk, status=MatchRun.Status.RUNNING).first(),
        seconds=40, what="the worker to start the run", log=log,
    )  # fmt: skip
    # The heartbeat thread beats while the engine holds the worker's main thread.
    wait_for(
        lambda: MatchRun.objects.get(pk=run.pk).heartbeat_at > started.heartbeat_at,
        seconds=10, what="a heartbeat", log=log,
    )  # fmt: skip
    worker.send_signal(signal.SIGKILL)
    assert worker.wait(timeout=10) == -signal.SIGKILL
    run.refresh_from_db()
    assert run.status == MatchRun.Status.RUNNING  # as the dead worker left it
    restarted = workers()  # the worker comes back (it starts up meanwhile)

    # Until the stale interval has passed since the last beat, the run counts as alive ...
    last_beat = run.heartbeat_at
    almost = last_beat + dt.timedelta(seconds=STALE_AFTER - 0.1)
    assert heartbeat.fail_stalled(match_round.runs.all(), now=almost) == 0
    stale_at = last_beat + dt.timedelta(seconds=STALE_AFTER)
    time.sleep(max(0.0, (stale_at - timezone.now()).total_seconds()) + 0.1)

    # ... then the office opens the round: the run is failed with the reason, in Japanese ...
    verified_client(client, office)
    page = client.get(f"/matching/office/rounds/{match_round.pk}/").content.decode()
    run.refresh_from_db()
    assert run.status == MatchRun.Status.FAILED and run.worker_lost_at is not None
    assert "実行中にバックグラウンド処理が停止しました" in page
    assert "もう一度実行できます" in page
    # ... and in English, on the run's own page.
    client.cookies["django_language"] = "en"
    detail = client.get(f"/matching/office/runs/{run.pk}/").content.decode()
    assert "The worker stopped while running this (last sign of life at" in detail
    assert "you can run it again" in detail
    event = AuditEvent.objects.get(action="matchround.matchrun.failed", object_id=str(run.pk))
    assert event.actor_label == "system" and "稼働確認" in event.reason

    # The office runs the match again, and the restarted worker completes it.
    response = client.post(f"/matching/office/rounds/{match_round.pk}/run/")
    assert response.status_code == 302
    again = match_round.runs.exclude(pk=run.pk).get()
    wait_for(
        lambda: MatchRun.objects.filter(pk=again.pk, status=MatchRun.Status.SUCCEEDED).exists(),
        seconds=40, what="the new run to finish", log=log,
    )  # fmt: skip
    match_round.refresh_from_db()
    assert match_round.phase == MatchRound.Phase.REVIEW
    restarted.terminate()
    assert restarted.wait(timeout=30) == 0
