"""Incentive programmes, rules and claims built through the real services."""

import datetime as dt
import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from ciodispatch.incentives import programmes, services
from ciodispatch.incentives.models import IncentiveProgramme
from ciodispatch.incentives.services import CostInput
from tests.dispatches.helpers import dispatch_at, today
from tests.files import minimal_pdf

PDF = minimal_pdf()


def pdf(name="receipt.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def xlsx(name="costs.xlsx"):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["pay", 600000])
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def setup_programmes(admin, years=(2025, 2026)) -> dict[str, IncentiveProgramme]:
    found = {}
    for definition in programmes.programme_definitions():
        programme = services.create_programme(actor=admin, **definition)
        for year in years:
            services.save_rule(
                programme, year, programmes.rule_for(programme.code, year), actor=admin
            )
        found[programme.code] = programme
    return found


def fy() -> int:
    day = today()
    return day.year if day.month >= 4 else day.year - 1


def cost_day(dispatch) -> dt.date:
    """A day inside both the dispatch and the current fiscal year."""
    return max(dispatch.start_date, dt.date(fy(), 4, 1)) + dt.timedelta(days=1)


def running_claim(
    personas,
    monkeypatch,
    *,
    code=programmes.CIO_ADVISER,
    pay=3_600_000,
    travel=240_000,
    evidence=True,
    dispatch=None,
    **kwargs,
):
    """多久市's claim for this fiscal year with pay and travel, optionally with evidence."""
    progs = setup_programmes(personas.office_admin)
    dispatch = dispatch or dispatch_at(personas, monkeypatch, "active", **kwargs)
    claim = services.start_claim(
        dispatch, actor=personas.host1, programme=progs[code], fiscal_year=fy()
    )
    day = cost_day(dispatch)
    rows = [CostInput("pay", pay, day, "報酬"), CostInput("travel", travel, day, "旅費")]
    claim = services.save_costs(claim, rows, actor=personas.host1)
    if evidence:
        services.add_evidence(claim, actor=personas.host1, upload=pdf())
    return claim


def index(value: str) -> Decimal:
    return Decimal(value)
