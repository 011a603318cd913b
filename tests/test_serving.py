"""The production server: what ``make serve`` refuses, the load balancer's probes, the JSON
logs, the visitor's address behind proxies, and daily jobs taking turns."""

import datetime as dt
import io
import json
import logging
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db.migrations.recorder import MigrationRecorder
from django.test import RequestFactory
from django.utils import timezone

from ciodispatch.core import joblocks, probes, workers
from ciodispatch.core.logfilters import RequestIdFilter, json_formatter
from ciodispatch.core.middleware import ForwardedClientAddressMiddleware
from ciodispatch.core.models import WorkerHeartbeat

ROOT = Path(__file__).resolve().parents[1]

# --- make serve refuses, in one line, what would not be production ----------------------

PRODUCTION = {
    "SECRET_KEY": "x" * 50,
    "ALLOWED_HOSTS": "cio.example.jp",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:1/never_reached",
}
SERVING_VARIABLES = (*PRODUCTION, "DEBUG", "DEMO_MODE", "SINGLE_MACHINE", "SECRET_KEY_FILE")


def serve(**env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in SERVING_VARIABLES}
    return subprocess.run(
        [sys.executable, "-m", "ciodispatch.core.serve"],
        cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, timeout=60,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("missing", "says"),
    [
        ("SECRET_KEY", "make serve: set SECRET_KEY (or SECRET_KEY_FILE)"),
        ("ALLOWED_HOSTS", "make serve: set ALLOWED_HOSTS to the site's host names"),
        ("DATABASE_URL", "make serve: set DATABASE_URL to a postgres:// URL, or SINGLE_MACHINE"),
    ],
)
def test_serve_refuses_without_what_production_needs_in_one_line(missing, says):
    env = {k: v for k, v in PRODUCTION.items() if k != missing}
    result = serve(**env)
    assert result.returncode == 2
    assert result.stderr.startswith(says) and result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr


def test_serve_refuses_sqlite_and_debug_unless_told(tmp_path):
    sqlite = {**PRODUCTION, "DATABASE_URL": f"sqlite:///{tmp_path}/cio.sqlite3"}
    assert "SINGLE_MACHINE=true" in serve(**sqlite).stderr
    debug = serve(**PRODUCTION, DEBUG="true")
    assert debug.returncode == 2 and "DEBUG is on" in debug.stderr
    # Told it is a single machine, SQLite passes the check and the schema is looked at next.
    told = serve(**sqlite, SINGLE_MACHINE="true", CIODISPATCH_VAR_DIR=str(tmp_path))
    assert told.returncode == 2 and "migration(s) not applied" in told.stderr
    assert "ciodispatch migrate" in told.stderr


def test_a_bad_setting_is_refused_in_one_line_too(tmp_path):
    sqlite = {**PRODUCTION, "DATABASE_URL": f"sqlite:///{tmp_path}/cio.sqlite3"}
    result = serve(**sqlite, SINGLE_MACHINE="maybe")
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "make serve: SINGLE_MACHINE='maybe' is not a boolean; use one of: true, false, 1, 0, "
        "yes, no."
    )


def test_serve_refuses_a_database_it_cannot_reach_in_one_line():
    result = serve(**PRODUCTION)  # port 1: nothing listens
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert result.stderr.startswith("make serve: the database of DATABASE_URL cannot be reached")


def test_refusal_reads_secret_files(monkeypatch, tmp_path):
    from ciodispatch.core import serve as serving

    for name in SERVING_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    secret = tmp_path / "secret"
    secret.write_text("from-a-file")
    monkeypatch.setenv("SECRET_KEY_FILE", str(secret))
    monkeypatch.setenv("ALLOWED_HOSTS", "cio.example.jp")
    monkeypatch.setenv("DATABASE_URL", "postgresql://db/cio")
    assert serving.refusal() is None


def test_gunicorn_settings_come_from_the_environment():
    show = (
        "import ciodispatch.core.gunicorn_conf as c; "
        "print(c.bind, c.workers, c.timeout, c.accesslog, 'logconfig_dict' in dir(c))"
    )
    run = subprocess.run(
        [sys.executable, "-c", show], cwd=ROOT, capture_output=True, text=True,
        env={**os.environ, "HOST": "0.0.0.0", "PORT": "9000", "LOG_FORMAT": "json"},
    )  # fmt: skip
    assert run.stdout.split() == ["['0.0.0.0:9000']", "2", "30", "None", "True"]
    five = subprocess.run(
        [sys.executable, "-c", show], cwd=ROOT, capture_output=True, text=True,
        env={**os.environ, "WEB_CONCURRENCY": "5", "LOG_FORMAT": "line"},
    )  # fmt: skip
    assert five.stdout.split()[1:] == ["5", "30", "None", "False"]


# --- /healthz and /readyz -----------------------------------------------------------------


def test_healthz_answers_without_the_database(client):
    # No database fixture: a query would raise.
    response = client.get("/healthz", HTTP_HOST="10.0.0.7")  # not an allowed host
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"
    assert "sessionid" not in response.cookies and "csrftoken" not in response.cookies


@pytest.mark.django_db
def test_readyz_says_which_check_failed_and_is_ready_once_a_worker_beats(client):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "failed": ["worker"],
        "checks": {
            "database": "ok",
            "migrations": "ok",
            "worker": "none seen within WORKER_SEEN_WITHIN_SECONDS",
        },
    }
    workers.beat_worker("worker-test")
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {
        "status": "ok",
        "checks": {"database": "ok", "migrations": "ok", "worker": "ok"},
    }
    assert "worker-test" not in ready.content.decode()  # nothing about machines or people


@pytest.mark.django_db
def test_readyz_fails_when_the_worker_is_silent_or_a_migration_is_missing(client, settings):
    workers.beat_worker("worker-test")
    long_ago = timezone.now() - dt.timedelta(seconds=settings.WORKER_SEEN_WITHIN_SECONDS + 1)
    WorkerHeartbeat.objects.update(seen_at=long_ago)
    assert client.get("/readyz").json()["failed"] == ["worker"]
    workers.beat_worker("worker-test")
    MigrationRecorder.Migration.objects.filter(app="core", name="0003_worker_heartbeats").delete()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["migrations"] == "1 not applied"


def test_readyz_fails_when_the_database_is_unreachable(client, monkeypatch):
    def unreachable():
        raise probes.DatabaseError("connection refused")

    monkeypatch.setattr(probes.connection, "cursor", unreachable)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failed"] == ["database"]
    assert response.json()["checks"]["database"] == "unreachable"


@pytest.mark.django_db
def test_probes_are_open_whatever_the_session_csrf_or_sign_in_state(client, personas):
    workers.beat_worker("worker-test")
    client.force_login(personas.office)  # an office account, second factor not passed
    assert client.get("/readyz").status_code == 200
    assert client.get("/healthz/").status_code == 200
    assert client.post("/healthz").status_code == 405


# --- the worker's own heartbeat -------------------------------------------------------------


def test_a_polling_worker_beats_and_removes_its_row_when_it_stops(transactional_db, settings):
    settings.WORKER_SEEN_WITHIN_SECONDS = 0.2  # a beat every 50 ms
    assert not workers.worker_seen()
    with workers.beating_worker("worker-test"):
        first = WorkerHeartbeat.objects.get(worker_id="worker-test").seen_at
        deadline = time.monotonic() + 10
        while WorkerHeartbeat.objects.get().seen_at == first:
            assert time.monotonic() < deadline, "the thread never beat"
            time.sleep(0.02)
        row = WorkerHeartbeat.objects.get()
        assert row.pid == os.getpid() and row.host
        assert workers.worker_seen()
    assert not WorkerHeartbeat.objects.exists()


@pytest.mark.django_db
def test_a_batch_run_of_the_worker_does_not_beat(monkeypatch):
    """A ``--batch`` run works off the queue and exits: not a worker /readyz may count on."""
    from ciodispatch.core.management.commands import db_worker
    from tests.conftest import run_task_queue

    entered = []
    monkeypatch.setattr(db_worker, "beating_worker", lambda worker_id: entered.append(worker_id))
    run_task_queue()  # db_worker --batch, as the tests run the queue
    assert entered == [] and not WorkerHeartbeat.objects.exists()


# --- JSON logs ------------------------------------------------------------------------------


def _json_lines(records_from) -> list[dict]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(json_formatter())
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        records_from()
    finally:
        root.removeHandler(handler)
    return [json.loads(line) for line in stream.getvalue().splitlines()]


@pytest.mark.django_db
def test_each_request_is_one_json_line_with_its_id_and_route_not_its_path(client):
    responses = []
    lines = _json_lines(
        lambda: responses.append(client.get("/local-governments/412040/?q=secret-words"))
    )
    request_id = responses[0]["X-Request-ID"]
    (line,) = [line for line in lines if line["logger"] == "ciodispatch.request"]
    assert line["request_id"] == request_id and line["level"] == "INFO"
    assert line["method"] == "GET" and line["status"] == responses[0].status_code
    assert line["route"].startswith("/local-governments/<") and isinstance(
        line["duration_ms"], float
    )
    assert "412040" not in json.dumps(lines) and "secret-words" not in json.dumps(lines)
    assert dt.datetime.fromisoformat(line["time"]).utcoffset() == dt.timedelta(0)


def test_json_lines_keep_japanese_and_drop_the_request_object():
    request = RequestFactory().get("/knowhow/?q=個人の検索語")
    lines = _json_lines(
        lambda: logging.getLogger("django.request").warning(
            "見つかりません", extra={"request": request, "status_code": 404}
        )
    )
    assert lines[-1]["message"] == "見つかりません" and lines[-1]["status_code"] == 404
    assert "request" not in lines[-1]
    assert "個人の検索語" not in json.dumps(lines, ensure_ascii=False)


def test_log_format_defaults_to_json_without_debug_and_is_checked():
    show = "import ciodispatch.settings as s; print(s.LOG_FORMAT)"
    env = {k: v for k, v in os.environ.items() if k not in ("LOG_FORMAT", "DEBUG")}

    def run(**extra):
        return subprocess.run(
            [sys.executable, "-c", show], cwd=ROOT, capture_output=True, text=True,
            env={**env, **extra},
        )  # fmt: skip

    assert run().stdout.strip() == "json"
    assert run(DEBUG="true").stdout.strip() == "line"
    bad = run(LOG_FORMAT="xml")
    assert bad.returncode != 0 and "LOG_FORMAT='xml' is not one of: json, line." in bad.stderr


# --- the visitor's address behind reverse proxies -----------------------------------------


@pytest.mark.parametrize(
    ("proxies", "forwarded", "seen"),
    [
        (0, "203.0.113.9", "10.0.0.2"),  # no proxy configured: the header is the client's
        (1, "198.51.100.1, 203.0.113.9", "203.0.113.9"),  # what our one proxy appended
        (2, "198.51.100.1, 203.0.113.9, 10.0.0.5", "203.0.113.9"),
        (2, "203.0.113.9", "10.0.0.2"),  # fewer hops than proxies: not through them
    ],
)
def test_the_visitors_address_is_read_from_our_proxies_only(settings, proxies, forwarded, seen):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)
    ForwardedClientAddressMiddleware(lambda r: r.META["REMOTE_ADDR"])(request)
    assert request.META["REMOTE_ADDR"] == seen


# --- daily jobs take turns --------------------------------------------------------------------


def test_a_second_run_of_a_job_waits_for_the_first(transactional_db, tmp_path, settings):
    """Two processes at once run a daily job one after the other. (On PostgreSQL an advisory
    lock; on SQLite a file lock beside the database: the test database is then a file.)"""
    from django.db import connection

    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("an in-memory SQLite database is one process's own: nothing to share")
    order = []

    def second():  # another machine's cron starts the same job meanwhile
        call_command("progress_reminders", stdout=io.StringIO())
        order.append("second done")
        from django.db import connections

        connections.close_all()

    with joblocks.exclusive_job("progress_reminders"):
        thread = threading.Thread(target=second)
        thread.start()
        time.sleep(0.5)
        order.append("first done")
    thread.join(timeout=10)
    assert order == ["first done", "second done"]
