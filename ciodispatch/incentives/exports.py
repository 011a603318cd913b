"""The claims of a fiscal year as an office files them: .xlsx with a title row, one row per claim,
a totals row and a budget sheet; and CSV (the claim rows only). Both are written row by row
from the claims as they are read (``queryset.iterator``), never holding the year whole."""

import itertools
import tempfile
from collections.abc import Iterable, Iterator

from django.http import FileResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from ciodispatch.core.dates import format_fiscal_year
from ciodispatch.core.exports import FORMULA_STARTS, XLSX_TYPE, size_columns
from ciodispatch.incentives.calculation import COST_ITEMS, item_label, totals_by_item
from ciodispatch.incentives.calculation import Cost as CostValue
from ciodispatch.incentives.models import IncentiveClaim
from ciodispatch.incentives.queries import BudgetSummary

YEN_FORMAT = "#,##0"
MONEY_FROM = 7  # column G: the first eligible-cost column


def claim_header() -> list[str]:
    return [
        _("Host code"),
        _("Host"),
        _("Prefecture"),
        _("CIO"),
        _("Programme"),
        _("Dispatch year"),
        *[_("Eligible costs: %(item)s") % {"item": item_label(i)} for i in COST_ITEMS],
        _("Computed (yen)"),
        _("Approved (yen)"),
        _("Paid (yen)"),
        _("State"),
    ]


def claim_rows(claims: Iterable[IncentiveClaim]) -> Iterator[list]:
    for claim in claims:
        host = claim.dispatch.host_government
        eligible = set(claim.rule.items())
        totals = totals_by_item(CostValue(c.item, c.amount_yen) for c in claim.costs.all())
        yield [
            host.code,
            claim.dispatch.host_name,
            host.prefecture,
            claim.dispatch.cio_name,
            claim.programme.name,
            claim.dispatch_year,
            *[totals.get(i, 0) if i in eligible else 0 for i in COST_ITEMS],
            claim.computed_yen,
            claim.approved_yen,
            claim.paid_yen,
            str(claim.get_state_display()),
        ]


def _cell(sheet, value, *, font=None, number_format=None):
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        cell.data_type = "s"  # text stays text, never a formula
    if font is not None:
        cell.font = font
    if number_format is not None:
        cell.number_format = number_format
    return cell


def write_claims_workbook(
    target, year: int, claims: Iterable[IncentiveClaim], summary: BudgetSummary
) -> None:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Claims")[:31])
    header = claim_header()
    money_to = len(header) - 1
    rows = claim_rows(claims)
    first = size_columns(sheet, header, rows, widest=40)
    sheet.freeze_panes = "A4"
    title = _("Incentive claims, %(year)s") % {"year": format_fiscal_year(year)}
    sheet.append([_cell(sheet, title, font=Font(bold=True, size=14))])
    sheet.append([])
    bold = Font(bold=True)
    sheet.append([_cell(sheet, v, font=bold) for v in header])
    sums = [0] * (money_to - MONEY_FROM + 1)
    for row in itertools.chain(first, rows):
        for i in range(len(sums)):
            sums[i] += row[MONEY_FROM - 1 + i] or 0
        sheet.append(
            [
                _cell(sheet, v, number_format=YEN_FORMAT if MONEY_FROM <= n <= money_to else None)
                for n, v in enumerate(row, 1)
            ]
        )
    totals = [_("Total"), "", "", "", "", ""]
    sheet.append(
        [_cell(sheet, v, font=bold) for v in totals]
        + [_cell(sheet, v, font=bold, number_format=YEN_FORMAT) for v in sums]
    )

    budget = book.create_sheet(_("Budget")[:31])
    budget.column_dimensions["A"].width = 50
    budget.column_dimensions["B"].width = 18
    title = _("Programme budget, %(year)s") % {"year": format_fiscal_year(year)}
    budget.append([_cell(budget, title, font=Font(bold=True, size=14))])
    budget.append([])
    lines = [
        (_("Budget"), summary.budget),
        (_("Approved (incl. paid)"), summary.approved),
        (_("Expected for running dispatches with no approved claim"), summary.expected),
        (_("Committed (approved + expected)"), summary.committed),
        (_("Paid"), summary.paid),
        (_("Remaining"), summary.remaining),
        (_("Submitted, not yet decided"), summary.submitted),
    ]
    for label, value in lines:
        budget.append([_cell(budget, label), _cell(budget, value, number_format=YEN_FORMAT)])
    book.save(target)


def claims_workbook_response(
    year: int, claims: Iterable[IncentiveClaim], summary: BudgetSummary, *, filename: str
) -> FileResponse:
    target = tempfile.TemporaryFile(suffix=".xlsx")  # closed (and deleted) by the response
    write_claims_workbook(target, year, claims, summary)
    target.seek(0)
    return FileResponse(target, as_attachment=True, filename=filename, content_type=XLSX_TYPE)
