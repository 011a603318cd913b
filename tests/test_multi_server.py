"""Several app servers and workers on one PostgreSQL database (issue #18 item 2).

Real processes, as in production: two gunicorn servers on two ports (``core/gunicorn_conf.py``)
and two ``db_worker`` processes, all on the test's database, with one shared private-media
folder. They show that a user signed in on one server continues on the other (the session is
in the database), that a file uploaded through one is served by the other, that a matching run
is executed once though both workers poll, that the daily jobs started on two machines at once
mail each reminder once and leave no duplicate rows, and that a worker killed in the middle of
a run leaves the round in a state the office sees and retries (the other worker then does it).

PostgreSQL only: SQLite is the single-machine install, and another process cannot open the
test's in-memory SQLite database. The tests are transactional, so the processes see the
committed rows (``tests/matchround/test_worker_recovery.py`` has the same setup for one worker).
"""

import datetime as dt
import email
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
import requests
from django.conf import global_settings
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from bench.round.build import build_round as build_national_round
from ciodispatch.audit.models import AuditEvent
from ciodispatch.candidates import services as candidates
from ciodispatch.core.models import WorkerHeartbeat
from ciodispatch.core.work import KINDS
from ciodispatch.dispatches.models import Dispatch
from ciodispatch.matchround import services as rounds
from ciodispatch.matchround.models import MatchRound, MatchRun
from ciodispatch.notices.models import DeadlineReminder, Notice
from ciodispatch.progress import queries as progress_queries
from ciodispatch.progress.models import ReminderSent
from tests.candidates.helpers import new_candidate
from tests.conftest import PASSWORD, load_registry, make_personas, verified_client
from tests.dispatches.helpers import dispatch_at, today
from tests.files import minimal_pdf
from tests.matchround.helpers import build_round, to_hosts_phase

ROOT = Path(__file__).resolve().parents[1]
STALE_AFTER = 2  # seconds: runs beat every half second
SECRET = "multi-server-test-secret-shared-by-every-process"

pytestmark = pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").split(":", 1)[0] not in ("postgres", "postgresql"),
    reason="several servers share one PostgreSQL database; on SQLite (DATABASE_URL unset) "
    "the install is one machine and the test database is in one process's memory",
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(condition, *, seconds: float, what: str, logs: Path):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    text = "\n".join(f"== {p.name}\n{p.read_text()[-3000:]}" for p in sorted(logs.glob("*.log")))
    raise AssertionError(f"gave up waiting for {what}; logs:\n{text}")


class Cluster:
    """Processes on the test database; every one still running is killed at the end."""

    def __init__(self, database: dict, tmp_path: Path):
        self.logs = tmp_path / "logs"
        self.logs.mkdir()
        self.mail_dir = tmp_path / "mail"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.worker_settings",
            "CIODISPATCH_TEST_DATABASE": json.dumps(database),
            "SECRET_KEY": SECRET,
            "DEBUG": "false",
            "DEMO_MODE": "false",
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_COOKIES": "false",  # plain http between the test and the servers
            "PRIVATE_MEDIA_ROOT": str(tmp_path / "shared-volume"),
            "CIODISPATCH_VAR_DIR": str(tmp_path / "var"),
            "STATIC_MANIFEST": "true",
            "TASK_STALE_AFTER_SECONDS": str(STALE_AFTER),
            "WORKER_SEEN_WITHIN_SECONDS": "4",
            "WEB_CONCURRENCY": "1",
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(self.mail_dir),
            "LOG_FORMAT": "json",
        }
        self.processes: list[subprocess.Popen] = []

    def _start(self, name: str, command: list[str], **env: str) -> subprocess.Popen:
        with (self.logs / f"{name}.log").open("ab") as out:
            # A session of its own: stopping kills the whole group (gunicorn's web processes
            # would outlive their master).
            process = subprocess.Popen(
                command, cwd=ROOT, env={**self.env, **env}, stdout=out,
                stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        self.processes.append(process)
        return process

    def manage(self, *arguments: str) -> list[str]:
        return [sys.executable, "-c", "from ciodispatch.manage import main; main()", *arguments]

    def collect_static(self) -> None:
        subprocess.run(
            self.manage("collectstatic", "--no-input", "-v0"), cwd=ROOT, env=self.env,
            check=True, timeout=120,
        )  # fmt: skip

    def server(self, name: str) -> str:
        port = free_port()
        command = [
            sys.executable, "-m", "gunicorn", "-c", "python:ciodispatch.core.gunicorn_conf",
            "ciodispatch.wsgi:application",
        ]  # fmt: skip
        self._start(name, command, HOST="127.0.0.1", PORT=str(port))
        base = f"http://127.0.0.1:{port}"

        def answers():
            try:
                return requests.get(f"{base}/healthz", timeout=2).status_code == 200
            except requests.RequestException:  # not listening yet, or still loading
                return False

        wait_for(answers, seconds=60, what=f"{name} to answer /healthz", logs=self.logs)
        return base

    def worker(self, name: str) -> subprocess.Popen:
        options = ("--no-reload", "--no-startup-delay", "--interval", "0.1", "--worker-id", name)
        return self._start(name, self.manage("db_worker", *options))

    def command(self, name: str, *arguments: str) -> subprocess.Popen:
        return self._start(name, self.manage(*arguments))

    def stop(self) -> None:
        for process in self.processes:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        for process in self.processes:
            process.wait(timeout=30)


@pytest.fixture
def cluster(transactional_db, tmp_path, settings):
    settings.TASK_STALE_AFTER_SECONDS = STALE_AFTER
    # The servers check passwords with the project's hashers, not the tests' fast one.
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS
    load_registry()
    started = Cluster(dict(connection.settings_dict), tmp_path)
    try:
        yield started
    finally:
        started.stop()  # before the test database is emptied


def hidden_inputs(html: str) -> dict[str, str]:
    fields = {}
    for tag in re.findall(r"<input[^>]*type=\"hidden\"[^>]*>", html):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name:
            fields[name.group(1)] = value.group(1) if value else ""
    return fields


def sign_in(base: str, username: str) -> requests.Session:
    browser = requests.Session()
    page = browser.get(f"{base}/accounts/login/", timeout=20)
    fields = hidden_inputs(page.text) | {"username": username, "password": PASSWORD}
    response = browser.post(
        f"{base}/accounts/login/", data=fields, allow_redirects=False, timeout=20
    )
    assert response.status_code == 302, response.text[:2000]
    return browser


def test_a_user_continues_on_the_other_server_and_an_upload_is_served_by_both(cluster):
    cluster.collect_static()
    first, second = cluster.server("web-1"), cluster.server("web-2")
    app = candidates.application_of(new_candidate("two-servers"))

    # Signed in through the first server; the second knows the session (the database's).
    on_first = sign_in(first, "two-servers")
    on_second = requests.Session()
    on_second.cookies.update({"sessionid": on_first.cookies["sessionid"]})
    page = on_second.get(f"{second}/candidates/application/", allow_redirects=False, timeout=20)
    assert page.status_code == 200
    assert "two-servers" in page.text or "佐藤" in page.text
    anonymous = requests.get(f"{second}/candidates/application/", allow_redirects=False)
    assert anonymous.status_code == 302  # the page is not open to anyone

    # The CV is uploaded through the second server and downloaded from the first.
    form = on_second.get(f"{second}/candidates/application/documents/", timeout=20)
    cv = minimal_pdf()
    response = on_second.post(
        f"{second}/candidates/application/documents/",
        data=hidden_inputs(form.text),
        files={"cv": ("cv.pdf", cv, "application/pdf")},
        allow_redirects=False,
        timeout=20,
    )
    assert response.status_code == 302, response.text[:2000]
    app.refresh_from_db()
    assert app.cv
    download = on_first.get(f"{first}/candidates/applications/{app.pk}/cv/", timeout=20)
    assert download.status_code == 200 and download.content == cv

    # Static files come hashed, with far-future caching, from either server.
    home = requests.get(f"{first}/", timeout=20).text
    stylesheet = re.search(r'href="(/static/core/app\.[0-9a-f]{12}\.css)"', home).group(1)
    for base in (first, second):
        static = requests.get(f"{base}{stylesheet}", timeout=20)
        assert static.status_code == 200
        max_age = int(re.search(r"max-age=(\d+)", static.headers["Cache-Control"]).group(1))
        assert max_age >= 365 * 24 * 3600 and "immutable" in static.headers["Cache-Control"]

    # No worker yet: neither server is ready; then one starts, and both are.
    assert requests.get(f"{first}/readyz", timeout=20).json()["failed"] == ["worker"]
    cluster.worker("worker-1")
    for base in (first, second):
        wait_for(
            lambda base=base: requests.get(f"{base}/readyz", timeout=20).status_code == 200,
            seconds=30, what="readiness once a worker beats", logs=cluster.logs,
        )  # fmt: skip


def ranked_round(personas, monkeypatch):
    """A small round whose rankings are in and closed (the run phase)."""
    setup = build_round(personas, monkeypatch, extra_candidates=1)
    rounds.save_candidate_ranking(
        setup.round, [setup.ureshino.pk, setup.shingu.pk], actor=personas.candidate2
    )
    to_hosts_phase(setup, personas)
    rounds.save_host_ranking(setup.ureshino, [setup.app2.pk], actor=personas.host2)
    rounds.advance(setup.round, MatchRound.Phase.RUN, actor=personas.office)
    return setup.round


def test_a_run_is_executed_once_though_two_workers_poll(cluster, client, monkeypatch):
    for name in ("worker-1", "worker-2"):
        cluster.worker(name)
    personas = make_personas()
    match_round = ranked_round(personas, monkeypatch)
    wait_for(
        lambda: WorkerHeartbeat.objects.count() == 2, seconds=60, what="both workers",
        logs=cluster.logs,
    )  # fmt: skip

    verified_client(client, personas.office)  # as the office's page does
    assert client.post(f"/matching/office/rounds/{match_round.pk}/run/").status_code == 302
    run = match_round.runs.get()
    wait_for(
        lambda: MatchRun.objects.filter(pk=run.pk, status=MatchRun.Status.SUCCEEDED).exists(),
        seconds=60, what="the run to finish", logs=cluster.logs,
    )  # fmt: skip
    time.sleep(1)  # both workers poll ten times a second meanwhile
    task = DBTaskResult.objects.get(id=run.task_id)
    assert len(task.worker_ids) == 1 and task.worker_ids[0] in ("worker-1", "worker-2")
    assert DBTaskResult.objects.count() == 1
    events = Counter(
        AuditEvent.objects.filter(object_id=str(run.pk), action__startswith="matchround.matchrun")
        .values_list("action", flat=True)
    )  # fmt: skip
    assert events == {"matchround.matchrun.running": 1, "matchround.matchrun.succeeded": 1}
    match_round.refresh_from_db()
    assert match_round.phase == MatchRound.Phase.REVIEW
    assert match_round.runs.count() == 1


def _messages(mail_dir: Path) -> list[email.message.Message]:
    """Every message the file backend wrote (a file per connection, separated by dashes)."""
    messages = []
    for path in sorted(mail_dir.glob("*.log")):
        for chunk in path.read_text().split("\n" + "-" * 79 + "\n"):
            if chunk.strip():
                messages.append(email.message_from_string(chunk.strip()))
    return messages


def test_daily_jobs_started_on_two_machines_at_once_mail_once(cluster, monkeypatch):
    personas = make_personas()
    running = dispatch_at(personas, monkeypatch, "active", started_days_ago=100)
    starting = dispatch_at(
        personas, monkeypatch, "confirmed", started_days_ago=0, fiscal_year=today().year + 1
    )
    overdue = progress_queries.overdue_items(running, today())
    assert len(overdue) >= 2

    # The CIO's next report falls due on a day; the deadline reminders are run for the day
    # before it, so each machine finds that reminder due.
    report_due = KINDS["progress.report_due"].pending(running.application.user, today())
    assert report_due is not None and report_due.due is not None
    eve = (report_due.due - dt.timedelta(days=1)).isoformat()
    jobs = {
        "progress_reminders": (),
        "dispatches_daily": (),
        "expire_certifications": (),
        "send_deadline_reminders": ("--date", eve),
    }
    processes = {
        f"{job}-{machine}": cluster.command(f"{job}-{machine}", job, *arguments)
        for job, arguments in jobs.items()
        for machine in (1, 2)
    }
    for name, process in processes.items():
        assert process.wait(timeout=120) == 0, (cluster.logs / f"{name}.log").read_text()

    # Each overdue item: one reminder row, and one mail per address.
    rows = ReminderSent.objects.filter(dispatch=running)
    assert sorted(rows.values_list("item", flat=True)) == sorted(i.key for i in overdue)
    messages = _messages(cluster.mail_dir)
    sent = Counter((m["To"], m["Subject"]) for m in messages)
    assert sent and max(sent.values()) == 1, sent.most_common(3)
    reminders = sum(rows.values_list("recipients", flat=True))
    starting.refresh_from_db()
    assert starting.state == Dispatch.State.ACTIVE
    started = AuditEvent.objects.filter(
        action="dispatches.dispatch.active", object_id=str(starting.pk)
    )
    assert started.count() == 1
    # The deadline reminder: one row, one notice, one mail, though both machines ran the job.
    deadline = DeadlineReminder.objects.filter(user=running.application.user)
    assert deadline.count() == 1 and deadline.get().stage == DeadlineReminder.Stage.DAY_BEFORE
    cio_notices = Notice.objects.filter(recipient=running.application.user)
    assert cio_notices.filter(kind="notices.due_tomorrow").count() == 1
    # Every message is a reminder or the start notice (one per address of that dispatch).
    notices = len(messages) - reminders - DeadlineReminder.objects.count()
    assert 1 <= notices <= 4, (len(messages), reminders)


def test_a_worker_killed_mid_run_leaves_it_for_the_office_to_retry(cluster, client, monkeypatch):
    workers = {name: cluster.worker(name) for name in ("worker-1", "worker-2")}
    # A programme-sized round (written in bulk), so that the worker is still at work (it
    # freezes the snapshot, then solves) when it is killed.
    built = build_national_round(posts=1_000, candidates=12_000, prefix="multi")
    match_round, office = built.round, built.office
    run = rounds.start_run(match_round, actor=office)
    begun = wait_for(
        lambda: MatchRun.objects.filter(pk=run.pk, status=MatchRun.Status.RUNNING).first(),
        seconds=60, what="a worker to start the run", logs=cluster.logs,
    )  # fmt: skip
    wait_for(
        lambda: MatchRun.objects.get(pk=run.pk).heartbeat_at > begun.heartbeat_at,
        seconds=20, what="a heartbeat", logs=cluster.logs,
    )  # fmt: skip
    (taker,) = DBTaskResult.objects.get(id=begun.task_id).worker_ids
    other = next(name for name in workers if name != taker)
    workers[taker].send_signal(signal.SIGKILL)
    assert workers[taker].wait(timeout=10) == -signal.SIGKILL
    assert workers[other].poll() is None  # the other worker goes on polling

    # The dead worker's run stays "running" until its silence passes the stale interval ...
    run.refresh_from_db()
    assert run.status == MatchRun.Status.RUNNING
    stale_at = run.heartbeat_at + dt.timedelta(seconds=STALE_AFTER)
    time.sleep(max(0.0, (stale_at - timezone.now()).total_seconds()) + 0.2)
    # ... then the office's round page shows it failed, with the reason, and runs it again.
    verified_client(client, office)
    page = client.get(f"/matching/office/rounds/{match_round.pk}/").content.decode()
    run.refresh_from_db()
    assert run.status == MatchRun.Status.FAILED and run.worker_lost_at is not None
    assert "もう一度実行できます" in page
    assert client.post(f"/matching/office/rounds/{match_round.pk}/run/").status_code == 302
    again = match_round.runs.exclude(pk=run.pk).get()
    wait_for(
        lambda: MatchRun.objects.filter(pk=again.pk, status=MatchRun.Status.SUCCEEDED).exists(),
        seconds=60, what="the run again, on the other worker", logs=cluster.logs,
    )  # fmt: skip
    assert DBTaskResult.objects.get(id=again.task_id).worker_ids == [other]
    match_round.refresh_from_db()
    assert match_round.phase == MatchRound.Phase.REVIEW
