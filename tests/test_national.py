"""The national-size loader at a small scale, and the invariant checks over it and the demo."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ciodispatch.demo.invariants import (
    check_all,
    check_claims,
    check_progress,
    check_rankings,
    check_search_index,
    check_states,
)


@pytest.fixture
def loaded(registry, settings):
    from ciodispatch.demo.national import load_national
    from ciodispatch.demo.services import load_demo

    settings.DEMO_MODE = True
    load_demo(candidates=30)
    # The ordinary demo, through the services, passes the checks before any bulk row exists.
    assert check_all() == []
    return load_national(factor=0.01, log=lambda line: None)


def test_small_national_scale_satisfies_every_invariant_and_corrupted_rows_fail(loaded):
    from ciodispatch.dispatches.models import Dispatch
    from ciodispatch.incentives.models import IncentiveClaim
    from ciodispatch.knowhow.models import SearchEntry
    from ciodispatch.matchround.models import MatchRound

    assert any("round FY" in line for line in loaded)
    assert MatchRound.objects.filter(phase="published").count() >= 4  # three national + demo
    assert Dispatch.objects.filter(application__user__username__startswith="nat-").count() > 50
    assert IncentiveClaim.objects.filter(state="paid").exists()
    assert SearchEntry.objects.count() >= 1000
    assert check_all() == []
    call_command("check_invariants")  # exits cleanly
    # The checks can fail: one corrupted row each (one test, as loading takes a while).
    from ciodispatch.progress.models import MonthlyReport

    claim = IncentiveClaim.objects.filter(state="paid").first()
    IncentiveClaim.objects.filter(pk=claim.pk).update(computed_yen=claim.computed_yen + 1)
    assert check_claims() == [f"claim amount differs from its calculation: {claim.pk}"]
    report = MonthlyReport.objects.select_related("dispatch").first()
    late = report.dispatch.term_end.replace(day=1)
    MonthlyReport.objects.filter(pk=report.pk).update(month=late.replace(year=late.year + 1))
    assert f"monthly report outside the term: {report.pk}" in check_progress()
    from ciodispatch.knowhow.models import Case
    from ciodispatch.matchround.models import CandidateRanking

    case = Case.objects.filter(origin="national-demo").first()
    Case.objects.filter(pk=case.pk).update(state="withdrawn")  # by hand: no audit event
    assert f"knowhow.case in withdrawn without its audit event: {case.pk}" in check_states()
    assert f"search entry of a document not published: case {case.pk}" in check_search_index()
    ranking = CandidateRanking.objects.filter(application__user__username__startswith="nat-")[0]
    CandidateRanking.objects.filter(pk=ranking.pk).update(posts=ranking.posts + ranking.posts[:1])
    assert any(p.startswith("ranking of more than 20 or repeated") for p in check_rankings())
    with pytest.raises(CommandError, match="invariant"):
        call_command("check_invariants")


def test_load_demo_refuses_a_factor_out_of_range(db):
    with pytest.raises(CommandError, match="between 0"):
        call_command("load_demo", "--factor", "2")
    with pytest.raises(CommandError, match="between 0"):
        call_command("load_demo", "--scale", "national", "--factor", "0")
