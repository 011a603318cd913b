"""The round's pages and the office's run request take as many queries at any size of round,
and their long lists come in pages: the same budget holds for a small round and for one with
more posts than a page and hundreds of candidates (written in bulk by the benchmark's
builder, ``bench/round/build.py``)."""

from collections import Counter

import pytest
from django.test import Client

from bench.round.build import build_round
from ciodispatch.candidates.models import Application
from ciodispatch.matchround import queries, services
from ciodispatch.matchround.models import CandidateRanking, HostRanking, MatchRound, MatchRun, Post
from tests.conftest import verified_client

SIZES = [pytest.param((12, 40), id="small"), pytest.param((130, 600), id="larger")]


@pytest.fixture
def national_like(request, personas):
    posts, candidates = request.param
    return build_round(posts=posts, candidates=candidates, prefix=f"q{posts}")


def _client(user):
    """A signed-in client that has opened its home page: the menu's work counts are kept in
    the session from then on (core/menu.py), so each budget below is the page's own."""
    client = verified_client(Client(), user)
    client.get("/")
    return client


@pytest.mark.parametrize("national_like", SIZES, indirect=True)
def test_the_run_request_only_queues(national_like, django_assert_max_num_queries):
    office = _client(national_like.office)
    with django_assert_max_num_queries(40):
        response = office.post(f"/matching/office/rounds/{national_like.round.pk}/run/")
    run = MatchRun.objects.get()
    assert response.url == f"/matching/office/runs/{run.pk}/"
    assert run.status == MatchRun.Status.QUEUED and run.snapshot is None
    page = office.get(response.url).content.decode()
    assert "freezes the rankings" in page or "スナップショット" in page


@pytest.mark.parametrize("national_like", SIZES, indirect=True)
def test_the_ranking_page_takes_the_same_queries_and_pages_its_posts(
    national_like, django_assert_max_num_queries
):
    candidate = _client(national_like.candidate)
    with django_assert_max_num_queries(18):
        page = candidate.get("/matching/rank/")
    assert page.status_code == 200
    shown = len(page.context["others"])
    assert 0 < shown <= 100
    if national_like.posts > 100:
        assert page.context["page"].paginator.num_pages == 2
        with django_assert_max_num_queries(18):
            second = candidate.get("/matching/rank/?page=2")
        assert len(second.context["others"]) > 0
    kyushu = candidate.get("/matching/rank/?region=kyushu")
    regions = {Post.objects.get(pk=pk).region for pk in kyushu.context["page"].object_list}
    assert regions <= {"kyushu"}


@pytest.mark.parametrize("national_like", SIZES, indirect=True)
def test_the_round_page_takes_the_same_queries_and_pages_its_posts(
    national_like, django_assert_max_num_queries
):
    office = _client(national_like.office)
    url = f"/matching/office/rounds/{national_like.round.pk}/"
    with django_assert_max_num_queries(30):
        page = office.get(url)
    rows = page.context["rows"]
    assert len(rows) == min(national_like.posts, 100)
    assert page.context["post_count"] == national_like.posts
    assert page.context["ranking_count"] == national_like.candidates
    # Candidates who ranked each post, counted over every ranking.
    assert sum(ranked_by for _post, ranked_by, _ranked in rows) > 0


@pytest.mark.parametrize("national_like", SIZES, indirect=True)
def test_the_review_takes_the_same_queries_and_bounds_its_lists(
    national_like, django_assert_max_num_queries
):
    run = services.start_run(national_like.round, actor=national_like.office)
    run = services.execute_run(run.pk)
    assert run.status == MatchRun.Status.SUCCEEDED, run.error
    office = _client(national_like.office)
    with django_assert_max_num_queries(30):
        page = office.get(f"/matching/office/runs/{run.pk}/")
    review = page.context["review"]
    unmatched = sum(1 for h in run.result["assignment"].values() if not h)
    assert review.unmatched_candidate_count == unmatched
    assert len(review.unmatched_candidates) == min(unmatched, 100)
    assert len(review.unmatched_posts) <= 100
    assert review.matched + unmatched == review.candidates
    if unmatched > 100:
        assert "the export lists the whole result" in page.content.decode() or (
            "エクスポート" in page.content.decode()
        )


# --- counts and parts read by the database equal the same read in Python -----------------


@pytest.mark.parametrize("national_like", SIZES, indirect=True)
def test_the_round_page_counts_equal_a_count_in_python(national_like):
    match_round = national_like.round
    in_python = Counter(
        pk
        for posts in CandidateRanking.objects.filter(match_round=match_round).values_list(
            "posts", flat=True
        )
        for pk in posts
    )
    assert in_python  # the fixture ranks posts
    assert queries.applicant_counts(match_round) == dict(in_python)
    host_ranked = {
        h.post_id: len(h.applications)
        for h in HostRanking.objects.filter(post__match_round=match_round)
    }
    assert host_ranked
    assert queries.host_ranked_counts(match_round) == host_ranked


def _finished(national_like):
    run = services.start_run(national_like.round, actor=national_like.office)
    run = services.execute_run(run.pk)
    assert run.status == MatchRun.Status.SUCCEEDED, run.error
    return run


@pytest.mark.parametrize("national_like", SIZES, indirect=True)
def test_the_reviews_first_unmatched_names_are_kept_once_and_equal_a_sort(
    national_like, django_assert_max_num_queries
):
    run = _finished(national_like)
    unmatched = run.summary["unmatched"]
    by_name = list(
        Application.objects.filter(pk__in=unmatched)
        .order_by("family_name_kana", "given_name_kana", "pk")
        .values_list("pk", flat=True)
    )
    assert run.summary["unmatched_first"] == by_name[:100]
    shown = [a.pk for a in queries.review(run).unmatched_candidates]
    assert shown == by_name[:100]
    assert [a.pk for a in queries.review(run, limit=None).unmatched_candidates] == by_name
    # A run stored before the first page was kept still shows the same list.
    MatchRun.objects.filter(pk=run.pk).update(
        summary={k: v for k, v in run.summary.items() if k != "unmatched_first"}
    )
    assert [a.pk for a in queries.review(run).unmatched_candidates] == by_name[:100]


def _whole_run_candidate_result(match_round, run, application):
    """The participant's result read from the whole run in Python (as it was read before)."""
    key = f"a{application.pk}"
    if key not in run.result["assignment"]:
        return None
    posts = {p.key: p for p in match_round.posts.all()}
    entry = next(c for c in run.snapshot["candidates"] if c["id"] == key)
    matched_key = run.result["assignment"][key]
    return (
        [posts[p].pk for p in entry["ranking"] if p in posts],
        posts[matched_key].pk if matched_key else None,
        (entry["ranking"].index(matched_key) + 1) if matched_key else None,
        [
            (
                posts[r["host"]].pk,
                queries.reason_text(
                    r, posts[r["host"]].request.requester_name, run.snapshot["seed"]
                ),
            )
            for r in run.result["explanations"].get(key, [])
            if r["host"] in posts
        ],
    )


@pytest.mark.parametrize("national_like", SIZES, indirect=True)
def test_a_participants_result_read_in_parts_equals_the_whole_run(
    national_like, django_assert_max_num_queries
):
    run = _finished(national_like)
    match_round = national_like.round
    MatchRound.objects.filter(pk=match_round.pk).update(
        published_run=run, phase=MatchRound.Phase.PUBLISHED
    )
    match_round.refresh_from_db()
    applications = Application.objects.filter(match_rankings__match_round=match_round)
    reasons = absent = 0
    for application in applications:
        expected = _whole_run_candidate_result(match_round, run, application)
        with django_assert_max_num_queries(4):
            got = queries.candidate_result(match_round, application)
        if expected is None:  # ranked, but not in the snapshot (e.g. a lapsed certification)
            assert got is None
            absent += 1
            continue
        assert (
            [p.pk for p in got.ranked],
            got.matched.pk if got.matched else None,
            got.matched_rank,
            [(p.pk, text) for p, text in got.reasons],
        ) == expected
        reasons += len(got.reasons)
    assert reasons > 0 and absent < len(applications)
    for post in match_round.posts.all():
        summary = run.result["hosts"][post.key]
        entry = next(h for h in run.snapshot["hosts"] if h["id"] == post.key)
        got = queries.host_result(post)
        assert [a.pk for a in got.matched] == [int(c[1:]) for c in summary["matched"]]
        assert got.ranked == len(entry["ranking"])
        assert got.cutoff_rank == summary["cutoff_rank"]
        assert got.binding == queries._cap_text(summary["binding_cap"])
