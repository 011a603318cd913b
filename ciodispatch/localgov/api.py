import re
from typing import Annotated

from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status
from pydantic import WithJsonSchema

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
from ciodispatch.localgov.codes import InvalidCode, parse_code
from ciodispatch.localgov.models import Kind, LocalGovernment
from ciodispatch.localgov.queries import filter_local_governments
from ciodispatch.localgov.regions import Region

router = Router(tags=["local governments"])

CODE_PATTERN = re.compile("^(0[1-9]|[1-3][0-9]|4[0-7])[0-9]{4}$")

ATTRIBUTION = (
    "出典：総務省「全国地方公共団体コード」、総務省統計局「令和2年国勢調査」、"
    "総務省「地方公共団体の主要財政指標一覧」（令和3年度）を加工して作成"
)
LICENCE = "政府標準利用規約（第2.0版）; compatible with CC BY 4.0"


class LocalGovernmentOut(Schema):
    code: str = Field(description="全国地方公共団体コード (JIS X 0402), 6 digits")
    prefecture_code: str = Field(description="JIS X 0401 prefecture code, 01–47")
    prefecture: str
    name: str
    name_kana: str
    kind: Kind
    region: Region
    population: int | None = Field(description="2020 census; null when unknown (双葉町)")
    population_year: int
    fiscal_strength_index: float | None = Field(description="財政力指数")
    fiscal_strength_year: int = Field(description="fiscal year of the 財政力指数")


class LocalGovernmentPage(ListPage):
    items: list[LocalGovernmentOut]
    attribution: str
    licence: str


NameSearch = search_words(40, "name or reading (kana)")


class LocalGovernmentFilters(Schema):
    prefecture: PrefectureFilter = None
    region: Region | None = None
    kind: Kind | None = None
    max_population: int | None = Field(None, ge=0, le=MAX_INTEGER)
    q: NameSearch = None
    page: int = Field(1, ge=1, le=MAX_INTEGER, description=PAGE_DESCRIPTION)
    page_size: int = Field(50, ge=1, le=200)


def _out(lg: LocalGovernment) -> dict:
    return {
        "code": lg.code,
        "prefecture_code": lg.prefecture_code,
        "prefecture": lg.prefecture,
        "name": lg.name,
        "name_kana": lg.name_kana,
        "kind": lg.kind,
        "region": lg.region,
        "population": lg.population,
        "population_year": lg.population_year,
        "fiscal_strength_index": (
            float(lg.fiscal_strength_index) if lg.fiscal_strength_index is not None else None
        ),
        "fiscal_strength_year": lg.fiscal_strength_year,
    }


@router.get(
    "/local-governments",
    response={200: LocalGovernmentPage, 400: Problem},
    summary="List local governments",
    description="400 names the parameter to correct. " + PAGE_DESCRIPTION.capitalize() + ".",
)
@guard_api(policy.Action.VIEW_LOCAL_GOVERNMENTS)
def list_local_governments(request, filters: Query[LocalGovernmentFilters]):
    queryset = filter_local_governments(
        prefecture=filters.prefecture,
        region=filters.region,
        kind=filters.kind,
        max_population=filters.max_population,
        q=filters.q,
    )
    where, items = page_of(queryset, filters.page, filters.page_size)
    return {
        **where,
        "items": [_out(lg) for lg in items],
        "attribution": ATTRIBUTION,
        "licence": LICENCE,
    }


@router.get(
    "/local-governments/{code}",
    response={200: LocalGovernmentOut, 400: Problem, 404: Problem},
    summary="One local government by its code",
    description=(
        "400 when the code is not a 全国地方公共団体コード (its sixth digit is a check digit, "
        "which the pattern cannot express); 404 when no local government has it."
    ),
)
@guard_api(policy.Action.VIEW_LOCAL_GOVERNMENTS)
def get_local_government(
    request,
    code: Annotated[
        str,
        Path(),
        # The pattern in the schema only: parse_code's own message says what is wrong.
        WithJsonSchema(
            {
                "type": "string",
                "pattern": CODE_PATTERN.pattern,
                "description": "全国地方公共団体コード (JIS X 0402): 6 ASCII digits, "
                "the last a check digit",
            }
        ),
    ],
):
    try:
        valid = parse_code(code)
    except InvalidCode as exc:
        return Status(400, {"detail": str(exc)})
    if not CODE_PATTERN.fullmatch(code):  # full-width digits or spaces: valid for a form only
        return Status(400, {"detail": _("Use the code's 6 digits (ASCII), e.g. 412040.")})
    lg = LocalGovernment.objects.filter(code=valid.value).first()
    if lg is None:
        return Status(
            404,
            {
                "detail": _("No local government has the code %s (it may have merged).")
                % valid.value
            },
        )
    return Status(200, _out(lg))
