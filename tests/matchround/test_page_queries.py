"""The round's pages and the office's run request take as many queries at any size of round,
and their long lists come in pages: the same budget holds for a small round and for one with
more posts than a page and hundreds of candidates (written in bulk by the benchmark's
builder, ``bench/round/build.py``)."""

import pytest
from django.test import Client

from bench.round.build import build_round
from ciodispatch.matchround import services
from ciodispatch.matchround.models import MatchRun, Post
from tests.conftest import verified_client

SIZES = [pytest.param((12, 40), id="small"), pytest.param((130, 600), id="larger")]


@pytest.fixture
def national_like(request, personas):
    posts, candidates = request.param
    return build_round(posts=posts, candidates=candidates, prefix=f"q{posts}")


def _client(user):
    return verified_client(Client(), user)


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
