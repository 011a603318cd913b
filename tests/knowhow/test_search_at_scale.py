"""The search counts and ranks every hit in the database, and the case list reads one page.

Documents are written with bulk writes (search.index_documents, Case.objects.bulk_create)
where thousands are needed; the services are covered by test_search.py and test_services.py.
"""

import math
import random

import pytest
from django.urls import reverse
from django.utils import timezone

from ciodispatch.knowhow import queries, search, services
from ciodispatch.knowhow import text as T
from ciodispatch.knowhow.models import Case, SearchEntry, SearchPosting, SearchTerm
from tests.conftest import lg
from tests.knowhow.helpers import published

KIND = "test"


def _reference(raw_query: str, kind: str) -> list[tuple[int, float]]:
    """The ranking as the search defines it, in Python over every indexed document: each
    word occurs (not only inside a longer place name), its score is text.score() of its hits
    in the title and the text, the words of a group add up, the best group counts."""
    query = T.parse_query(raw_query)
    known = search.longer_words()
    ranked = []
    for entry in SearchEntry.objects.filter(kind=kind):
        best = 0.0
        for group in query.groups:
            counts = [
                (
                    len(T.occurrences(entry.normalised_title, term, known)),
                    len(T.occurrences(entry.normalised_text, term, known)),
                )
                for term in group
            ]
            if all(t + b for t, b in counts):
                best = max(best, sum(T.score(t, b, len(entry.normalised_text)) for t, b in counts))
        if best > 0:
            ranked.append((entry.object_id, best))
    ranked.sort(key=lambda r: (-r[1], -r[0]))
    return ranked


def test_the_count_is_exact_beyond_five_thousand_hits(registry):
    rng = random.Random(5)
    with_word = 5_230
    documents = [(n, f"事例{n}", f"予算{'の話' * rng.randint(0, 3)}") for n in range(with_word)]
    documents += [(with_word + n, f"事例{n}", "人材の話") for n in range(300)]
    search.index_documents(KIND, documents)
    assert search.count("予算", kind=KIND) == with_word
    page = search.search("予算", kind=KIND, limit=20)
    assert page.total == with_word and len(page.hits) == 20
    last = search.search("予算", kind=KIND, limit=20, offset=with_word - 10)
    assert last.total == with_word and len(last.hits) == 10
    past = search.search("予算", kind=KIND, limit=20, offset=with_word + 100)
    assert past.total == with_word and past.hits == []
    # Every hit is ranked: the shortest texts (same hits, less text) come first.
    best = {len(text) for _n, _t, text in documents[:with_word]}
    assert page.hits[0].score == pytest.approx(T.score(0, 1, min(best)))
    assert search.count("予算 人材", kind=KIND) == 0
    assert search.count("予算 OR 人材", kind=KIND) == with_word + 300


CORPUS = [
    ("予算獲得の工夫", "既存予算を再点検し、庁内の予算を確保した。予算、予算。"),
    ("人材の育成", "首長の方針で、ｼｽﾃﾑに強い職員を育てた。予算は少ない。"),
    ("都庁の働き方", "東京都庁のテレワーク。東京都と京都府。"),
    ("府の共同運用", "京都府と市町村のクラウド。ｸﾗｳﾄﾞ化で予算を削減。"),
    ("東大阪市の窓口", "東大阪市の窓口改革、大阪府と連携。"),
    ("庁内の予算", "予算の見える化。"),
    ("クラウド人材", "くらうど人材を外部から。テレワークで庁内の会議。"),
    ("別の事例", "予算既存の話ではない。既存の予算。"),
]


@pytest.fixture
def small_corpus(registry):
    search.index_documents(KIND, [(n + 1, t, b) for n, (t, b) in enumerate(CORPUS)])


@pytest.mark.parametrize(
    "query",
    [
        "予算",
        "庁内",
        "京都",
        "大阪",
        "クラウド",
        "ｸﾗｳﾄﾞ",
        "テレワーク",
        "既存予算",
        "予算既存",
        "予算 人材",
        "予算 クラウド",
        "庁内 OR 窓口",
        "京都府 OR 大阪府",
    ],
)
def test_the_database_ranks_as_the_reference_does(small_corpus, query):
    expected = _reference(query, KIND)
    result = search.search(query, kind=KIND)
    assert [h.object_id for h in result.hits] == [r[0] for r in expected]
    assert result.total == len(expected) == search.count(query, kind=KIND)
    for hit, (_id, score) in zip(result.hits, expected, strict=True):
        assert math.isclose(hit.score, score, rel_tol=1e-9)


def test_ranking_title_first_more_hits_first(small_corpus):
    ranked = search.search("予算", kind=KIND).ids
    # Title and text hits beat text-only ones; among text-only, more hits beat fewer.
    assert ranked[:2] == [1, 6] or ranked[:2] == [6, 1]
    assert ranked.index(2) > ranked.index(1)
    # 京都 inside 東京都 is not 京都: 3 counts by its 京都府 only, once.
    assert set(search.search("京都", kind=KIND).ids) == {3, 4}
    assert search.search("京都", kind=KIND).hit_for(3).score == pytest.approx(
        T.score(0, 1, len(T.normalise(CORPUS[2][1])))
    )


def test_pages_follow_each_other_without_gaps_or_repeats(registry):
    search.index_documents(
        KIND, [(n, f"事例{n}", "庁内" * (1 + n % 7) + "の話" * (n % 5)) for n in range(1, 46)]
    )
    everything = search.search("庁内", kind=KIND).ids
    pages = [search.search("庁内", kind=KIND, limit=20, offset=o) for o in (0, 20, 40)]
    assert [len(p.hits) for p in pages] == [20, 20, 5]
    assert [i for p in pages for i in p.ids] == everything
    assert {p.total for p in pages} == {45}


def test_the_index_follows_publication_edits_and_withdrawal(personas):
    office = personas.office
    case = published(office, title="庁内の予算", summary="既存予算を棚卸しした。")
    assert queries.search_cases("棚卸")[0].count() == 1
    services.update_case(case, actor=office, note="要約を直した", summary="新しい工夫を書いた。")
    assert queries.search_cases("棚卸")[0].count() == 0
    assert queries.search_cases("工夫")[0].count() == 1
    services.withdraw_case(case, actor=office, reason="誤り")
    assert queries.search_cases("工夫")[0].count() == 0
    assert not SearchPosting.objects.filter(object_id=case.pk, kind="case").exists()


def _bulk_cases(office, count: int) -> None:
    """``count`` published cases (bulk writes), every one holding 予算, indexed."""
    now = timezone.now()
    saga = lg("410004")
    cases = Case.objects.bulk_create(
        Case(
            state=Case.State.PUBLISHED,
            title=f"予算の事例{n}",
            summary="庁内の予算を確保した。",
            theme="emergency_medical",
            year_from=2020,
            year_to=2022,
            challenges=["no_budget"],
            created_by=office,
            published_at=now - timezone.timedelta(minutes=n),
        )
        for n in range(count)
    )
    Case.local_governments.through.objects.bulk_create(
        Case.local_governments.through(case_id=c.pk, localgovernment_id=saga.pk) for c in cases
    )
    search.index_documents("case", [(c.pk, c.title, c.summary) for c in cases])


@pytest.mark.parametrize("size", [3, 60])
@pytest.mark.parametrize(
    "params",
    [
        {},
        {"page": "2"},
        {"q": "予算"},
        {"q": "予算 庁内", "page": "2"},
        {"q": "予算", "theme": "emergency_medical", "challenge": "no_budget", "prefecture": "41"},
        {"q": "確保", "period": "2021"},
    ],
)
def test_the_case_list_makes_the_same_queries_at_any_size(
    client, personas, django_assert_max_num_queries, size, params
):
    _bulk_cases(personas.office, size)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("knowhow:case_list"), params)
    assert response.status_code == 200
    shown = response.context["rows"]
    assert response.context["count"] == size
    # A page past the last shows the last (Paginator.get_page).
    number = min(int(params.get("page", 1)), math.ceil(size / 20))
    expected_on_page = min(20, size - 20 * (number - 1))
    assert len(shown) == expected_on_page


def test_filters_narrow_the_search_in_the_database(personas):
    office = personas.office
    saga = published(office, title="予算の事例", codes=("410004",), theme="emergency_medical")
    tokyo = published(
        office,
        title="予算の工夫",
        codes=("130001",),
        theme="disaster",
        challenges=["talent_shortage"],
        year_from=2018,
        year_to=None,
    )

    def found(**filters):
        ranked, _result = queries.search_cases("予算", **filters)
        return {c.pk for c in ranked[0:20]}

    assert found() == {saga.pk, tokyo.pk}
    assert found(prefecture="41") == {saga.pk}
    assert found(theme="disaster") == {tokyo.pk}
    assert found(challenge="no_budget") == {saga.pk}
    assert found(challenge="talent_shortage") == {tokyo.pk}
    assert found(period=2018) == {tokyo.pk}
    assert found(period=2012) == {saga.pk}


def test_a_longer_word_keeps_its_postings_and_indexing_follows_them(small_corpus):
    """The first search of a longer word makes its postings (SearchTerm); documents indexed,
    edited and removed afterwards change them, and the ranking stays the reference's."""
    assert not SearchTerm.objects.filter(kind=KIND).exists()
    first = search.search("ｸﾗｳﾄﾞ", kind=KIND)
    assert list(SearchTerm.objects.filter(kind=KIND).values_list("term", flat=True)) == ["くらうど"]
    # The variants are the same word: no second set of postings.
    assert search.search("クラウド", kind=KIND).ids == first.ids
    assert SearchTerm.objects.filter(kind=KIND).count() == 1
    search.index_documents(KIND, [(20, "クラウドの話", "クラウド、クラウド。")])
    search.index_document(KIND, 21, "別の話", "くらうど化を進めた。")
    search.index_document(KIND, 4, "府の共同運用", "京都府と市町村の共同運用。")  # edited
    search.remove_document(KIND, 7)
    for query in ("クラウド", "クラウド 予算", "クラウド OR 窓口"):
        expected = _reference(query, KIND)
        result = search.search(query, kind=KIND)
        assert [h.object_id for h in result.hits] == [r[0] for r in expected], query
        assert result.total == len(expected) == search.count(query, kind=KIND)
        for hit, (_id, score) in zip(result.hits, expected, strict=True):
            assert math.isclose(hit.score, score, rel_tol=1e-12)
    assert {20, 21} <= set(search.search("クラウド", kind=KIND).ids)
    assert not {4, 7} & set(search.search("クラウド", kind=KIND).ids)


def test_a_word_that_overlaps_itself_counts_as_the_reference_does(registry):
    # ああ in あああ: two overlapping hits (text.occurrences), as the reference counts them.
    search.index_documents(
        KIND, [(1, "事例", "あああ"), (2, "事例", "ああ、ああ"), (3, "事例", "あ")]
    )
    for query in ("ああ", "あああ"):
        expected = _reference(query, KIND)
        result = search.search(query, kind=KIND)
        assert [h.object_id for h in result.hits] == [r[0] for r in expected]
        for hit, (_id, score) in zip(result.hits, expected, strict=True):
            assert math.isclose(hit.score, score, rel_tol=1e-12)


def test_the_list_without_words_reads_late_pages_from_the_other_end(personas):
    _bulk_cases(personas.office, 45)
    everything = list(queries.published_cases())
    listed, _result = queries.search_cases("")
    assert listed.count() == 45
    for start, stop in [(0, 20), (20, 40), (40, 60), (30, 45), (44, 45), (5, 44), (45, 50)]:
        assert [c.pk for c in listed[start:stop]] == [c.pk for c in everything[start:stop]]
    assert listed[44].pk == everything[44].pk
