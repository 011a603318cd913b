"""The batch forms of a candidate's availability agree with the single forms, on a round with
every kind of unavailability, and the round's snapshot leaves out exactly what the single
forms rule out (the snapshot reads everything in batches)."""

import datetime as dt

import pytest

from ciodispatch.candidates import availability
from ciodispatch.candidates.models import Application
from ciodispatch.dispatches.models import Dispatch
from ciodispatch.dispatches.services import decline, propose
from ciodispatch.matchround import services
from ciodispatch.matchround.models import CandidateRanking, MatchRound
from tests.candidates.helpers import new_candidate, submitted_application
from tests.matchround.helpers import build_round, certify, second_reviewer


@pytest.fixture
def mixed(personas, monkeypatch):
    """Candidates of every standing; each ranks all three posts.

    app2: a current affiliation with 富士通株式会社 (多久市 uses 富士通): a conflict.
    extras: 0 free; 1 certification lapsed; 2 on a dispatch of another round past the start;
    3 on a dispatch ending before the start; 4 a declined proposal; 5 a dispatch of this very
    round; 6 an affiliation with ＮＥＣ (full-width; 嬉野市 uses NEC) that ended in 2015;
    7 a current one with ＮＥＣ; plus one whose application is only submitted.
    """
    reviewer = second_reviewer(personas)
    setup = build_round(personas, monkeypatch, extra_candidates=6, reviewer=reviewer)
    for i in (6, 7):
        setup.extras.append(
            certify(
                personas, new_candidate(f"nec{i}"), monkeypatch, reviewer,
                vendors=("ＮＥＣ",), email=f"nec{i}@x.jp",
            )
        )  # fmt: skip
    extras = setup.extras
    Application.objects.filter(pk=extras[1].pk).update(certified_until=dt.date(2020, 3, 31))
    taku = setup.requests[0]  # starts when this round's dispatches start, for 24 months
    propose(request=taku, application=extras[2], actor=personas.office)
    ended = propose(request=taku, application=extras[3], actor=personas.office)
    start = setup.request_round.dispatch_start
    Dispatch.objects.filter(pk=ended.pk).update(
        start_date=start.replace(year=start.year - 2), end_date=start - dt.timedelta(days=1)
    )
    declined = propose(request=taku, application=extras[4], actor=personas.office)
    decline(declined, actor=extras[4].user, reason="家庭の事情")
    propose(request=taku, application=extras[5], match_round=setup.round, actor=personas.office)
    extras[6].vendor_affiliations.update(end_date=dt.date(2015, 3, 31))
    setup.submitted = submitted_application(new_candidate("only-submitted"))
    post_ids = [setup.taku.pk, setup.ureshino.pk, setup.shingu.pk]
    for application in [setup.app2, *extras, setup.submitted]:
        CandidateRanking.objects.create(
            match_round=setup.round, application=application, posts=post_ids
        )
    setup.everyone = [setup.app2, *extras, setup.submitted]
    return setup


def test_batch_and_single_forms_agree(mixed):
    round_ = mixed.round
    everyone = Application.objects.filter(pk__in=[a.pk for a in mixed.everyone])
    starts = round_.request_round.dispatch_start
    busy = availability.busy_until_all(everyone, excluding_round_id=round_.pk)
    busy_any = availability.busy_until_all([a.pk for a in mixed.everyone])
    reasons = availability.unavailable_reasons(
        everyone, starts=starts, excluding_round_id=round_.pk
    )
    round_reasons = services.unavailable_reasons(round_, everyone)
    certified = availability.participating_applications([a.user for a in mixed.everyone])
    requests = [mixed.taku.request, mixed.ureshino.request, mixed.shingu.request]
    for application in everyone:
        single = availability.busy_until(application, excluding_round_id=round_.pk)
        assert busy.get(application.pk) == single
        assert busy_any.get(application.pk) == availability.busy_until(application)
        reason = availability.unavailable_reason(
            application, starts=starts, excluding_round_id=round_.pk
        )
        assert reasons.get(application.pk, "") == reason
        assert round_reasons.get(application.pk, "") == services.unavailable_reason(
            round_, application
        )
        own = availability.participating_application(application.user)
        assert certified.get(application.user_id) == own
        conflicts = availability.conflicting_vendors_by_request(
            application, requests, years=round_.conflict_years
        )
        for request in requests:
            expected = availability.conflicting_vendors(
                application, request, years=round_.conflict_years
            )
            assert conflicts.get(request.pk, []) == expected
    # ... and the fixture does hold every kind: the forms are not trivially equal.
    e = mixed.extras
    assert set(reasons) == {e[2].pk}
    assert set(busy) == {e[2].pk, e[3].pk}  # e[3]'s ends before the start: busy, available
    assert e[5].pk in busy_any and e[5].pk not in busy  # only this round's own dispatch
    assert e[4].pk not in busy_any  # declined
    assert set(certified) == {a.user_id for a in mixed.everyone} - {
        e[1].user_id,
        mixed.submitted.user_id,
    }
    with_conflict = {
        a.pk
        for a in everyone
        if availability.conflicting_vendors_by_request(a, requests, years=round_.conflict_years)
    }
    assert with_conflict == {mixed.app2.pk, e[7].pk}


def _reference_snapshot(match_round: MatchRound) -> dict:
    """The snapshot as the single forms give it, one candidate and one post at a time (the
    way it was built before the batch forms)."""
    posts = {p.pk: p for p in match_round.posts.select_related("request")}
    candidates = []
    for ranking in CandidateRanking.objects.filter(match_round=match_round).order_by(
        "application_id"
    ):
        application = ranking.application
        if availability.participating_application(application.user) is None:
            continue
        if services.unavailable_reason(match_round, application):
            continue
        entries = [
            f"p{pk}"
            for pk in ranking.posts
            if pk in posts
            and not availability.conflicting_vendors(
                application, posts[pk].request, years=match_round.conflict_years
            )
        ]
        candidates.append({"id": f"a{application.pk}", "ranking": entries})
    return {"candidates": candidates}


def test_the_snapshot_leaves_out_what_the_single_forms_rule_out(mixed):
    snapshot = services.build_snapshot(mixed.round)
    assert snapshot["candidates"] == _reference_snapshot(mixed.round)["candidates"]
    by_id = {c["id"]: c["ranking"] for c in snapshot["candidates"]}
    e = mixed.extras
    left_out = {a.pk for a in mixed.everyone} - {int(key[1:]) for key in by_id}
    assert left_out == {e[1].pk, e[2].pk, mixed.submitted.pk}
    assert mixed.taku.key not in by_id[f"a{mixed.app2.pk}"]
    assert mixed.ureshino.key not in by_id[f"a{e[7].pk}"]
    assert by_id[f"a{e[6].pk}"] == [mixed.taku.key, mixed.ureshino.key, mixed.shingu.key]


def test_the_snapshot_takes_a_fixed_number_of_queries(mixed, django_assert_num_queries):
    with django_assert_num_queries(6):
        services.build_snapshot(mixed.round)
