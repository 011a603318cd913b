"""The incentives demo over a couple of dispatches built with the dispatches helpers."""

import pytest

from ciodispatch.demo.incentives import load_incentives_demo
from ciodispatch.incentives import queries
from ciodispatch.incentives.models import IncentiveClaim, IncentiveRule, ProgrammeBudget
from tests.dispatches.helpers import dispatch_at, today
from tests.incentives.helpers import fy

pytestmark = pytest.mark.django_db


def test_demo_files_claims_and_sets_a_budget_70_percent_committed(personas, monkeypatch):
    dispatches = [
        dispatch_at(personas, monkeypatch, "active", started_days_ago=200, fiscal_year=2040 + i)
        for i in range(3)
    ]
    dispatches.append(dispatch_at(personas, monkeypatch, "completed", fiscal_year=2050))
    assert all(d.started_on for d in dispatches)
    done = load_incentives_demo(office=personas.office, office_admin=personas.office_admin)
    assert len(done) == 3, done
    assert IncentiveRule.objects.filter(fiscal_year=fy() - 1).count() == 2
    states = list(IncentiveClaim.objects.order_by("pk").values_list("state", flat=True))
    # The plan's first four, and the first dispatch's double claim rejected.
    assert states == ["paid", "rejected", "submitted", "approved", "draft"]
    adjusted = IncentiveClaim.objects.order_by("pk")[3]
    assert adjusted.approved_yen < adjusted.computed_yen and adjusted.adjustment_reason
    summary = queries.budget_summary(fy(), today())
    budget = ProgrammeBudget.objects.get(fiscal_year=fy()).amount_yen
    assert budget % 100_000 == 0
    assert 0.68 < summary.committed / budget <= 0.7
    assert load_incentives_demo(office=personas.office, office_admin=personas.office_admin) == [
        "incentives: already loaded"
    ]
