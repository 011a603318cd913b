"""Read-only questions about the know-how base, for this app and for others (the portal)."""

from django.db.models import Q, QuerySet

from ciodispatch.knowhow import search
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
    fiscal year the case's period covers."""
    if theme:
        queryset = queryset.filter(theme=theme)
    if prefecture:
        queryset = queryset.filter(local_governments__prefecture_code=prefecture).distinct()
    if period:
        queryset = queryset.filter(year_from__lte=period).filter(
            Q(year_to__gte=period) | Q(year_to__isnull=True, year_from=period)
        )
    if challenge:
        # JSON list membership, the same on SQLite and PostgreSQL (no __contains on SQLite).
        queryset = queryset.filter(pk__in=[c.pk for c in queryset if challenge in c.challenges])
    return queryset


def search_cases(q: str | None, **filters) -> tuple[list[Case], search.SearchResult | None]:
    """Published cases matching ``q`` (ranked) and the filters; without ``q``, newest first."""
    queryset = filter_cases(published_cases(), **filters).prefetch_related("local_governments")
    if not (q or "").strip():
        return list(queryset), None
    result = search.search(q, kind=search_kind_case())
    by_id = {case.pk: case for case in queryset.filter(pk__in=result.ids)}
    return [by_id[pk] for pk in result.ids if pk in by_id], result


def search_manuals(q: str | None) -> tuple[list[Manual], search.SearchResult | None]:
    queryset = published_manuals()
    if not (q or "").strip():
        return list(queryset), None
    result = search.search(q, kind="manual")
    by_id = {m.pk: m for m in queryset.filter(pk__in=result.ids)}
    return [by_id[pk] for pk in result.ids if pk in by_id], result


def search_kind_case() -> str:
    return "case"
