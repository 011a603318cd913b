"""Read-only questions about the know-how base, for this app and for others (the portal)."""

from django.db.models import Exists, OuterRef, Q, QuerySet, TextField
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
        queryset = queryset.filter(
            Exists(
                through.objects.filter(
                    case=OuterRef("pk"), localgovernment__prefecture_code=prefecture
                )
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
    """The published cases matching a query, best first, for a Paginator: ``count()`` asks
    the database how many match, a slice fetches that page only. The hits of the page last
    fetched are in ``result.hits``."""

    def __init__(self, q: str, queryset: QuerySet[Case], kind: str):
        self.q = q
        self.queryset = queryset
        self.kind = kind
        self.result = search.SearchResult(query=T.parse_query(q), hits=[])
        self._count: int | None = None

    def count(self) -> int:
        if self._count is None:
            self._count = search.count(self.q, kind=self.kind, within=self.queryset)
            self.result.total = self._count
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        offset = index.start or 0
        limit = None if index.stop is None else max(0, index.stop - offset)
        result = search.search(
            self.q,
            kind=self.kind,
            limit=limit,
            offset=offset,
            within=self.queryset,
            count_total=self._count is None,
        )
        if self._count is None:
            self._count = result.total
        result.total = self._count
        self.result.hits, self.result.total = result.hits, result.total
        by_id = {case.pk: case for case in self.queryset.filter(pk__in=result.ids)}
        return [by_id[pk] for pk in result.ids if pk in by_id]


def search_cases(
    q: str | None, **filters
) -> tuple[QuerySet[Case] | RankedCases, search.SearchResult | None]:
    """Published cases matching ``q`` (ranked) and the filters; without ``q``, newest first.
    Both are lazy: paginate them, and only the page's rows are read."""
    queryset = filter_cases(published_cases(), **filters).prefetch_related("local_governments")
    if not (q or "").strip():
        return queryset, None
    ranked = RankedCases(q, queryset, search_kind_case())
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
