import pytest

from ciodispatch.accounts.models import User
from ciodispatch.demo.services import DemoRefused, load_demo


def test_demo_is_refused_outside_demo_mode(registry, settings):
    settings.DEMO_MODE = False
    with pytest.raises(DemoRefused):
        load_demo(candidates=12)
    assert not User.objects.exists()


def test_demo_builds_the_accounts_of_the_readme_and_can_run_twice(
    client, registry, settings, django_capture_on_commit_callbacks
):
    settings.DEMO_MODE = True
    with django_capture_on_commit_callbacks(execute=True):  # as the command commits
        load_demo(candidates=30)
    # The candidates the demo erases have no CV left in storage; the others keep theirs.
    from pathlib import Path

    from ciodispatch.candidates.models import Application

    stored = {p.name for p in Path(settings.MEDIA_ROOT).rglob("cv-*.pdf")}
    erased = Application.objects.filter(erased_at__isnull=False)
    assert erased.exists()
    assert not stored & {f"cv-{pk}.pdf" for pk in erased.values_list("pk", flat=True)}
    assert stored == {
        name.rsplit("/", 1)[-1]
        for name in Application.objects.exclude(cv="").values_list("cv", flat=True)
    }
    load_demo(candidates=30)
    roles = dict(
        User.objects.exclude(username__startswith="demo-")
        .exclude(username__startswith="erased-")
        .values_list("username", "role")
    )
    assert roles == {
        "office": "office_officer",
        "office-admin": "office_admin",
        "reviewer": "reviewer",
        "reviewer2": "reviewer",
        "candidate1": "candidate",
        "candidate2": "candidate",
        "host1": "host_liaison",
        "host1-head": "host_head",
        "host2": "host_liaison",
        "host2-head": "host_head",
        "pref1": "prefecture_coordinator",
    }
    assert User.objects.get(username="host1").local_government.code == "412040"
    assert User.objects.get(username="host2").local_government.code == "412091"
    assert User.objects.get(username="pref1").local_government.code == "410004"
    # The README's sign-in: demo password, then the documented backup code for the office.
    client.post("/accounts/login/", {"username": "office", "password": "cio-demo-2026"})
    assert client.post("/accounts/two-factor/", {"token": "20261126"}).status_code == 302
    assert client.get("/audit/").status_code == 200
    # candidate1 mid-application, candidate2 certified, the rest in every state.
    from ciodispatch.candidates.models import Application

    assert Application.objects.get(user__username="candidate1").state == "draft"
    assert Application.objects.get(user__username="candidate2").state == "certified"
    states = set(Application.objects.values_list("state", flat=True))
    assert states == set(Application.State.values)
    # Requests: 多久市 returned and filed again (awaiting its mayor), 嬉野市 not eligible on
    # readiness alone, the joint request awaiting a member, and the others in every state.
    from ciodispatch.requests.models import DispatchRequest, RequestRound

    this_year = RequestRound.objects.order_by("-fiscal_year").first()
    taku = DispatchRequest.objects.get(host__code="412040", request_round=this_year)
    assert taku.state == "submitted" and taku.committed_at is None and taku.office_comment
    assert taku.submitted_at.date() <= this_year.requests_close
    ureshino = DispatchRequest.objects.get(host__code="412091")
    assert ureshino.state == "not_eligible"
    assert [c["key"] for c in ureshino.eligibility if not c["passed"]] == ["readiness"]
    assert DispatchRequest.objects.get(group__isnull=False).state == "submitted"
    assert set(DispatchRequest.objects.values_list("state", flat=True)) == set(
        DispatchRequest.State.values
    ) - {"committed"}
    assert DispatchRequest.objects.count() >= 40
    # Matching: last year's round published (a 関東 cap that binds), this year's open for
    # candidates; candidate2 took part last year and is free to rank this year.
    from ciodispatch.matchround import queries, services
    from ciodispatch.matchround.models import MatchRound

    last, current = MatchRound.objects.order_by("request_round__fiscal_year")
    assert last.phase == "published" and current.phase == "candidates_rank"
    assert last.region_caps["kanto"] < last.posts.filter(region="kanto").count()
    assert last.published_run.result["checks"]["stable"]
    assert last.dispatches.filter(replaces__isnull=True).count() == (
        queries.review(last.published_run).matched
    )
    candidate2 = Application.objects.get(user__username="candidate2")
    assert queries.candidate_result(last, candidate2) is not None
    assert services.unavailable_reason(current, candidate2) == ""
    assert current.candidate_rankings.count() > 0
    # Dispatches: last round's through their term; candidate2 serves 多久市 after its matched
    # CIO declined; two finished dispatches evaluated, one drafted as a case.
    from ciodispatch.dispatches.models import Dispatch, Extension
    from ciodispatch.knowhow.models import Case

    states = set(last.dispatches.values_list("state", flat=True))
    assert states == {"declined", "active", "extended", "completed", "ended_early"}
    mine = Dispatch.objects.get(application=candidate2)  # 多久市 in the full demo
    assert mine.state == "active" and mine.notice_number
    assert mine.term_end < current.request_round.dispatch_start
    declined = last.dispatches.filter(state="declined", replaced_by__isnull=False).get()
    assert declined.replaced_by.state == "active"  # 多久市's place in the full demo
    evaluated = Dispatch.objects.filter(evaluations__isnull=False).distinct()
    assert evaluated.count() == 2 and all(d.evaluations.count() == 3 for d in evaluated)
    assert Case.objects.filter(origin__startswith="dispatch:", state="draft").count() == 1
    assert Extension.objects.filter(state="requested").count() == 1
    _assert_work_waiting_for_each_demo_account()


def _assert_work_waiting_for_each_demo_account():
    """Each demo login has real work waiting (issue #14), at dates that agree."""
    import datetime as dt

    from django.utils import timezone

    from ciodispatch.candidates.models import Application
    from ciodispatch.dispatches.models import Dispatch, Extension
    from ciodispatch.incentives.models import IncentiveClaim
    from ciodispatch.matchround.models import MatchRound
    from ciodispatch.progress.models import report_due_for
    from ciodispatch.readiness.models import Assessment
    from ciodispatch.requests.models import DispatchRequest, RequestRound
    from ciodispatch.training.models import Enrolment

    today = timezone.localdate()
    this_year = RequestRound.objects.order_by("-fiscal_year").first()
    # office: requests to decide, applications in document review, one extension, claims.
    assert DispatchRequest.objects.filter(request_round=this_year, state="eligible").exists()
    assert Application.objects.filter(state="screening").exists()
    assert Extension.objects.filter(state="requested").count() == 1
    assert IncentiveClaim.objects.filter(state="submitted").exists()
    in_training = Application.objects.filter(state="training").values_list("user", flat=True)
    assert Enrolment.objects.filter(
        user__in=in_training, session__course__track="public_sector", state="completed"
    ).exists()
    # host1-head: 多久市's request waits for the mayor's commitment.
    head = User.objects.get(username="host1-head")
    waiting = DispatchRequest.objects.filter(
        host=head.local_government, state="submitted", committed_at__isnull=True
    )
    assert waiting.exists()
    # candidate2: certified last year (training first) before the round that placed them,
    # still valid, serving 多久市 with host1 as liaison.
    candidate2 = Application.objects.get(user__username="candidate2")
    mine = Dispatch.objects.get(application=candidate2)
    last = mine.match_round
    assert last is not None and last.phase == MatchRound.Phase.PUBLISHED
    trained = Enrolment.objects.filter(
        user=candidate2.user, session__course__track="public_sector", state="completed"
    )
    assert trained.exists()
    assert max(e.completed_at for e in trained) < candidate2.certified_at
    assert candidate2.certified_at.date() < last.candidates_rank_from
    assert candidate2.certified_until >= today
    assert mine.state == "active" and mine.request.host_id == "412040"
    assert mine.request.liaison.username == "host1"
    # No certified candidate was certified after the round that proposed them.
    for dispatch in Dispatch.objects.filter(match_round=last).select_related("application"):
        assert dispatch.application.certified_at.date() < last.candidates_rank_from
    assert not Application.objects.filter(state="expired", certified_until__gte=today).exists()
    # candidate2: last month's report (due on the 10th of this month) is still to file, and
    # nothing is reported on this month, which is not over.
    last_month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    assert report_due_for(mine, last_month) == today.replace(day=10)
    assert not mine.reports.filter(month=last_month, state="submitted").exists()
    assert not mine.reports.filter(month__gte=today.replace(day=1)).exists()
    # host1: the office's question on the latest report, not answered yet; a returned claim.
    latest = mine.reports.filter(state="submitted").order_by("-month").first()
    last_comment = latest.comments.order_by("-created_at").first()
    assert last_comment.side == "office" and last_comment.created_at <= timezone.now()
    from ciodispatch.progress.models import Comment

    on_reports = Comment.objects.filter(report__isnull=False).select_related("report")
    assert all(c.created_at >= c.report.submitted_at for c in on_reports)
    returned = IncentiveClaim.objects.filter(
        dispatch__request__host_id="412040", state="draft"
    ).exclude(decision_reason="")
    assert returned.exists()
    # pref1: a member of 佐賀県's group has no completed readiness assessment.
    from ciodispatch.localgov.models import LocalGovernmentGroup

    group = LocalGovernmentGroup.objects.get(lead__code="410004")
    assert any(
        not Assessment.objects.filter(local_government=m, state="submitted").exists()
        for m in group.members.all()
    )
