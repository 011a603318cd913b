"""Know-how search: the bigram index (FTS5 / tsvector) against scanning every document.

Corpus: the demo's case texts repeated with varied numbers into 2,000 documents, plus the
registry (the place-name rule reads it). Baseline: normalising every document and looking
for the word with str.find, which is what a search without an index would do.
"""

import random

from bench.timing import Case, best_of, table

DOCUMENTS = 2_000
QUERIES = ["予算", "ｸﾗｳﾄﾞ", "京都", "テレワーク 佐賀", "防災 OR 災害", "マイナンバー"]


def run() -> str:
    from ciodispatch.demo.knowhow_content import FURTHER_CASES, STUDY_CASES
    from ciodispatch.knowhow import search
    from ciodispatch.knowhow import text as T
    from ciodispatch.knowhow.models import SearchEntry
    from ciodispatch.localgov.services import BUNDLED_REGISTRY, import_local_governments

    import_local_governments(BUNDLED_REGISTRY, actor=None)
    rng = random.Random(7)
    texts = [" ".join([c["summary"], *c["body"], *c["success"]]) for c in STUDY_CASES]
    texts += [f"{row[6]}{row[7]}" for row in FURTHER_CASES]
    SearchEntry.objects.all().delete()
    for number in range(DOCUMENTS):
        body = "\n".join(rng.sample(texts, 3)) + f"\n第{number}号"
        search.index_document("bench", number, f"事例{number}", body)
    documents = list(SearchEntry.objects.filter(kind="bench").values_list("title", "text"))

    def scan():
        for query in QUERIES:
            words = T.words(query.replace(" OR ", " "))
            [d for d in documents if all(T.normalise(f"{d[0]} {d[1]}").find(w) >= 0 for w in words)]

    def page_of(query):
        # What the search page does: rank every hit, highlight the 20 it shows.
        return [str(hit.snippet) for hit in search.search(query, kind="bench").hits[:20]]

    baseline = Case(
        f"scan {DOCUMENTS} documents for {len(QUERIES)} queries", best_of(scan, repeat=3)
    )
    cases = [
        Case(
            f"search.search(), same {len(QUERIES)} queries, 20 hits highlighted each",
            best_of(lambda: [page_of(q) for q in QUERIES], repeat=3),
        ),
        Case(
            "index one more document",
            best_of(lambda: search.index_document("bench", DOCUMENTS, "追加", texts[0]), repeat=5),
        ),
    ]
    return table(f"Know-how search ({DOCUMENTS} documents)", baseline, cases)
