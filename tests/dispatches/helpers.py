"""Dispatches built through the real services, for the tests of dispatches, progress and
incentives.

``dispatch_at(personas, monkeypatch, stage)`` gives 多久市 (host1 the liaison, host1_head the
head) hosting candidate2 (certified), without a matching round (the office's hand-filled
path), moved to ``stage``: "proposed", "accepted" (both sides; appointment copied from the
request), "confirmed" (appointment set by the host and confirmed by the CIO), "active"
(started ``started_days_ago`` days ago), or "completed" (a term that ended yesterday).
Call it again with another ``fiscal_year`` for a second dispatch in the same test; as a
CIO holds one post at a time, a second accepted dispatch gets a new certified CIO
(``cio<n>``) when candidate2 already has one.
"""

import datetime as dt

from django.utils import timezone

from ciodispatch.candidates.models import Application
from ciodispatch.dispatches import services
from ciodispatch.dispatches.models import Dispatch, add_months
from ciodispatch.training.models import Course
from tests.candidates.helpers import new_candidate
from tests.matchround.helpers import approved_request, certify
from tests.requests.helpers import open_round

STAGES = ("proposed", "accepted", "confirmed", "active", "completed")


def today() -> dt.date:
    return timezone.localdate()


def dispatch_at(
    personas,
    monkeypatch,
    stage: str = "active",
    *,
    started_days_ago: int = 40,
    months: int = 12,
    pay_yen_per_month: int = 600_000,
    fiscal_year: int | None = None,
    reviewer=None,
) -> Dispatch:
    assert stage in STAGES, stage
    office = personas.office
    # Requests opened long ago, so terms may start in the past (a running dispatch).
    request_round = open_round(
        fiscal_year=fiscal_year or today().year, requests_open=today() - dt.timedelta(days=800)
    )
    if Course.objects.filter(title=f"外部人材活用研修 {personas.host1.username}").exists():
        # A second dispatch in the same test: the staff are trained already.
        monkeypatch.setattr(
            "tests.matchround.helpers.complete_readiness_training", lambda *users: None
        )
    request = approved_request(
        request_round, "412040", personas.host1, personas.host1_head, office, ("日立",)
    )
    application = Application.objects.filter(
        user=personas.candidate2, state=Application.State.CERTIFIED
    ).first() or certify(personas, personas.candidate2, monkeypatch, reviewer, email="c2@x.jp")
    if (
        stage != "proposed"
        and application.dispatches.exclude(
            state__in=(Dispatch.State.PROPOSED, Dispatch.State.DECLINED)
        ).exists()
    ):
        # A CIO holds one post at a time: a second dispatch gets a CIO of its own.
        number = Application.objects.count()
        user = new_candidate(f"cio{number}")
        application = certify(personas, user, monkeypatch, reviewer, email=f"cio{number}@x.jp")
    dispatch = services.propose(request=request, application=application, actor=office)
    if stage == "proposed":
        return dispatch
    services.accept(dispatch, actor=application.user, side="cio")
    dispatch = services.accept(dispatch, actor=personas.host1, side="host")
    if stage == "accepted":
        return dispatch
    if stage == "completed":
        start = _months_back(today() - dt.timedelta(days=1), months)
    else:
        start = today() - dt.timedelta(days=started_days_ago)
    services.set_appointment(
        dispatch,
        actor=personas.host1,
        start_date=start,
        end_date=add_months(start, months),
        pay_yen_per_month=pay_yen_per_month,
    )
    dispatch = services.confirm_appointment(dispatch, actor=application.user)
    if stage == "confirmed":
        return dispatch
    dispatch = services.start(dispatch, actor=personas.host1, on=start)
    if stage == "active":
        return dispatch
    return services.complete(dispatch, actor=personas.host1)


def _months_back(last_day: dt.date, months: int) -> dt.date:
    """The start of a term of ``months`` months that ends on ``last_day``."""
    day_after = last_day + dt.timedelta(days=1)
    year, month = divmod(day_after.month - 1 - months, 12)
    return dt.date(day_after.year + year, month + 1, min(day_after.day, 28))
