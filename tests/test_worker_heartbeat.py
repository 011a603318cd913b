"""Background runs whose worker stopped: when they count as stopped, what is written, where
it is found. (tests/matchround/test_worker_recovery.py kills a real worker process.)"""

import datetime as dt
import time

import pytest
from django.core.management import call_command
from django.utils import timezone

from ciodispatch.audit.models import AuditEvent
from ciodispatch.core import heartbeat
from ciodispatch.localgov.models import RegistryImport
from ciodispatch.localgov.services import execute_registry_import, request_registry_import
from ciodispatch.matchround import services
from ciodispatch.matchround.models import MatchRound, MatchRun
from tests.conftest import verified_client
from tests.matchround.helpers import build_round, to_hosts_phase

STALE = dt.timedelta(seconds=120)


@pytest.fixture
def ranked(personas, monkeypatch):
    setup = build_round(personas, monkeypatch)
    services.save_candidate_ranking(setup.round, [setup.ureshino.pk], actor=personas.candidate2)
    to_hosts_phase(setup, personas)
    services.advance(setup.round, MatchRound.Phase.RUN, actor=personas.office)
    return setup


def running_run(ranked, personas, *, silent_for: dt.timedelta) -> MatchRun:
    """A run a worker started and then stopped beating ``silent_for`` ago."""
    run = services.start_run(ranked.round, actor=personas.office)
    last_beat = timezone.now() - silent_for
    MatchRun.objects.filter(pk=run.pk).update(
        status=MatchRun.Status.RUNNING, started_at=last_beat, heartbeat_at=last_beat
    )
    return MatchRun.objects.get(pk=run.pk)


def test_a_run_that_beat_within_the_interval_is_left_running(ranked, personas):
    run = running_run(ranked, personas, silent_for=STALE - dt.timedelta(seconds=5))
    assert services.fail_stalled_runs(ranked.round) == 0
    run.refresh_from_db()
    assert run.status == MatchRun.Status.RUNNING
    with pytest.raises(services.MatchRoundError, match="under way"):
        services.start_run(ranked.round, actor=personas.office)


def test_a_silent_run_is_failed_with_the_reason_and_audited(ranked, personas):
    run = running_run(ranked, personas, silent_for=STALE + dt.timedelta(seconds=5))
    assert services.fail_stalled_runs(ranked.round) == 1
    run.refresh_from_db()
    assert run.status == MatchRun.Status.FAILED
    assert run.worker_lost_at is not None and run.finished_at == run.worker_lost_at
    local = timezone.localtime(run.heartbeat_at).strftime("%Y-%m-%d %H:%M:%S")
    assert run.worker_lost_message == (
        f"The worker stopped while running this (last sign of life at {local}); "
        "you can run it again."
    )
    event = AuditEvent.objects.get(action="matchround.matchrun.failed", object_id=str(run.pk))
    assert event.actor_label == "system"
    assert event.changes["status"] == ["running", "failed"]
    assert local in event.reason  # in the office's language (Japanese)
    assert services.fail_stalled_runs(ranked.round) == 0  # once


def test_asking_to_run_again_fails_the_silent_run_first(ranked, personas):
    stuck = running_run(ranked, personas, silent_for=STALE + dt.timedelta(seconds=5))
    again = services.start_run(ranked.round, actor=personas.office)
    stuck.refresh_from_db()
    assert stuck.status == MatchRun.Status.FAILED
    assert again.status == MatchRun.Status.QUEUED
    assert services.execute_run(again.pk).status == MatchRun.Status.SUCCEEDED


def test_a_worker_that_finishes_after_being_failed_does_not_overturn_it(ranked, personas):
    run = services.start_run(ranked.round, actor=personas.office)

    def slow_solve(*args, **kwargs):
        # The worker is alive but silent (say, its database was unreachable) for longer
        # than the interval; meanwhile the office's page fails the run.
        MatchRun.objects.filter(pk=run.pk).update(heartbeat_at=timezone.now() - 2 * STALE)
        assert services.fail_stalled_runs(ranked.round) == 1
        return solve(*args, **kwargs)

    from ciodispatch import matching

    solve = matching.solve
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(matching, "solve", slow_solve)
        finished = services.execute_run(run.pk)
    assert finished.status == MatchRun.Status.FAILED and finished.worker_lost_at
    assert finished.result is None
    ranked.round.refresh_from_db()
    assert ranked.round.phase == MatchRound.Phase.RUN


def test_a_queued_run_whose_task_was_never_queued_is_failed(ranked, personas):
    run = services.start_run(ranked.round, actor=personas.office)  # its on_commit never runs
    MatchRun.objects.filter(pk=run.pk).update(requested_at=timezone.now() - 2 * STALE)
    assert services.fail_stalled_runs(ranked.round) == 1
    run.refresh_from_db()
    assert run.status == MatchRun.Status.FAILED and run.heartbeat_at is None
    assert run.worker_lost_message.startswith("The worker stopped before it started this")


def test_a_queued_run_whose_task_waits_in_the_queue_is_not_failed(
    ranked, personas, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run = services.start_run(ranked.round, actor=personas.office)
    MatchRun.objects.filter(pk=run.pk).update(requested_at=timezone.now() - 2 * STALE)
    assert services.fail_stalled_runs(ranked.round) == 0  # its task is READY


def test_the_round_page_shows_the_reason_and_offers_to_run_again(client, ranked, personas):
    run = running_run(ranked, personas, silent_for=STALE + dt.timedelta(seconds=5))
    verified_client(client, personas.office)
    page = client.get(f"/matching/office/rounds/{ranked.round.pk}/").content.decode()
    assert "実行中にバックグラウンド処理が停止しました" in page
    assert f'action="/matching/office/rounds/{ranked.round.pk}/run/"' in page
    status = client.get(f"/matching/office/runs/{run.pk}/status/").json()
    assert status["status"] == "failed" and status["done"]


def test_a_silent_registry_import_is_failed_when_its_page_is_read(client, personas):
    run = request_registry_import(actor=personas.office)
    last_beat = timezone.now() - STALE - dt.timedelta(seconds=5)
    RegistryImport.objects.filter(pk=run.pk).update(
        status=RegistryImport.Status.RUNNING, heartbeat_at=last_beat
    )
    verified_client(client, personas.office)
    client.cookies["django_language"] = "en"
    page = client.get("/local-governments/imports/").content.decode()
    run.refresh_from_db()
    assert run.status == RegistryImport.Status.FAILED
    assert "The worker stopped while running this" in page
    assert AuditEvent.objects.filter(
        action="localgov.registryimport.failed", object_id=str(run.pk), actor_label="system"
    ).exists()
    assert execute_registry_import(run.pk).status == RegistryImport.Status.FAILED  # stays


def test_the_command_fails_every_kind_of_silent_run(ranked, personas, capsys):
    running_run(ranked, personas, silent_for=STALE + dt.timedelta(seconds=5))
    call_command("fail_stalled_runs")
    assert "matchround.MatchRun: 1 failed" in capsys.readouterr().out


@pytest.mark.django_db(transaction=True)
def test_the_worker_beats_while_the_task_holds_its_thread(settings):
    settings.TASK_STALE_AFTER_SECONDS = 1  # a beat every quarter second
    run = RegistryImport.objects.create(source="test", status=RegistryImport.Status.RUNNING)
    first = timezone.now()
    RegistryImport.objects.filter(pk=run.pk).update(heartbeat_at=first)
    with heartbeat.beating(run):
        time.sleep(1.5)  # longer than the interval: without beats it would look stopped
        run.refresh_from_db()
        assert run.heartbeat_at > first
        assert heartbeat.fail_stalled(RegistryImport.objects.all()) == 0
