"""Read-only questions about the know-how base, for this app and for others (the portal)."""

from django.db.models import Q, QuerySet, TextField
from django.db.models.functions import Cast

from ciodispatch.knowhow import search
from ciodispatch.knowhow import text as T
from ciodispatch.knowhow.models import Case, Manual


def published_cases() -> QuerySet[Case]:
    """Every published case (what the public may read), newest first."""
    return Case.objects.filter(state=Case.State.PUBLISHED).order_by("-published_at", "-id")


def published_manuals() -> QuerySet[Manual]:
    return Manual.objects.filter(state=Manual.State.PUBLISHED).order_by("title")


def filter_cases(
    queryset: QuerySet[Case],
    *,
    theme: str | None = None,
    challenge: str | None = None,
    prefecture: str | None = None,
    period: int | None = None,
) -> QuerySet[Case]:
    """Narrow cases by theme, one of the six challenges, a prefecture code (01–47) and a
    fiscal year the case's period covers. Every filter is SQL: nothing is loaded."""
    if theme:
        queryset = queryset.filter(theme=theme)
    if prefecture:
        through = Case.local_governments.through
        # The prefecture's few cases drive the query (IN, not a test of every case).
        queryset = queryset.filter(
            pk__in=through.objects.filter(localgovernment__prefecture_code=prefecture).values(
                "case_id"
            )
        )
    if period:
        queryset = queryset.filter(year_from__lte=period).filter(
            Q(year_to__gte=period) | Q(year_to__isnull=True, year_from=period)
        )
    if challenge:
        # JSON list membership, the same SQL on SQLite and PostgreSQL (no __contains on
        # SQLite): the list's text holds the code in quotes, and no code holds a quote.
        queryset = queryset.alias(challenge_list=Cast("challenges", TextField())).filter(
            challenge_list__contains=f'"{challenge}"'
        )
    return queryset


class RankedCases:
    """The published cases matching a query, best first, for a Paginator: ``count()`` and a
    slice read only one page from the database. ``page`` (offset, size), when given, is the
    page the caller will ask for: ``count()`` then fetches it in the same statement. The hits
    of the page last fetched are in ``result.hits``."""

    def __init__(self, q: str, queryset: QuerySet[Case], kind: str, *, filtered: bool, page=None):
        self.q = q
        self.queryset = queryset
        self.kind = kind
        # Only published documents are indexed: without filters the index needs no join.
        self.within = queryset if filtered else None
        self.result = search.SearchResult(query=T.parse_query(q), hits=[])
        self._page = page
        self._total: int | None = None
        self._fetched: dict[tuple[int, int | None], list[Case]] = {}

    def _fetch(self, offset: int, limit: int | None) -> list[Case]:
        for (done_offset, done_limit), cases in self._fetched.items():
            # The Paginator asks for the last page's exact size after count(): same rows.
            if done_offset == offset and done_limit is not None and limit is not None:
                if limit <= done_limit:
                    return cases[:limit]
        result = search.search(
            self.q, kind=self.kind, limit=limit, offset=offset, within=self.within
        )
        self.result.hits, self.result.total = result.hits, result.total
        self._total = result.total
        by_id = {case.pk: case for case in self.queryset.filter(pk__in=result.ids)}
        cases = [by_id[pk] for pk in result.ids if pk in by_id]
        self._fetched = {(offset, limit): cases}
        return cases

    def count(self) -> int:
        if self.result.query.is_empty:
            return 0
        if self._total is None:
            if self._page is not None:
                self._fetch(*self._page)
            else:
                self._total = search.count(self.q, kind=self.kind, within=self.within)
        return self._total

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        offset = index.start or 0
        limit = None if index.stop is None else max(0, index.stop - offset)
        return self._fetch(offset, limit)


class NewestCases:
    """Published cases newest first, for a Paginator: a queryset's count and slices, except
    that a page in the second half is read from the other end (the order reversed, a small
    offset, the rows turned round), so the last page costs what the first does: an OFFSET
    reads and discards every row before it. ``queryset`` must be ordered."""

    def __init__(self, queryset: QuerySet[Case]):
        self.queryset = queryset
        self._total: int | None = None

    def count(self) -> int:
        if self._total is None:
            self._total = self.queryset.count()
        return self._total

    def __len__(self) -> int:
        return self.count()

    def __iter__(self):
        return iter(self.queryset)

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        offset = index.start or 0
        total = self.count()
        stop = total if index.stop is None else min(index.stop, total)
        if offset >= stop:
            return []
        if offset <= total - stop:
            return list(self.queryset[offset:stop])
        rows = list(self.queryset.reverse()[total - stop : total - offset])
        rows.reverse()
        return rows


def search_cases(
    q: str | None, *, page: tuple[int, int] | None = None, **filters
) -> tuple[NewestCases | RankedCases, search.SearchResult | None]:
    """Published cases matching ``q`` (ranked) and the filters; without ``q``, newest first.
    Both are lazy: paginate them, and only the page's rows are read. ``page``: (offset,
    size) of the page that will be shown, so that the count and the page are one query."""
    queryset = filter_cases(published_cases(), **filters).prefetch_related("local_governments")
    if not (q or "").strip():
        return NewestCases(queryset), None
    filtered = any(filters.values())
    ranked = RankedCases(q, queryset, search_kind_case(), filtered=filtered, page=page)
    return ranked, ranked.result


def search_manuals(q: str | None) -> tuple[list[Manual], search.SearchResult | None]:
    queryset = published_manuals()
    if not (q or "").strip():
        return list(queryset), None
    result = search.search(q, kind="manual")
    by_id = {m.pk: m for m in queryset.filter(pk__in=result.ids)}
    return [by_id[pk] for pk in result.ids if pk in by_id], result


def search_kind_case() -> str:
    return "case"
