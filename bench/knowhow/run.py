"""Know-how search and case list at national size: 100,000 published cases in the index.

Corpus: the demo's case texts, three at a time with a number, as 100,000 published cases
(bulk writes; one local government each, a theme, challenges, a period), indexed with
``search.index_documents``. Each sample is what the case list page does (views.case_list
without the template): ``queries.search_cases`` with the filters, the Paginator's count and
page, the 20 cases with their local governments, and the hits highlighted. Baseline: one
case read by its primary key with its local governments, measured in the same run.

Run: ``python -m bench knowhow`` (SQLite in a temporary file), and with
``BENCH_SCRATCH_DATABASE=1 DATABASE_URL=postgres://…/bench_search`` (an empty database) for
PostgreSQL.
``BENCH_KNOWHOW_DOCUMENTS`` changes the size, ``BENCH_KNOWHOW_ROUNDS`` the repeats;
``BENCH_KNOWHOW_REUSE=1`` measures a PostgreSQL database built by an earlier run again.
"""

import os
import random
import statistics
import time

DOCUMENTS = int(os.environ.get("BENCH_KNOWHOW_DOCUMENTS", "100000"))
ROUNDS = int(os.environ.get("BENCH_KNOWHOW_ROUNDS", "5"))
PAGE_SIZE = 20

QUERIES = {
    "2-character words": ["予算", "庁内", "人材", "首長", "窓口", "防災", "観光", "DX", "AI"],
    "variants (width, kana, case)": ["ＤＸ", "dx", "ｸﾗｳﾄﾞ", "くらうど", "ﾃﾚﾜｰｸ", "ｼｽﾃﾑ", "ﾍﾞﾝﾀﾞｰ"],
    "longer words": ["クラウド", "テレワーク", "マイナンバー", "オープンデータ", "京都", "大阪"],
    "two words (AND)": ["予算 人材", "庁内 テレワーク", "クラウド 佐賀", "首長 ビジョン"],
    "OR": ["防災 OR 災害"],
}
LIST = "list, no query (pages 1, 2, 50, last)"
LIST_FILTERS = "list, filters only (theme, challenge, prefecture, period)"
FIRST = "first search of a longer word (makes its postings)"


def _build(rng: random.Random) -> tuple[list[str], float]:
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.utils import timezone

    from ciodispatch.candidates.choices import Domain
    from ciodispatch.core.programme import Challenge
    from ciodispatch.demo.knowhow_content import FURTHER_CASES, STUDY_CASES
    from ciodispatch.knowhow import search
    from ciodispatch.knowhow.models import Case, SearchPosting
    from ciodispatch.localgov.models import LocalGovernment
    from ciodispatch.localgov.services import BUNDLED_REGISTRY, import_local_governments

    if not LocalGovernment.objects.exists():
        import_local_governments(BUNDLED_REGISTRY, actor=None)
    texts = [" ".join([c["summary"], *c["body"], *c["success"]]) for c in STUDY_CASES]
    texts += [f"{row[6]}{row[7]}" for row in FURTHER_CASES]
    titles = [c["title"] for c in STUDY_CASES] + [row[0] for row in FURTHER_CASES]
    user, _created = get_user_model().objects.get_or_create(
        username="bench-knowhow", defaults={"role": "office"}
    )
    governments = list(LocalGovernment.objects.values_list("pk", flat=True))
    themes = [value for value, _label in Domain.choices]
    challenges = [value for value, _label in Challenge.choices]
    start = time.perf_counter()
    now = timezone.now()
    through = Case.local_governments.through
    # A bulk load builds the postings' indexes once at the end, not row by row.
    indexes = SearchPosting._meta.indexes
    with connection.schema_editor() as editor:
        for index in indexes:
            editor.remove_index(SearchPosting, index)
    with transaction.atomic():
        for first in range(0, DOCUMENTS, 5_000):
            cases = Case.objects.bulk_create(
                Case(
                    state=Case.State.PUBLISHED,
                    title=f"{rng.choice(titles)}（{n}）"[:120],
                    summary=rng.choice(texts),
                    theme=rng.choice(themes),
                    year_from=(year := rng.randint(2010, 2025)),
                    year_to=year + rng.randint(0, 3),
                    challenges=rng.sample(challenges, rng.randint(1, 3)),
                    created_by=user,
                    origin="bench:knowhow",
                    published_at=now - timezone.timedelta(minutes=n),
                )
                for n in range(first, min(first + 5_000, DOCUMENTS))
            )
            if not all(c.pk for c in cases):
                raise RuntimeError("bulk_create returned no ids (SQLite ≥ 3.35 needed)")
            through.objects.bulk_create(
                through(case_id=c.pk, localgovernment_id=rng.choice(governments)) for c in cases
            )
            search.index_documents(
                "case",
                (
                    (c.pk, c.title, "\n".join([c.summary, *rng.sample(texts, 2), f"第{c.pk}号"]))
                    for c in cases
                ),
            )
    with connection.schema_editor() as editor:
        for index in indexes:
            editor.add_index(SearchPosting, index)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE" if connection.vendor == "sqlite" else "VACUUM ANALYZE")
    return texts, time.perf_counter() - start


def _page(q: str, page: int = 1, **filters) -> tuple[int, list[str]]:
    """What views.case_list does before rendering: count, one page, highlighted hits."""
    from django.core.paginator import Paginator

    from ciodispatch.knowhow import queries

    # As the view does: the page it will show is passed, so the count comes with the page.
    offset = (page - 1) * PAGE_SIZE
    cases, result = queries.search_cases(q, page=(offset, PAGE_SIZE), **filters)
    shown = Paginator(cases, PAGE_SIZE).get_page(page)
    hits = {h.object_id: h for h in result.hits} if result else {}
    rows = [
        (case.government_names(), str(hits[case.pk].snippet) if case.pk in hits else case.title)
        for case in shown.object_list
    ]
    return shown.paginator.count, [r[1] for r in rows]


def _percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _timed(func) -> float:
    start = time.perf_counter()
    func()
    return time.perf_counter() - start


def run() -> str:
    from django.db import connection
    from django.db.models import Q

    from ciodispatch.knowhow import search
    from ciodispatch.knowhow import text as T
    from ciodispatch.knowhow.models import Case, SearchEntry, SearchPosting

    try:
        from ciodispatch.knowhow.models import SearchTerm
    except ImportError:  # the code before kept words (to measure it with this script)
        SearchTerm = None

    rng = random.Random(7)
    reuse = os.environ.get("BENCH_KNOWHOW_REUSE") and (
        Case.objects.filter(origin="bench:knowhow").count() == DOCUMENTS
    )
    # BENCH_KNOWHOW_REUSE=1 measures again a PostgreSQL database built by an earlier run.
    build_seconds = None if reuse else _build(rng)[1]
    kinds = dict(QUERIES)
    filters = [
        {},
        {"theme": "emergency_medical"},
        {"challenge": "no_budget"},
        {"prefecture": "41"},
        {"period": 2020},
    ]
    list_cases = [("", {"page": p}) for p in (1, 2, 50, DOCUMENTS // PAGE_SIZE)]
    filter_cases = [("", f) for f in filters[1:]]
    filtered = [(q, f) for q in ("予算", "クラウド", "予算 人材") for f in filters[1:]]

    def baseline():
        case = Case.objects.prefetch_related("local_governments").get(pk=first_pk)
        case.government_names()

    first_pk = Case.objects.filter(origin="bench:knowhow").values_list("pk", flat=True).first()
    samples: dict[str, list[float]] = {"baseline": []}
    for kind in [*kinds, LIST, LIST_FILTERS, "words + filters", FIRST]:
        samples[kind] = []
    # Every query once before the rounds. A word longer than two characters gets its
    # postings on its first search (search.SearchTerm): that search is timed on its own.
    longer = sorted(
        {
            t
            for words in kinds.values()
            for q in words
            for g in T.parse_query(q).groups
            for t in g
            if len(t) > 2
        }
    )
    if SearchTerm is not None:
        SearchTerm.objects.filter(kind="case", term__in=longer).delete()
    for term in longer:
        samples[FIRST].append(_timed(lambda term=term: _page(term)))
    for words in kinds.values():
        for q in words:
            _page(q)
    for _round in range(ROUNDS):
        for _ in range(20):
            samples["baseline"].append(_timed(baseline))
        for kind, words in kinds.items():
            for q in words:
                samples[kind].append(_timed(lambda q=q: _page(q)))
        for q, f in list_cases:
            samples[LIST].append(_timed(lambda q=q, page=f["page"]: _page(q, page)))
        for q, f in filter_cases:
            samples[LIST_FILTERS].append(_timed(lambda q=q, f=f: _page(q, **f)))
        for q, f in filtered:
            samples["words + filters"].append(_timed(lambda q=q, f=f: _page(q, **f)))

    base = statistics.median(samples["baseline"])
    counted = _page("予算")[0]
    truth = SearchEntry.objects.filter(
        Q(kind="case")
        & (Q(normalised_title__contains="予算") | Q(normalised_text__contains="予算"))
    ).count()
    lines = [
        f"### Know-how search and case list ({DOCUMENTS:,} published cases, {connection.vendor})",
        "",
        (f"Index built in {build_seconds:.0f} s" if build_seconds else "Index reused")
        + f" ({SearchPosting.objects.count():,} postings). "
        f"予算: {counted:,} cases counted; {truth:,} hold it (checked by scanning the text).",
        "",
        "| case | samples | p50 (ms) | p95 (ms) | p95 / baseline p50 |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for kind, values in samples.items():
        p50, p95 = statistics.median(values), _percentile(values, 0.95)
        name = "one case by primary key (baseline)" if kind == "baseline" else kind
        lines.append(
            f"| {name} | {len(values)} | {p50 * 1000:.1f} | {p95 * 1000:.1f} | {p95 / base:.1f} |"
        )
    extra = [
        _timed(lambda: search.index_document("case", first_pk, "追加", "庁内の予算"))
        for _ in range(5)
    ]
    lines.append(
        f"| index one document again (publish, edit) | 5 | {statistics.median(extra) * 1000:.1f} "
        f"| {_percentile(extra, 0.95) * 1000:.1f} | {_percentile(extra, 0.95) / base:.1f} |"
    )
    lines += ["", "One request at a time (best of 3, ms; hits counted):", ""]
    lines += ["| request | ms | hits |", "| --- | ---: | ---: |"]
    single = [(q, {}) for words in kinds.values() for q in words]
    single += [("", {"page": p}) for p in (1, 2, 50, DOCUMENTS // PAGE_SIZE)] + filter_cases
    for q, f in single:
        page = f.get("page", 1)
        rest = {k: v for k, v in f.items() if k != "page"}
        best = min(
            _timed(lambda q=q, page=page, rest=rest: _page(q, page, **rest)) for _ in range(3)
        )
        name = q or ("list, " + ", ".join(f"{k} {v}" for k, v in f.items()))
        lines.append(f"| {name} | {best * 1000:.1f} | {_page(q, page, **rest)[0]:,} |")
    return "\n".join(lines) + "\n"
