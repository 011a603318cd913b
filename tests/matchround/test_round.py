"""The matching round's rules: settings, phases, rankings, conflicts, runs, publication."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from ciodispatch.audit.models import AuditEvent
from ciodispatch.dispatches.models import Dispatch
from ciodispatch.matchround import queries, services
from ciodispatch.matchround.models import MatchRound, MatchRun
from ciodispatch.matchround.services import MatchRoundError
from tests.matchround.helpers import build_round, run_now, to_hosts_phase
from tests.requests.helpers import open_round

P = MatchRound.Phase


@pytest.fixture
def setup(personas, monkeypatch):
    return build_round(personas, monkeypatch)


def _dates(request_round, **overrides):
    close = request_round.requests_close
    return {
        "candidates_rank_from": close,
        "candidates_rank_until": close + dt.timedelta(days=5),
        "hosts_rank_until": close + dt.timedelta(days=10),
        "publish_on": close + dt.timedelta(days=15),
    } | overrides


# --- settings -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "fragment"),
    [
        ({"hosts_rank_until": None}, "dates in order"),
        ({"region_caps": {"atlantis": 2}}, "not a region"),
        ({"region_caps": {"kanto": -1}}, "whole number"),
        ({"prefecture_caps": {"48": 1}}, "not a prefecture"),
        ({"national_cap": -3}, "national cap"),
        ({"proposing": "both"}, "which side"),
        ({"conflict_years": 30}, "0 to 20"),
        ({"seed": -1}, "seed"),
    ],
)
def test_round_settings_are_refused_with_a_reason(personas, changes, fragment):
    request_round = open_round()
    values = _dates(request_round) | changes
    if values["hosts_rank_until"] is None:
        values["hosts_rank_until"] = values["candidates_rank_until"]
    with pytest.raises(MatchRoundError, match=fragment):
        services.configure_round(request_round, actor=personas.office, **values)
    assert not MatchRound.objects.exists()


def test_only_the_office_configures(personas):
    request_round = open_round()
    with pytest.raises(PermissionDenied):
        services.configure_round(request_round, actor=personas.host1, **_dates(request_round))


def test_settings_change_is_audited_and_a_seed_is_drawn(personas):
    request_round = open_round()
    match_round = services.configure_round(
        request_round, actor=personas.office, **_dates(request_round)
    )
    assert 0 <= match_round.seed < 2**53
    services.configure_round(
        request_round,
        actor=personas.office,
        **_dates(request_round),
        region_caps={"kyushu": 2},
        national_cap=10,
    )
    match_round.refresh_from_db()
    assert match_round.region_caps == {"kyushu": 2} and match_round.national_cap == 10
    event = AuditEvent.objects.filter(action="matchround.configure").get()
    assert event.changes["region_caps"] == {"kyushu": 2}


def test_ranking_cannot_open_without_approved_requests(personas):
    request_round = open_round()
    match_round = services.configure_round(
        request_round, actor=personas.office, **_dates(request_round)
    )
    with pytest.raises(MatchRoundError, match="approve requests"):
        services.open_candidate_ranking(match_round, actor=personas.office)
    assert match_round.phase == P.REQUESTS_OPEN


def test_approved_requests_become_posts(setup):
    assert setup.round.phase == P.CANDIDATES_RANK
    assert setup.round.posts.count() == 3
    assert setup.taku.prefecture_code == "41" and setup.taku.region == "kyushu"
    assert setup.shingu.prefecture_code == "40"


# --- candidates ---------------------------------------------------------------------------


def test_a_vendor_conflict_hides_the_post_and_refuses_ranking_it(setup, personas):
    allowed, hidden = services.visible_posts(setup.round, setup.app2)
    assert setup.taku not in allowed
    assert hidden == [(setup.taku, ["富士通"])]
    with pytest.raises(MatchRoundError, match="富士通"):
        services.save_candidate_ranking(setup.round, [setup.taku.pk], actor=personas.candidate2)


def test_an_old_affiliation_no_longer_conflicts(setup, personas):
    affiliation = setup.app2.vendor_affiliations.get()
    affiliation.end_date = dt.date(2015, 3, 31)
    affiliation.save()
    allowed, hidden = services.visible_posts(setup.round, setup.app2)
    assert setup.taku in allowed and not hidden


def test_candidate_ranking_is_saved_replaced_audited_and_withdrawn(setup, personas):
    ids = [setup.shingu.pk, setup.ureshino.pk]
    services.save_candidate_ranking(setup.round, ids, actor=personas.candidate2)
    assert services.candidate_ranking(setup.round, setup.app2) == ids
    services.save_candidate_ranking(setup.round, ids[::-1], actor=personas.candidate2)
    assert services.candidate_ranking(setup.round, setup.app2) == ids[::-1]
    events = AuditEvent.objects.filter(action="matchround.candidate_ranking_saved")
    assert events.count() == 2
    assert events.order_by("pk").last().changes["posts"] == [ids, ids[::-1]]
    services.save_candidate_ranking(setup.round, [], actor=personas.candidate2)
    assert services.candidate_ranking(setup.round, setup.app2) == []


@pytest.mark.parametrize(
    ("ranking", "fragment"),
    [("twice", "ranked once"), ("unknown", "not part of this round")],
)
def test_bad_candidate_rankings_are_refused(setup, personas, ranking, fragment):
    ids = [setup.shingu.pk, setup.shingu.pk] if ranking == "twice" else [999999]
    with pytest.raises(MatchRoundError, match=fragment):
        services.save_candidate_ranking(setup.round, ids, actor=personas.candidate2)
    assert services.candidate_ranking(setup.round, setup.app2) == []


def test_uncertified_candidates_cannot_rank(setup, personas):
    with pytest.raises(PermissionDenied):
        services.save_candidate_ranking(setup.round, [setup.shingu.pk], actor=personas.candidate1)


def test_candidates_cannot_rank_after_their_deadline_or_phase(setup, personas):
    setup.round.candidates_rank_until = dt.date(2020, 1, 1)
    setup.round.save()
    with pytest.raises(MatchRoundError, match="deadline"):
        services.save_candidate_ranking(setup.round, [setup.shingu.pk], actor=personas.candidate2)
    setup.round.candidates_rank_until = setup.round.hosts_rank_until - dt.timedelta(days=1)
    setup.round.save()
    to_hosts_phase(setup, personas)
    with pytest.raises(MatchRoundError, match="not open"):
        services.save_candidate_ranking(setup.round, [setup.shingu.pk], actor=personas.candidate2)


# --- hosts --------------------------------------------------------------------------------


def test_hosts_see_and_rank_only_the_candidates_who_ranked_them(setup, personas):
    services.save_candidate_ranking(setup.round, [setup.ureshino.pk], actor=personas.candidate2)
    assert services.applicants_of(setup.ureshino) == [setup.app2]
    assert services.applicants_of(setup.shingu) == []
    to_hosts_phase(setup, personas)
    with pytest.raises(MatchRoundError, match="only the candidates who ranked"):
        services.save_host_ranking(setup.shingu, [setup.app2.pk], actor=personas.host_fukuoka)
    with pytest.raises(PermissionDenied):
        services.save_host_ranking(setup.ureshino, [setup.app2.pk], actor=personas.host1)
    services.save_host_ranking(setup.ureshino, [setup.app2.pk], actor=personas.host2)
    assert services.host_ranking(setup.ureshino) == [setup.app2.pk]


def test_hosts_rank_only_in_their_phase(setup, personas):
    services.save_candidate_ranking(setup.round, [setup.ureshino.pk], actor=personas.candidate2)
    with pytest.raises(MatchRoundError, match="not open"):
        services.save_host_ranking(setup.ureshino, [setup.app2.pk], actor=personas.host2)


def test_interviews_only_with_applicants_and_not_in_the_future(setup, personas):
    with pytest.raises(MatchRoundError, match="who ranked"):
        services.record_interview(
            setup.ureshino, setup.app2, actor=personas.host2, held_on=dt.date(2026, 1, 5)
        )
    services.save_candidate_ranking(setup.round, [setup.ureshino.pk], actor=personas.candidate2)
    with pytest.raises(MatchRoundError, match="ahead"):
        services.record_interview(
            setup.ureshino,
            setup.app2,
            actor=personas.host2,
            held_on=dt.date.today() + dt.timedelta(days=3),
        )
    interview = services.record_interview(
        setup.ureshino, setup.app2, actor=personas.host2, held_on=dt.date(2026, 1, 5),
        interviewers="総務課長", notes="意欲が高い",
    )  # fmt: skip
    assert interview.notes == "意欲が高い"


# --- runs and publication -----------------------------------------------------------------


def _ranked(setup, personas):
    """candidate2 ranks 嬉野市 then 新宮町; an extra candidate ranks 嬉野市; hosts rank."""
    services.save_candidate_ranking(
        setup.round, [setup.ureshino.pk, setup.shingu.pk], actor=personas.candidate2
    )
    extra = setup.extras[0]
    services.save_candidate_ranking(setup.round, [setup.ureshino.pk], actor=extra.user)
    to_hosts_phase(setup, personas)
    services.save_host_ranking(setup.ureshino, [extra.pk, setup.app2.pk], actor=personas.host2)
    services.save_host_ranking(setup.shingu, [setup.app2.pk], actor=personas.host_fukuoka)
    return extra


@pytest.fixture
def ranked(personas, monkeypatch):
    setup = build_round(personas, monkeypatch, extra_candidates=1)
    setup.extra = _ranked(setup, personas)
    return setup


def test_a_run_needs_closed_rankings(ranked, personas):
    with pytest.raises(MatchRoundError, match="Close the rankings"):
        services.start_run(ranked.round, actor=personas.office)


def test_the_snapshot_is_the_engine_input_and_its_hash_is_stable(ranked, personas):
    snapshot = services.build_snapshot(ranked.round)
    assert {c["id"] for c in snapshot["candidates"]} == {
        f"a{ranked.app2.pk}",
        f"a{ranked.extra.pk}",
    }
    hosts = {h["id"]: h for h in snapshot["hosts"]}
    assert hosts[ranked.ureshino.key]["ranking"] == [f"a{ranked.extra.pk}", f"a{ranked.app2.pk}"]
    assert hosts[ranked.taku.key]["ranking"] == []
    assert services.snapshot_hash(snapshot) == services.snapshot_hash(
        services.build_snapshot(ranked.round)
    )


def test_run_review_and_publish(ranked, personas):
    run = run_now(ranked, personas)
    assert run.status == MatchRun.Status.SUCCEEDED and run.progress == 100
    ranked.round.refresh_from_db()
    assert ranked.round.phase == P.REVIEW
    assignment = run.result["assignment"]
    assert assignment[f"a{ranked.extra.pk}"] == ranked.ureshino.key
    assert assignment[f"a{ranked.app2.pk}"] == ranked.shingu.key
    review = queries.review(run)
    assert (review.matched, review.seats, review.candidates) == (2, 3, 2)
    assert review.checks["stable"] and review.checks["caps_respected"]
    assert [post for post, _free, _why in review.unmatched_posts] == [ranked.taku]
    services.publish(ranked.round, run, actor=personas.office)
    ranked.round.refresh_from_db()
    assert ranked.round.phase == P.PUBLISHED and ranked.round.published_run == run
    pairs = set(Dispatch.objects.values_list("application_id", "request_id"))
    assert pairs == {
        (ranked.extra.pk, ranked.ureshino.request_id),
        (ranked.app2.pk, ranked.shingu.request_id),
    }
    assert all(d.state == Dispatch.State.PROPOSED for d in Dispatch.objects.all())
    with pytest.raises(MatchRoundError, match="settings can no longer change"):
        services.configure_round(
            ranked.request_round, actor=personas.office, **_dates(ranked.request_round)
        )


def test_the_explanation_says_why_in_words(ranked, personas):
    run = run_now(ranked, personas)
    services.publish(ranked.round, run, actor=personas.office)
    ranked.round.refresh_from_db()
    result = queries.candidate_result(ranked.round, ranked.app2)
    assert result.matched == ranked.shingu and result.matched_rank == 2
    [(post, text)] = result.reasons
    assert post == ranked.ureshino
    assert "filled its places" in text and "no. 1" in text and "no. 2" in text
    host = queries.host_result(ranked.ureshino)
    assert host.matched == [ranked.extra] and host.cutoff_rank == 1
    assert host.binding == "All its places were filled."


def test_a_rerun_of_the_same_snapshot_gives_the_same_result(ranked, personas):
    first = run_now(ranked, personas)
    with pytest.raises(MatchRoundError, match="Say why"):
        services.start_run(ranked.round, actor=personas.office)
    second = run_now(ranked, personas, reason="再現性の確認")
    assert second.snapshot_hash == first.snapshot_hash
    assert second.result["assignment"] == first.result["assignment"]
    review = queries.review(second)
    assert review.reproduced is True and review.same_snapshot_runs == [first]
    # Only the latest run can be published.
    ranked.round.refresh_from_db()
    with pytest.raises(MatchRoundError, match="latest"):
        services.publish(ranked.round, first, actor=personas.office)


def test_a_regional_cap_binds_and_is_explained(personas, monkeypatch):
    setup = build_round(personas, monkeypatch, extra_candidates=1, region_caps={"kyushu": 1})
    extra = _ranked(setup, personas)
    run = run_now(setup, personas)
    matched = [h for h in run.result["assignment"].values() if h]
    assert len(matched) == 1  # all three posts are in 九州; the cap allows one
    services.publish(setup.round, run, actor=personas.office)
    setup.round.refresh_from_db()
    unmatched = next(a for a in (setup.app2, extra) if run.result["assignment"][f"a{a.pk}"] is None)
    texts = [text for _post, text in queries.candidate_result(setup.round, unmatched).reasons]
    assert any("Kyushu" in text and "cap" in text for text in texts), texts


def test_a_failed_run_leaves_the_round_as_it_was(ranked, personas):
    from ciodispatch.candidates.models import Application

    services.advance(ranked.round, P.RUN, actor=personas.office)
    run = services.start_run(ranked.round, actor=personas.office)
    # Between the request and the worker, every ranked candidate's certification lapses.
    Application.objects.update(certified_until=dt.date(2020, 3, 31))
    run = services.execute_run(run.pk)
    assert run.status == MatchRun.Status.FAILED and "can take part" in run.error
    assert run.snapshot is None and run.snapshot_hash == ""
    ranked.round.refresh_from_db()
    assert ranked.round.phase == P.RUN
    assert not Dispatch.objects.exists()


def test_the_worker_freezes_the_snapshot_and_audits_its_hash(ranked, personas):
    services.advance(ranked.round, P.RUN, actor=personas.office)
    run = services.start_run(ranked.round, actor=personas.office)
    assert run.status == MatchRun.Status.QUEUED and run.snapshot is None  # the request only queues
    expected = services.build_snapshot(ranked.round)
    run = services.execute_run(run.pk)
    run.refresh_from_db()
    assert run.snapshot == expected
    assert run.snapshot_hash == services.snapshot_hash(expected)
    event = AuditEvent.objects.get(action="matchround.snapshot_frozen")
    assert event.changes == {"snapshot_hash": run.snapshot_hash, "candidates": 2, "posts": 3}
    assert AuditEvent.objects.filter(action="matchround.run_requested").count() == 1


def test_a_snapshot_that_no_longer_matches_its_hash_is_not_published(ranked, personas):
    run = run_now(ranked, personas)
    tampered = dict(run.snapshot, seed=run.snapshot["seed"] + 1)
    MatchRun.objects.filter(pk=run.pk).update(snapshot=tampered)
    run.refresh_from_db()
    ranked.round.refresh_from_db()
    with pytest.raises(MatchRoundError, match="hash"):
        services.publish(ranked.round, run, actor=personas.office)
    assert not Dispatch.objects.exists()


def test_a_run_with_no_ranking_is_refused_in_the_request(setup, personas):
    to_hosts_phase(setup, personas)
    services.advance(setup.round, P.RUN, actor=personas.office)
    with pytest.raises(MatchRoundError, match="nothing to match"):
        services.start_run(setup.round, actor=personas.office)
    assert not MatchRun.objects.exists()


def test_only_one_run_at_a_time(ranked, personas):
    services.advance(ranked.round, P.RUN, actor=personas.office)
    services.start_run(ranked.round, actor=personas.office)
    with pytest.raises(MatchRoundError, match="under way"):
        services.start_run(ranked.round, actor=personas.office)


def test_the_public_summary_has_counts_only(ranked, personas):
    run = run_now(ranked, personas)
    services.publish(ranked.round, run, actor=personas.office)
    ranked.round.refresh_from_db()
    [summary] = queries.published_summaries()
    assert summary["matched"] == 2 and summary["requests"] == 3
    assert summary["fill_rate"] == pytest.approx(2 / 3, abs=1e-3)
    assert summary["by_prefecture"] == {"40": 1, "41": 1}
    assert summary["by_region"] == {"kyushu": 2}
    text = repr(summary)
    assert ranked.app2.family_name not in text and "@" not in text


def test_a_candidate_on_a_dispatch_past_the_rounds_start_cannot_rank(setup, personas):
    from ciodispatch.dispatches.services import propose

    request = setup.requests[0]  # starts when this round's dispatches start, for 24 months
    propose(request=request, application=setup.app2, actor=personas.office)
    reason = services.unavailable_reason(setup.round, setup.app2)
    assert "on a dispatch until" in reason
    with pytest.raises(MatchRoundError, match="later round"):
        services.save_candidate_ranking(setup.round, [setup.shingu.pk], actor=personas.candidate2)
    # A dispatch that ends before this round's dispatches start leaves them free.
    request.term_months = 12
    request.start_date = setup.request_round.dispatch_start.replace(
        year=setup.request_round.dispatch_start.year - 1
    )
    request.save()
    assert services.unavailable_reason(setup.round, setup.app2) == ""


def test_a_declined_proposal_leaves_the_candidate_free(setup, personas):
    from ciodispatch.candidates.availability import busy_until
    from ciodispatch.dispatches.services import decline, propose

    dispatch = propose(request=setup.requests[0], application=setup.app2, actor=personas.office)
    assert busy_until(setup.app2) is not None
    decline(dispatch, actor=personas.candidate2, reason="家庭の事情")
    assert busy_until(setup.app2) is None
    assert services.unavailable_reason(setup.round, setup.app2) == ""


def test_participants_are_told_by_mail(
    personas, monkeypatch, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        setup = build_round(personas, monkeypatch, extra_candidates=1)
    # (nobody was certified yet when ranking opened; the rest is certification mail)
    assert not any("Rank the posts" in m.subject for m in mailoutbox)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        extra = _ranked(setup, personas)
    hosts_told = {m.to[0] for m in mailoutbox if "Rank your candidates" in m.subject}
    assert personas.host2.email in hosts_told and personas.host1.email not in hosts_told
    mailoutbox.clear()
    run = run_now(setup, personas)
    with django_capture_on_commit_callbacks(execute=True):
        services.publish(setup.round, run, actor=personas.office)
    told = {m.to[0] for m in mailoutbox}
    assert {setup.app2.email, extra.email, personas.host2.email, personas.host1.email} <= told
    assert all("published" in m.subject for m in mailoutbox)


def test_the_review_reads_the_runs_summary_or_its_result_the_same_way(ranked, personas):
    run = run_now(ranked, personas)
    assert run.summary["unmatched"] == [] and len(run.summary["hosts"]) == 3
    stored = queries.review(run)
    MatchRun.objects.filter(pk=run.pk).update(summary=None)  # a run stored before summaries
    run.refresh_from_db()
    computed = queries.review(run)
    for name in ("seats", "matched", "candidates", "posts", "checks", "unmatched_post_count"):
        assert getattr(stored, name) == getattr(computed, name), name
    assert stored.unmatched_posts == computed.unmatched_posts
    assert [r.matched for r in stored.by_prefecture] == [r.matched for r in computed.by_prefecture]
