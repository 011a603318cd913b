import pytest

from ciodispatch.demo.progress import load_progress_demo, write_history
from ciodispatch.dispatches import services as dispatches
from ciodispatch.progress import queries
from ciodispatch.progress.models import ActionPlan, KPIMeasurement, MonthlyReport, SmallWin
from tests.dispatches.helpers import dispatch_at

pytestmark = pytest.mark.django_db


def test_demo_on_a_running_and_a_finished_dispatch(personas, monkeypatch):
    running = dispatch_at(personas, monkeypatch, "active", started_days_ago=200)
    # A six-month term that ended last week: its history is written while it runs, then it
    # completes (as the dispatches demo does).
    finished = dispatch_at(
        personas,
        monkeypatch,
        "active",
        started_days_ago=190,
        months=6,
        fiscal_year=running.request.request_round.fiscal_year + 1,
    )
    counts = write_history(finished, office=personas.office, last_day=finished.end_date)
    assert counts["plans"] == 1
    dispatches.complete(finished, actor=personas.host1)
    done = load_progress_demo(office=personas.office)
    assert done[0].startswith("progress: 1 action plans")
    assert ActionPlan.objects.filter(state="submitted").count() == 2
    assert MonthlyReport.objects.filter(dispatch=running).count() >= 5
    assert SmallWin.objects.exists()
    # start and mid for the running one (past half its term? 200 days of 365: yes), plus end
    # for the finished one.
    assert set(KPIMeasurement.objects.filter(dispatch=running).values_list("point", flat=True)) == {
        "start",
        "mid",
    }
    assert set(
        KPIMeasurement.objects.filter(dispatch=finished).values_list("point", flat=True)
    ) == {"start", "mid", "end"}
    finished.refresh_from_db()
    assert finished.state == "completed"
    assert queries.programme_outcomes()["kpis_measured"] == 2
    assert load_progress_demo(office=personas.office) == ["progress: already loaded"]
