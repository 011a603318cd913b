"""Open data: published cases with the same search and filters as the public page."""

import html

from django.urls import reverse
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status

from ciodispatch import policy
from ciodispatch.api_support import (
    MAX_INTEGER,
    PAGE_DESCRIPTION,
    ListPage,
    PrefectureFilter,
    Problem,
    guard_api,
    page_of,
    search_words,
)
from ciodispatch.candidates.choices import Domain
from ciodispatch.core.programme import Challenge
from ciodispatch.knowhow import queries
from ciodispatch.knowhow.models import LICENCE, LICENCE_URL, Case

router = Router(tags=["know-how"])

ATTRIBUTION = "認定CIO派遣制度 事務局「ノウハウベース」"


class Outcome(Schema):
    label: str
    value: str = Field(description="the figure, empty when no public source gives one")
    source: str
    url: str


class Source(Schema):
    title: str
    url: str


class GovernmentRef(Schema):
    code: str = Field(description="全国地方公共団体コード (JIS X 0402)")
    name: str
    prefecture_code: str


class CaseOut(Schema):
    id: int
    url: str
    title: str
    summary: str
    local_governments: list[GovernmentRef]
    theme: str = Field(description="one of the programme's domains; empty when none")
    year_from: int | None = Field(description="first fiscal year (年度)")
    year_to: int | None
    challenges: list[Challenge]
    challenges_other: list[str]
    success_points: list[str] = Field(description="事業成功のポイント")
    spread_points: list[str] = Field(description="横展開のポイント")
    roles: dict[str, str] = Field(description="head, leader, followers, field")
    outcomes: list[Outcome]
    sources: list[Source]
    body_markdown: str
    version: int
    published_at: str | None
    licence: str
    licence_url: str
    attribution: str


class CaseSummary(Schema):
    id: int
    url: str
    title: str
    summary: str
    local_governments: list[GovernmentRef]
    theme: str
    year_from: int | None
    year_to: int | None
    challenges: list[Challenge]
    snippet: str = Field(description="plain text around the first hit when searching")


class CasePage(ListPage):
    message: str = Field(description="why a query could not be searched, else empty")
    items: list[CaseSummary]
    licence: str
    licence_url: str
    attribution: str


CaseSearch = search_words(500, "Japanese words; OR between words for either")


class CaseFilters(Schema):
    q: CaseSearch = None
    theme: Domain | None = None
    challenge: Challenge | None = None
    prefecture: PrefectureFilter = None
    period: int | None = Field(None, ge=1990, le=2100, description="a fiscal year the case covers")
    page: int = Field(1, ge=1, le=MAX_INTEGER, description=PAGE_DESCRIPTION)
    page_size: int = Field(20, ge=1, le=100)


def _governments(case: Case) -> list[dict]:
    return [
        {"code": lg.code, "name": lg.name, "prefecture_code": lg.prefecture_code}
        for lg in case.local_governments.all()
    ]


def _plain(snippet: str) -> str:
    """The highlighted snippet as plain text (no <mark>, no HTML entities)."""
    return html.unescape(strip_tags(snippet))


def _url(request, case: Case) -> str:
    return request.build_absolute_uri(reverse("knowhow:case_detail", args=[case.pk]))


def _summary(request, case: Case) -> dict:
    """The fields of ``CaseSummary``, shared by a page of cases and one case."""
    return {
        "id": case.pk,
        "url": _url(request, case),
        "title": case.title,
        "summary": case.summary,
        "local_governments": _governments(case),
        "theme": case.theme,
        "year_from": case.year_from,
        "year_to": case.year_to,
        "challenges": case.challenges,
    }


@router.get(
    "/cases",
    response={200: CasePage, 400: Problem},
    summary="Search the published cases (licence CC BY 4.0)",
    description="400 names the parameter to correct. " + PAGE_DESCRIPTION.capitalize() + ".",
)
@guard_api(policy.Action.BROWSE_KNOWHOW)
def list_cases(request, filters: Query[CaseFilters]):
    cases, result = queries.search_cases(
        filters.q,
        theme=filters.theme,
        challenge=filters.challenge,
        prefecture=filters.prefecture,
        period=filters.period,
        page=((filters.page - 1) * filters.page_size, filters.page_size),
    )
    where, items = page_of(cases, filters.page, filters.page_size)
    hits = {h.object_id: h for h in result.hits} if result else {}
    return Status(
        200,
        {
            **where,
            "message": str(result.query.problem) if result else "",
            "items": [
                {
                    **_summary(request, case),
                    "snippet": _plain(hits[case.pk].snippet) if case.pk in hits else "",
                }
                for case in items
            ],
            "licence": LICENCE,
            "licence_url": LICENCE_URL,
            "attribution": ATTRIBUTION,
        },
    )


@router.get(
    "/cases/{case_id}",
    response={200: CaseOut, 400: Problem, 404: Problem},
    summary="One published case (licence CC BY 4.0)",
    description="400 when the number is not a whole number from 1; 404 when no published "
    "case has it.",
)
@guard_api(policy.Action.BROWSE_KNOWHOW)
def get_case(
    request,
    case_id: int = Path(..., ge=1, le=MAX_INTEGER, description="the case's number"),
):
    case = (
        queries.published_cases().prefetch_related("local_governments").filter(pk=case_id).first()
    )
    if case is None:
        return Status(404, {"detail": _("No published case has the number %s.") % case_id})
    return Status(
        200,
        {
            **_summary(request, case),
            "challenges_other": case.challenges_other,
            "success_points": case.success_points,
            "spread_points": case.spread_points,
            "roles": case.roles,
            "outcomes": case.outcomes,
            "sources": case.sources,
            "body_markdown": case.body,
            "version": case.version,
            "published_at": case.published_at.isoformat() if case.published_at else None,
            "licence": LICENCE,
            "licence_url": LICENCE_URL,
            "attribution": ATTRIBUTION,
        },
    )
