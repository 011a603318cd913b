"""Open data: the programme's statistics as JSON (CC BY 4.0)."""

from ninja import Field, Router, Schema

from ciodispatch import policy
from ciodispatch.api_support import guard_api
from ciodispatch.portal.statistics import public_statistics

router = Router(tags=["statistics"])


class FiscalYearRow(Schema):
    fiscal_year: int = Field(description="年度 (April to March)")
    requests: int = Field(description="dispatch requests filed (drafts not counted)")
    approved: int = Field(description="requests approved for the matching round")
    hosts_in_round: int | None = Field(description="hosts in the published matching round")
    candidates: int | None = Field(description="candidates who ranked posts in the round")
    matched: int | None = Field(description="matched pairs (null: no round published)")
    fill_rate: float | None = Field(description="matched / hosts in the round, 0..1")
    dispatched: int = Field(description="dispatches of the round that started")
    running: int = Field(description="of which running now (incl. extended)")
    completed: int = Field(description="of which completed their term")
    ended_early: int = Field(description="of which ended early")


class PrefectureRow(Schema):
    prefecture_code: str = Field(description="JIS X 0401, 01–47")
    prefecture: str
    region: str
    requests: int = Field(description="requests with a host or member in the prefecture")
    matched: int | None
    dispatched: int = Field(description="dispatches started with a host or member here")


class RegionRow(Schema):
    region: str
    label: str
    requests: int
    matched: int | None
    dispatched: int


class ChallengeRow(Schema):
    challenge: str = Field(description="one of the six common challenges (共通の課題)")
    label: str
    requests: int
    matched: int | None
    dispatched: int


class RoleRow(Schema):
    role: str = Field(description="role wanted, from the skill standard (外部人材スキル標準)")
    label: str
    requests: int


class SupportRow(Schema):
    fiscal_year: int
    offers: int = Field(description="support offers opened by advanced local governments")
    requests: int
    approved: int
    completed: int = Field(description="supports given (visit recorded)")


class EventFigures(Schema):
    held: int
    participants: int
    upcoming: int


class ProgressBand(Schema):
    band: str = Field(description="progress toward the target: worse, 0-25, …, 100 (reached)")
    label: str
    kpis: int


class OutcomeFigures(Schema):
    dispatches: int = Field(description="dispatches started (running or finished)")
    finished: int
    kpis_measured: int = Field(description="KPIs of those dispatches with a value recorded")
    kpis_reached: int = Field(description="of which at or past their target (latest value)")
    by_progress: list[ProgressBand]
    published_small_wins: int


class Statistics(Schema):
    generated_on: str
    licence: str
    attribution: str
    matching_published: bool
    dispatches_recorded: bool
    dispatches_note: str
    by_fiscal_year: list[FiscalYearRow]
    by_prefecture: list[PrefectureRow]
    by_region: list[RegionRow]
    by_challenge: list[ChallengeRow]
    by_role: list[RoleRow]
    support: list[SupportRow]
    events: EventFigures
    published_cases: int | None = Field(description="null while the know-how base is absent")
    outcomes: OutcomeFigures


@router.get(
    "/statistics",
    response=Statistics,
    summary="Programme statistics (open data, CC BY 4.0)",
    description=(
        "Dispatch requests, matched pairs and dispatches by fiscal year, prefecture, region "
        "and challenge; the fill rate of each published matching round; direct support and "
        "events. Counts only, no personal data. Licence: CC BY 4.0."
    ),
)
@guard_api(policy.Action.VIEW_STATISTICS)
def get_statistics(request):
    return public_statistics()
