"""Japanese full-text search over the know-how base: one code path on SQLite and PostgreSQL.

The index is a table of postings (``SearchPosting``): one row per character bigram of each
published document, holding what the bigram adds to the document's score when it is searched
as a two-character word. Words longer than two characters that have been searched get their
own postings (``SearchTerm``, ``SearchTermPosting``). Every word is then one range of an
index that holds its documents' scores (docs/search.md):

- a two-character word (予算, 庁内, DX) is a range of the bigram postings (occurrences inside a
  longer place name — 京都 in 東京都 — were left out when the document was indexed);
- a longer word is a range of its own postings. The first search of a word makes them: its
  candidates (documents holding all of its bigrams) are read once and the word is confirmed
  and counted in their text (bigrams alone would accept 予算既存 for 既存予算), minus its
  occurrences inside longer place names; indexing a document adds its postings for every
  word kept for its kind;
- one word alone: the page is the top of the index range read in score order (no hit is
  ranked beyond the page) and the count a count of the range;
- words separated by spaces must all occur (their scores add up), the rarest word's postings
  driving the join; ``OR`` groups are alternatives (the best group's score counts).

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
from ciodispatch.knowhow.models import (
    SearchEntry,
    SearchPosting,
    SearchTerm,
    SearchTermPosting,
)

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
    known = longer_words()
    SearchPosting.objects.filter(entry=entry).delete()
    SearchPosting.objects.bulk_create(_postings(entry, known), batch_size=BATCH)
    SearchTermPosting.objects.filter(entry=entry).delete()
    _insert_term_postings(_term_rows(kind, [entry], known))
    return entry


def term_weight(title: str, body: str, term: str, known: frozenset[str]) -> float | None:
    """text.score() of ``term`` in a normalised title and text (the definition of a hit:
    ``text.occurrences``), None when it is not there."""
    if term not in title and term not in body:
        return None
    title_hits = len(T.occurrences(title, term, known))
    text_hits = len(T.occurrences(body, term, known))
    if not title_hits + text_hits:
        return None
    return T.score(title_hits, text_hits, len(body))


def _term_rows(
    kind: str, entries: list[SearchEntry], known: frozenset[str]
) -> list[tuple[int, int, int, float]]:
    """(term_id, entry_id, object_id, weight): the postings of ``entries`` for every word
    kept for ``kind``."""
    terms = list(SearchTerm.objects.filter(kind=kind).values_list("pk", "term"))
    rows = []
    for entry in entries:
        for term_id, term in terms:
            weight = term_weight(entry.normalised_title, entry.normalised_text, term, known)
            if weight is not None:
                rows.append((term_id, entry.pk, entry.object_id, weight))
    return rows


def _copy_rows(table: str, columns: str, rows: list[tuple]) -> None:
    """Many rows at once, without building a model object per row: COPY on PostgreSQL, one
    prepared INSERT on SQLite."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            places = ", ".join(["%s"] * len(columns.split(",")))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({places})", rows)


def _insert_term_postings(rows: list[tuple[int, int, int, float]]) -> None:
    if not rows:
        return
    _copy_rows(_TERM_POSTING, "term_id, entry_id, object_id, weight", rows)


def _insert_postings(rows: list[tuple[int, int, str, int, float]]) -> None:
    """Many postings at once (about 250 rows per document)."""
    _copy_rows(_POSTING, "entry_id, gram, kind, object_id, weight", rows)


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
        for e in batch:
            e.pk = ids[e.object_id]
        _insert_term_postings(_term_rows(kind, batch, known))
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
_TERM_POSTING = SearchTermPosting._meta.db_table


def _keep_term(kind: str, term: str, known: frozenset[str]) -> int:
    """The id of ``term``'s postings for ``kind``, made on its first search: the documents
    holding all of its bigrams whose text holds the word are read once, scored in Python
    (``term_weight``, the reference's definition) and their postings written."""
    with transaction.atomic():
        kept, created = SearchTerm.objects.get_or_create(kind=kind, term=term)
        if not created:
            return kept.pk
        if connection.vendor == "postgresql":
            # Documents indexed or removed meanwhile wait for this transaction (and it for
            # those already under way), so none misses the word's postings. SQLite has one
            # writer at a time: the insert above already waited for it.
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {_ENTRY} IN SHARE MODE")
        grams = list(dict.fromkeys(T.gram_number(g) for g in T.bigrams(term)))
        grams = grams[:MAX_GRAMS_PER_TERM]
        candidates = (
            f"SELECT object_id FROM {_POSTING} WHERE kind = %s AND gram IN "
            f"({', '.join(['%s'] * len(grams))}) GROUP BY object_id HAVING count(*) = %s"
        )
        # A word is made of letters and digits only (text.words): no LIKE wildcard in it.
        like = f"%{term}%"
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT e.id, e.object_id, e.normalised_title, e.normalised_text "
                f"FROM {_ENTRY} e WHERE e.kind = %s AND e.object_id IN ({candidates}) "
                "AND (e.normalised_text LIKE %s OR e.normalised_title LIKE %s)",
                [kind, kind, *grams, len(grams), like, like],
            )
            rows = []
            for entry_id, object_id, title, body in cursor.fetchall():
                weight = term_weight(title, body, term, known)
                if weight is not None:
                    rows.append((kept.pk, entry_id, object_id, weight))
        _insert_term_postings(rows)
        return kept.pk


def _term_ids(query: T.ParsedQuery, kind: str, known: frozenset[str]) -> dict[str, int]:
    """The postings' ids of the query's words longer than two characters (one query; the
    first search of a word makes them)."""
    longer = sorted({t for group in query.groups for t in group if len(t) > 2})
    if not longer:
        return {}
    ids = dict(SearchTerm.objects.filter(kind=kind, term__in=longer).values_list("term", "pk"))
    for term in longer:
        if term not in ids:
            ids[term] = _keep_term(kind, term, known)
    return ids


def _term_sql(term: str, kind: str, term_ids: dict[str, int]) -> tuple[str, list]:
    """(object_id, w): the documents of ``kind`` holding ``term``, with its score."""
    if len(term) == 2:
        return (
            f"SELECT object_id, weight AS w FROM {_POSTING} "
            "WHERE gram = %s AND kind = %s AND weight > 0",
            [T.gram_number(term), kind],
        )
    return (
        f"SELECT object_id, weight AS w FROM {_TERM_POSTING} WHERE term_id = %s",
        [term_ids[term]],
    )


def _rarest_first(group: tuple[str, ...], kind: str, term_ids: dict[str, int]) -> list[str]:
    """The words of a group, the one with the fewest documents first (it drives the join:
    each of its documents is looked up in the others' indexes)."""
    if len(group) == 1 or connection.vendor != "sqlite":
        # PostgreSQL orders the join itself, from its statistics of each gram and term.
        return list(group)
    parts = [_term_sql(t, kind, term_ids) for t in group]
    sql = "SELECT " + ", ".join(
        f"(SELECT count(*) FROM ({p}) c{i})" for i, (p, _) in enumerate(parts)
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [x for _p, params in parts for x in params])
        counts = cursor.fetchone()
    return [t for _c, _i, t in sorted(zip(counts, range(len(group)), group, strict=True))]


def _query_sql(
    query: T.ParsedQuery, kind: str, within: QuerySet | None, term_ids: dict[str, int]
) -> tuple[str, list]:
    """(object_id, score) of every matching document: AND within a group, the best group."""
    groups: list[tuple[str, list]] = []
    for group in query.groups:
        parts = [_term_sql(t, kind, term_ids) for t in _rarest_first(group, kind, term_ids)]
        if len(parts) == 1:
            sql, params = parts[0]
            groups.append((f"SELECT object_id, w AS score FROM ({sql}) t", params))
            continue
        # A join on object_id, in this order (CROSS JOIN keeps it on SQLite; PostgreSQL
        # plans it): each document of the rarest word is looked up in the next word's index.
        froms = " CROSS JOIN ".join(f"({sql}) t{i}" for i, (sql, _p) in enumerate(parts))
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


def _best_terms(title: str, body: str, query: T.ParsedQuery, known: frozenset[str]) -> list[str]:
    """The terms of the best-scoring group in a document, given its normalised title and
    text (what the page highlights)."""
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


def _count(sql: str, params: list) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM ({sql}) c", params)
        return cursor.fetchone()[0]


def count(raw_query: str | None, *, kind: str, within: QuerySet | None = None) -> int:
    """How many documents of ``kind`` (among ``within``, a queryset of the documents' model)
    match: every one of them, exactly."""
    query = T.parse_query(raw_query)
    if query.is_empty:
        return 0
    known = longer_words()
    return _count(*_query_sql(query, kind, within, _term_ids(query, kind, known)))


def _limit_sql(limit: int | None, offset: int) -> tuple[str, list]:
    if limit is not None:
        return " LIMIT %s OFFSET %s", [limit, offset]
    if offset:
        return (" LIMIT -1 OFFSET %s" if connection.vendor == "sqlite" else " OFFSET %s"), [offset]
    return "", []


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
    term_ids = _term_ids(query, kind, known)
    sql, params = _query_sql(query, kind, within, term_ids)
    limit_sql, limit_params = _limit_sql(limit, offset)
    order = " ORDER BY score DESC, object_id DESC"
    single = within is None and len(query.groups) == 1 and len(query.groups[0]) == 1
    # The page's entries come with it (the text to highlight): one statement.
    window = "" if single else ", count(*) OVER () AS total"
    page_sql = (
        "SELECT p.object_id, p.score, e.title, e.text, e.normalised_title, e.normalised_text"
        + ("" if single else ", p.total")
        + f" FROM (SELECT object_id, score{window} FROM ({sql}) r{order}{limit_sql}) p "
        f"JOIN {_ENTRY} e ON e.kind = %s AND e.object_id = p.object_id"
        + order.replace("score", "p.score").replace("object_id", "p.object_id")
    )
    with connection.cursor() as cursor:
        cursor.execute(page_sql, [*params, *limit_params, kind])
        rows = cursor.fetchall()
    if single:
        # One word: the page is the top of its index range read in score order, and the
        # count a count of the range; no hit beyond the page is ranked.
        total = _count(sql, params) if limit is not None or offset else len(rows)
    elif rows:
        # Several words: the join is evaluated whole; the window counts every hit.
        total = rows[0][6]
    elif offset:  # past the last page: the window saw no row
        total = _count(sql, params)
    else:
        total = 0
    hits = [
        Hit(
            kind=kind,
            object_id=row[0],
            score=row[1],
            terms=_best_terms(row[4], row[5], query, known),
            raw_title=row[2],
            raw_text=row[3],
            known=known,
        )
        for row in rows
    ]
    return SearchResult(query=query, hits=hits, total=total)
