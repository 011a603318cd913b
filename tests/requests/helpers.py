"""Dispatch requests built through the real services, for the tests."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from ciodispatch.localgov.models import LocalGovernment
from ciodispatch.requests import services
from ciodispatch.training import services as training
from ciodispatch.training.models import Track

AUTHORITY = (
    "CIOは副市長直轄の情報政策統括監として任用し、情報政策課・DX推進係の職員5名を指揮する。"
    "基幹システム標準化と調達の方針決定について市長に直接具申し、決定に基づき各課に指示できる。"
)


def open_round(*, fiscal_year=None, **overrides):
    today = timezone.localdate()
    values = {
        "title": "テスト年度 派遣要請",
        "requests_open": today - dt.timedelta(days=10),
        "requests_close": today + dt.timedelta(days=30),
        "dispatch_start": today + dt.timedelta(days=120),
        "min_readiness_score": None,
    } | overrides
    return services.configure_round(fiscal_year or today.year, actor=None, **values)


def complete_readiness_training(*users):
    course = training.create_course(
        track=Track.READINESS, title=f"外部人材活用研修 {users[0].username}", actor=None
    )
    start = timezone.now() - dt.timedelta(days=5)
    session = training.schedule_session(
        course, starts_at=start, ends_at=start + dt.timedelta(hours=3), capacity=10,
        place="オンライン", actor=None,
    )  # fmt: skip
    for user in users:
        enrolment = training.enrol(session, user, actor=None)
        training.record_attendance(enrolment, True, actor=None)
        training.record_completion(enrolment, None, actor=None)


def fill(request, actor, *, liaison, counterpart, vendors=("富士通",)):
    round_start = request.request_round.dispatch_start
    services.save_basics(
        request, actor=actor, title="基幹システム標準化とDX推進",
        goals="標準準拠システムへの移行を機に、窓口のオンライン化と業務改革を進める。",
        challenges=["talent_shortage", "vendor_dependency"],
    )  # fmt: skip
    services.save_cio_wanted(
        request, actor=actor, skill_roles=["producer", "project_manager"], term_months=24,
        start_date=round_start, work_pattern="part_time", days_per_week=2, work_place="either",
        appointment_form="special_part_time",
    )  # fmt: skip
    services.save_budget(
        request, actor=actor, budget_yen=9_000_000, pay_yen_per_month=600_000,
        vendors=list(vendors), no_vendors=not vendors,
    )  # fmt: skip
    services.save_people(
        request,
        actor=actor,
        authority_statement=AUTHORITY,
        liaison=liaison,
        counterpart=counterpart,
    )
    services.save_kpis(
        request, actor=actor,
        kpis=[services.KPIInput("オンライン手続数", "件", Decimal(12), Decimal(80))],
    )  # fmt: skip
    request.refresh_from_db()
    return request


def taku_request(personas, request_round=None):
    request_round = request_round or open_round()
    request = services.start_request(
        request_round, actor=personas.host1, host=LocalGovernment.objects.get(code="412040")
    )
    return fill(request, personas.host1, liaison=personas.host1, counterpart=personas.host1_head)
