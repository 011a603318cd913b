"""The two real programmes, written in the rule format (docs/incentives.md shows the same).

Used by the demo and the tests. The figures an office must check against each year's notice
are marked in docs/incentives.md.
"""

from decimal import Decimal

from ciodispatch.incentives.services import RuleInput

CIO_ADVISER = "cio-adviser"
REGIONAL_ADVISER = "regional-adviser"

# 財政力指数: national municipal average of the FY2021 settlement (0.50), the latest figure in the
# bundled registry (総務省「地方公共団体の主要財政指標一覧」令和3年度). An illustrative stand-in for
# the average the notice of each year names.
NATIONAL_AVERAGE = Decimal("0.50")


def programme_definitions() -> list[dict[str, str]]:
    """Programme names and bases are data (official Japanese names), not UI text."""
    return [
        {
            "code": CIO_ADVISER,
            "name": "外部CIO補佐官（自治体DX推進計画）",
            "kind": "special_tax",
            "basis": (
                "自治体DX推進計画（総務省）: CIO補佐官等として外部人材を任用等する経費について、"
                "措置率0.5で特別交付税措置。上限額は出典を確認できないため設定していない。"
            ),
        },
        {
            "code": REGIONAL_ADVISER,
            "name": "地域力創造アドバイザー",
            "kind": "special_tax",
            "basis": (
                "地域力創造アドバイザー制度（総務省）: 上限は財政力指数が全国平均以下の団体で"
                "1・2・3年目 5,600／3,500／2,100千円、平均超で 2,800／1,750／1,050千円。"
                "措置率1.0（上限額で決まる）は仮定であり、各年度の通知で確認すること。"
            ),
        },
    ]


def rule_for(code: str, fiscal_year: int) -> RuleInput:
    label = f"全国市町村平均（令和3年度決算）。{fiscal_year}年度の値は通知で確認"
    note = f"{fiscal_year}年度の初版"
    if code == CIO_ADVISER:
        return RuleInput(
            rate=Decimal("0.5"),
            eligible_items=("pay", "travel", "recruitment"),
            rounding_mode="floor",
            rounding_unit=1,
            exclude_index_at_or_above=Decimal("1.00"),
            exclude_without_index=True,
            source="自治体DX推進計画（総務省）: CIO補佐官等の外部人材の任用等に要する経費 × 0.5",
            note=note,
        )
    return RuleInput(
        rate=Decimal("1.0"),
        eligible_items=("pay", "travel"),
        rounding_mode="floor",
        rounding_unit=1,
        threshold=NATIONAL_AVERAGE,
        threshold_label=label,
        ceilings_at_or_below=(5_600_000, 3_500_000, 2_100_000),
        ceilings_above=(2_800_000, 1_750_000, 1_050_000),
        exclude_index_at_or_above=Decimal("1.00"),
        exclude_without_index=True,
        source=(
            "地域力創造アドバイザー制度（総務省）: 上限 560/350/210万円（全国平均以下）, "
            "280/175/105万円（超）"
        ),
        note=note,
    )
