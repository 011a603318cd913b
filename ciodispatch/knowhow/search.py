"""Japanese full-text search over the know-how base: one code path on SQLite and PostgreSQL.

1. The database finds the candidates: documents whose index holds every bigram token of
   every word of the query (FTS5 MATCH on SQLite, tsvector @@ tsquery with a GIN index on
   PostgreSQL — the only vendor-specific lines, both over the same tokens).
2. Python confirms each word really occurs (bigrams alone would also match 予算 in 算予 …),
   skips a word found only inside a longer place name that does not begin with it (京都 in
   東京都), ranks and highlights. Both databases therefore return the same hits in the same
   order.

A new kind of document (small wins are one: ``progress.services.publish_win``) needs only
``index_document(kind, id, title, text)`` when it is published and ``remove_document`` when it
is withdrawn.
"""

import math
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from django.db import connection
from django.utils.safestring import SafeString

from ciodispatch.knowhow import text as T
from ciodispatch.knowhow.models import SearchEntry

MAX_TOKENS_PER_TERM = 24
MAX_CANDIDATES = 5000
TITLE_WEIGHT = 3


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
            "tokens": T.index_tokens(f"{title}\n{body}"),
        },
    )
    return entry


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
    query: T.ParsedQuery
    hits: list[Hit]

    @property
    def ids(self) -> list[int]:
        return [h.object_id for h in self.hits]

    def hit_for(self, object_id: int) -> Hit | None:
        return next((h for h in self.hits if h.object_id == object_id), None)


def _tokens_of(term: str) -> list[str]:
    return list(dict.fromkeys(T.token(g) for g in T.bigrams(term)))[:MAX_TOKENS_PER_TERM]


def _candidate_ids(tokens: list[str]) -> list[int]:
    """Entry ids whose index holds every token. Tokens are ASCII letters a–p only (made by
    text.token), never user text, so nothing typed can reach either query language."""
    assert all(t.isascii() and t.isalpha() for t in tokens)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT rowid FROM knowhow_search_fts WHERE knowhow_search_fts MATCH %s LIMIT %s",
                [" AND ".join(f'"{t}"' for t in tokens), MAX_CANDIDATES],
            )
        else:
            cursor.execute(
                "SELECT id FROM knowhow_searchentry "
                "WHERE tsv @@ to_tsquery('simple'::regconfig, %s) LIMIT %s",
                [" & ".join(tokens), MAX_CANDIDATES],
            )
        return [row[0] for row in cursor.fetchall()]


def _count(normalised: str, term: str, known: frozenset[str]) -> int:
    return len(T.occurrences(normalised, term, known))


def search(raw_query: str | None, *, kind: str, limit: int | None = None) -> SearchResult:
    """Search one kind of document. Never raises on what a person typed: a query that cannot
    be searched returns no hits and ``result.query.problem`` says why."""
    query = T.parse_query(raw_query)
    if query.is_empty:
        return SearchResult(query=query, hits=[])
    ids: set[int] = set()
    for group in query.groups:
        tokens = [t for term in group for t in _tokens_of(term)]
        ids.update(_candidate_ids(list(dict.fromkeys(tokens))))
    known = longer_words()
    hits: list[Hit] = []
    for entry in SearchEntry.objects.filter(pk__in=ids, kind=kind).only(
        "object_id", "title", "text", "normalised_title", "normalised_text"
    ):
        title, body = entry.normalised_title, entry.normalised_text
        best = 0.0
        matched: list[str] = []
        for group in query.groups:
            counts = [(_count(title, term, known), _count(body, term, known)) for term in group]
            if all(t + b > 0 for t, b in counts):
                score = sum(
                    TITLE_WEIGHT * math.log1p(t) + math.log1p(b) for t, b in counts
                ) / math.log(len(body) + 20)
                if score > best:
                    best, matched = score, list(group)
        if best <= 0:
            continue
        hits.append(
            Hit(
                kind=kind,
                object_id=entry.object_id,
                score=best,
                terms=sorted(matched, key=len, reverse=True),
                raw_title=entry.title,
                raw_text=entry.text,
                known=known,
            )
        )
    hits.sort(key=lambda h: (-h.score, -h.object_id))
    if limit is not None:
        hits = hits[:limit]
    return SearchResult(query=query, hits=hits)
