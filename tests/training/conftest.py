import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from ciodispatch.training import services
from ciodispatch.training.models import Track


def in_days(days: float, hour: int = 10) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


@pytest.fixture
def courses(personas):
    office = personas.office
    return SimpleNamespace(
        ps=services.create_course(
            track=Track.PUBLIC_SECTOR,
            title="自治体の予算と財政",
            description="予算編成の年間スケジュールを学ぶ。",
            has_assessment=True,
            pass_score=60,
            actor=office,
        ),
        rd=services.create_course(
            track=Track.READINESS, title="CIOを迎える組織づくり", actor=office
        ),
    )


def schedule(course, *, days=7, capacity=2, actor, **kwargs):
    kwargs.setdefault("place", "霞が関 研修室")
    return services.schedule_session(
        course,
        starts_at=in_days(days),
        ends_at=in_days(days, hour=16),
        capacity=capacity,
        actor=actor,
        **kwargs,
    )


@pytest.fixture
def sessions(personas, courses):
    return SimpleNamespace(
        ps=schedule(courses.ps, actor=personas.office),
        rd=schedule(courses.rd, capacity=5, actor=personas.office),
    )


@pytest.fixture
def past_session(courses):
    """A session that took place last week (only the system records those)."""
    return schedule(courses.ps, days=-7, capacity=5, actor=None)
