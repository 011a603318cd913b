"""Japanese full-text search over the know-how base: one code path on SQLite and PostgreSQL.

The index is a table of postings (``SearchPosting``): one row per character bigram of each
published document, holding what the bigram adds to the document's score when it is searched
as a two-character word. The database counts and ranks every hit, and only the rows of the
page shown leave it (docs/search.md):

- a two-character word (予算, 庁内, DX) is one range of the postings index: its hits and
  their scores are already there (occurrences inside a longer place name — 京都 in 東京都 —
  were left out when the document was indexed);
- a longer word is found through its bigrams (candidates: documents holding all of them),
  then confirmed and counted in the document's normalised text by the database (bigrams alone
  would accept 予算既存 for 既存予算), minus its occurrences inside longer place names;
- words separated by spaces must all occur (their scores add up); ``OR`` groups are
  alternatives (the best group's score counts).

A new kind of document (small wins are one: ``progress.services.publish_win``) needs only
``index_document(kind, id, title, text)`` when it is published and ``remove_document`` when it
is withdrawn.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils.safestring import SafeString

from ciodispatch.knowhow import text as T
from ciodispatch.knowhow.models import SearchEntry, SearchPosting

MAX_GRAMS_PER_TERM = 24
TITLE_WEIGHT = T.TITLE_WEIGHT
BATCH = 5_000


def _postings(entry: SearchEntry, known: frozenset[str]) -> list[SearchPosting]:
    weights = T.bigram_weights(entry.normalised_title, entry.normalised_text, known)
    return [
        SearchPosting(
            entry_id=entry.pk, gram=gram, kind=entry.kind, object_id=entry.object_id, weight=w
        )
        for gram, w in weights.items()
    ]


@transaction.atomic
def index_document(kind: str, object_id: int, title: str, body: str) -> SearchEntry:
    """Add or refresh one published document in the index."""
    entry, _created = SearchEntry.objects.update_or_create(
        kind=kind,
        object_id=object_id,
        defaults={
            "title": title,
            "text": body,
            "normalised_title": T.normalise(title)[:400],
            "normalised_text": T.normalise(body),
        },
    )
    SearchPosting.objects.filter(entry=entry).delete()
    SearchPosting.objects.bulk_create(_postings(entry, longer_words()), batch_size=BATCH)
    return entry


def _insert_postings(rows: list[tuple[int, int, str, int, float]]) -> None:
    """Many postings at once, without building a model object per row (about 250 rows per
    document): COPY on PostgreSQL, one prepared INSERT on SQLite."""
    columns = "entry_id, gram, kind, object_id, weight"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {_POSTING} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.executemany(
                f"INSERT INTO {_POSTING} ({columns}) VALUES (%s, %s, %s, %s, %s)", rows
            )


@transaction.atomic
def index_documents(
    kind: str,
    documents: Iterable[tuple[int, str, str]],
    *,
    normalise: Callable[[str], str] = T.normalise,
) -> int:
    """Index many documents at once — (object_id, title, text) — with bulk writes (the
    national data set, benchmarks). Documents of ``kind`` already indexed are replaced.
    ``normalise`` must give what ``text.normalise`` gives (the national loader passes one that
    caches repeated paragraphs)."""
    known = longer_words()
    count = 0
    batch: list[SearchEntry] = []

    def flush():
        object_ids = [e.object_id for e in batch]
        SearchEntry.objects.filter(kind=kind, object_id__in=object_ids).delete()
        SearchEntry.objects.bulk_create(batch)
        ids = dict(
            SearchEntry.objects.filter(kind=kind, object_id__in=object_ids).values_list(
                "object_id", "pk"
            )
        )
        _insert_postings(
            [
                (ids[e.object_id], gram, kind, e.object_id, weight)
                for e in batch
                for gram, weight in T.bigram_weights(
                    e.normalised_title, e.normalised_text, known
                ).items()
            ]
        )
        batch.clear()

    for object_id, title, body in documents:
        batch.append(
            SearchEntry(
                kind=kind,
                object_id=object_id,
                title=title,
                text=body,
                normalised_title=normalise(title)[:400],
                normalised_text=normalise(body),
            )
        )
        count += 1
        if len(batch) >= 1000:
            flush()
    if batch:
        flush()
    return count


def remove_document(kind: str, object_id: int) -> None:
    SearchEntry.objects.filter(kind=kind, object_id=object_id).delete()


@lru_cache(maxsize=1)
def _place_names(count: int) -> frozenset[str]:
    from ciodispatch.localgov.models import LocalGovernment

    return frozenset(
        T.normalise(name).replace(T.SEPARATOR, "")
        for name in LocalGovernment.objects.values_list("name", flat=True)
    )


def longer_words() -> frozenset[str]:
    """Known words that may contain a shorter word by accident: the names of every local
    government (東京都 contains 京都, 東大阪市 contains 大阪)."""
    from ciodispatch.localgov.models import LocalGovernment

    return _place_names(LocalGovernment.objects.count())


@dataclass
class Hit:
    kind: str
    object_id: int
    score: float
    terms: list[str]
    raw_title: str = field(repr=False)
    raw_text: str = field(repr=False)
    known: frozenset[str] = field(repr=False, default=frozenset())

    # Highlighting is the costly part: done only for the hits a page or an API answer shows.
    @cached_property
    def title(self) -> SafeString:
        return T.highlight(self.raw_title, self.terms, longer_words=self.known)

    @cached_property
    def snippet(self) -> SafeString:
        return T.highlight(self.raw_text, self.terms, longer_words=self.known, width=140)


@dataclass
class SearchResult:
    """One page of hits, best first, and how many documents match in all (``total``)."""

    query: T.ParsedQuery
    hits: list[Hit]
    total: int = 0

    @property
    def ids(self) -> list[int]:
        return [h.object_id for h in self.hits]

    def hit_for(self, object_id: int) -> Hit | None:
        return next((h for h in self.hits if h.object_id == object_id), None)


# --- the SQL -----------------------------------------------------------------------------

_POSTING = SearchPosting._meta.db_table
_ENTRY = SearchEntry._meta.db_table


def _occurrences_sql(column: str) -> str:
    # Non-overlapping occurrences of the parameter in ``column``, in both dialects.
    return f"((length({column}) - length(replace({column}, %s, ''))) / %s)"


def _hits_sql(column: str, term: str, traps: list[tuple[str, int]]) -> tuple[str, list]:
    """SQL for the hits of ``term`` in ``column``, less those inside longer place names."""
    sql = _occurrences_sql(column)
    params: list = [term, len(term)]
    for word, times in traps:
        sql += f" - {times} * {_occurrences_sql(column)}"
        params += [word, len(word)]
    return sql, params


def _term_sql(term: str, kind: str, known: frozenset[str]) -> tuple[str, list]:
    """(object_id, w): the documents of ``kind`` holding ``term``, with its score."""
    grams = list(dict.fromkeys(T.gram_number(g) for g in T.bigrams(term)))
    if len(term) == 2:
        return (
            f"SELECT object_id, weight AS w FROM {_POSTING} "
            "WHERE gram = %s AND kind = %s AND weight > 0",
            [grams[0], kind],
        )
    grams = grams[:MAX_GRAMS_PER_TERM]
    traps: dict[str, int] = {}
    for word, _offset in T.traps(term, known):
        traps[word] = traps.get(word, 0) + 1
    trap_list = sorted(traps.items())
    title_sql, title_params = _hits_sql("e.normalised_title", term, trap_list)
    text_sql, text_params = _hits_sql("e.normalised_text", term, trap_list)
    candidates = (
        f"SELECT object_id FROM {_POSTING} WHERE kind = %s AND gram IN "
        f"({', '.join(['%s'] * len(grams))}) GROUP BY object_id HAVING count(*) = %s"
    )
    sql = (
        f"SELECT object_id, ({TITLE_WEIGHT} * ln(1 + th) + ln(1 + bh)) / ln(tl + 20) AS w "
        f"FROM (SELECT e.object_id, {title_sql} AS th, {text_sql} AS bh, "
        "length(e.normalised_text) AS tl "
        f"FROM {_ENTRY} e WHERE e.kind = %s AND e.object_id IN ({candidates})) counted "
        "WHERE th + bh > 0"
    )
    return sql, [*title_params, *text_params, kind, kind, *grams, len(grams)]


def _query_sql(
    query: T.ParsedQuery, kind: str, within: QuerySet | None, known: frozenset[str]
) -> tuple[str, list]:
    """(object_id, score) of every matching document: AND within a group, the best group."""
    groups: list[tuple[str, list]] = []
    for group in query.groups:
        # Two-character words first: their postings drive the join below.
        parts = [_term_sql(t, kind, known) for t in sorted(group, key=lambda t: len(t) != 2)]
        if len(parts) == 1:
            sql, params = parts[0]
            groups.append((f"SELECT object_id, w AS score FROM ({sql}) t", params))
            continue
        # A join on object_id: each document of the first word's postings is looked up in
        # the next word's index (faster than grouping the union of every posting).
        froms = ", ".join(f"({sql}) t{i}" for i, (sql, _p) in enumerate(parts))
        joins = " AND ".join(f"t{i}.object_id = t0.object_id" for i in range(1, len(parts)))
        total = " + ".join(f"t{i}.w" for i in range(len(parts)))
        groups.append(
            (
                f"SELECT t0.object_id AS object_id, {total} AS score FROM {froms} WHERE {joins}",
                [p for _sql, params in parts for p in params],
            )
        )
    if len(groups) == 1:
        sql, params = groups[0]
    else:
        union = " UNION ALL ".join(
            f"SELECT object_id, score FROM ({sql}) g{i}" for i, (sql, _p) in enumerate(groups)
        )
        sql = f"SELECT object_id, max(score) AS score FROM ({union}) o GROUP BY object_id"
        params = [p for _sql, ps in groups for p in ps]
    if within is not None:
        inner_sql, inner_params = within.order_by().values("pk").query.sql_with_params()
        sql = f"SELECT object_id, score FROM ({sql}) s WHERE object_id IN ({inner_sql})"
        params = [*params, *inner_params]
    return sql, params


def _best_terms(entry: SearchEntry, query: T.ParsedQuery, known: frozenset[str]) -> list[str]:
    """The terms of the best-scoring group in this document (what the page highlights)."""
    title, body = entry.normalised_title, entry.normalised_text
    best, matched = -1.0, list(query.groups[0])
    for group in query.groups:
        counts = [
            (len(T.occurrences(title, term, known)), len(T.occurrences(body, term, known)))
            for term in group
        ]
        if all(t + b > 0 for t, b in counts):
            score = sum(T.score(t, b, len(body)) for t, b in counts)
            if score > best:
                best, matched = score, list(group)
    return sorted(matched, key=len, reverse=True)


def count(raw_query: str | None, *, kind: str, within: QuerySet | None = None) -> int:
    """How many documents of ``kind`` (among ``within``, a queryset of the documents' model)
    match: every one of them, exactly."""
    query = T.parse_query(raw_query)
    if query.is_empty:
        return 0
    sql, params = _query_sql(query, kind, within, longer_words())
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM ({sql}) c", params)
        return cursor.fetchone()[0]


def search(
    raw_query: str | None,
    *,
    kind: str,
    limit: int | None = None,
    offset: int = 0,
    within: QuerySet | None = None,
) -> SearchResult:
    """One page of the documents of ``kind`` matching the query, best first (ties: the
    newest, i.e. the highest id), and the total. ``within``: a queryset of the documents'
    model that narrows the search (the page's filters), applied in the same SQL. ``limit``
    None: every hit. Never raises on what a person typed: a query that cannot be searched
    returns no hits and ``result.query.problem`` says why."""
    query = T.parse_query(raw_query)
    if query.is_empty:
        return SearchResult(query=query, hits=[])
    known = longer_words()
    sql, params = _query_sql(query, kind, within, known)
    # One statement ranks every hit and counts them (a window over all rows, before LIMIT).
    page_sql = (
        f"SELECT object_id, score, count(*) OVER () FROM ({sql}) r "
        "ORDER BY score DESC, object_id DESC"
    )
    page_params = list(params)
    if limit is not None:
        page_sql += " LIMIT %s OFFSET %s"
        page_params += [limit, offset]
    elif offset:
        page_sql += " LIMIT -1 OFFSET %s" if connection.vendor == "sqlite" else " OFFSET %s"
        page_params += [offset]
    with connection.cursor() as cursor:
        cursor.execute(page_sql, page_params)
        rows = cursor.fetchall()
    ranked = [(object_id, score) for object_id, score, _total in rows]
    if rows:
        total = rows[0][2]
    elif offset:  # past the last page: the window saw no row
        total = count(raw_query, kind=kind, within=within)
    else:
        total = 0
    entries = {
        e.object_id: e
        for e in SearchEntry.objects.filter(
            kind=kind, object_id__in=[object_id for object_id, _s in ranked]
        )
    }
    hits = [
        Hit(
            kind=kind,
            object_id=object_id,
            score=score,
            terms=_best_terms(entries[object_id], query, known),
            raw_title=entries[object_id].title,
            raw_text=entries[object_id].text,
            known=known,
        )
        for object_id, score in ranked
        if object_id in entries
    ]
    return SearchResult(query=query, hits=hits, total=total)
