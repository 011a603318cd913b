"""The claims of a fiscal year as an office files them: .xlsx with a title row, one row per claim,
a totals row and a budget sheet; and CSV (the claim rows only)."""

import io
from collections.abc import Sequence

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from ciodispatch.core.dates import format_fiscal_year
from ciodispatch.core.exports import FORMULA_STARTS, csv_bytes
from ciodispatch.incentives.calculation import COST_ITEMS, item_label, totals_by_item
from ciodispatch.incentives.calculation import Cost as CostValue
from ciodispatch.incentives.models import IncentiveClaim
from ciodispatch.incentives.queries import BudgetSummary

YEN_FORMAT = "#,##0"


def claim_table(claims: Sequence[IncentiveClaim]) -> tuple[list[str], list[list]]:
    header = [
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
    rows = []
    for claim in claims:
        host = claim.dispatch.host_government
        eligible = set(claim.rule.items())
        totals = totals_by_item(CostValue(c.item, c.amount_yen) for c in claim.costs.all())
        rows.append(
            [
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
        )
    return header, rows


def claims_csv(header: list[str], rows: list[list]) -> bytes:
    return csv_bytes(header, rows)


def _text_safe(sheet) -> None:
    for cells in sheet.iter_rows():
        for cell in cells:
            if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
                cell.data_type = "s"


def claims_workbook(year: int, claims: Sequence[IncentiveClaim], summary: BudgetSummary) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = _("Claims")[:31]
    header, rows = claim_table(claims)
    sheet.append([_("Incentive claims, %(year)s") % {"year": format_fiscal_year(year)}])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([])
    sheet.append(header)
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    money_from = 7  # column G: the first eligible-cost column
    money_to = len(header) - 1
    totals = [_("Total"), "", "", "", "", ""]
    for column in range(money_from, money_to + 1):
        totals.append(sum((r[column - 1] or 0) for r in rows))
    sheet.append(totals)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for cells in sheet.iter_rows(min_row=4, min_col=money_from, max_col=money_to):
        for cell in cells:
            cell.number_format = YEN_FORMAT
    for column in range(1, len(header) + 1):
        letter = get_column_letter(column)
        width = max(len(str(c.value or "")) for c in sheet[letter][2:]) * 2 + 2
        sheet.column_dimensions[letter].width = min(max(width, 10), 40)
    sheet.freeze_panes = "A4"
    _text_safe(sheet)

    budget = book.create_sheet(_("Budget")[:31])
    budget.append([_("Programme budget, %(year)s") % {"year": format_fiscal_year(year)}])
    budget["A1"].font = Font(bold=True, size=14)
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
        budget.append([label, value])
    for cells in budget.iter_rows(min_row=3, min_col=2, max_col=2):
        for cell in cells:
            cell.number_format = YEN_FORMAT
    budget.column_dimensions["A"].width = 50
    budget.column_dimensions["B"].width = 18
    _text_safe(budget)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
