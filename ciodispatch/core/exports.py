"""Tables officials open in Excel as they are: CSV in UTF-8 with a BOM, and .xlsx."""

import csv
import datetime as dt
import io
from collections.abc import Sequence

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A text cell starting with one of these is read as a formula by spreadsheet programs
# (CSV injection); names and organisations typed by the public reach these files.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value):
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_bytes(header: Sequence, rows: Sequence[Sequence]) -> bytes:
    """UTF-8 with a BOM and CRLF line ends, so Excel opens the Japanese intact."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([_csv_cell(v) for v in header])
    for row in rows:
        writer.writerow([_csv_cell(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_bytes(header: Sequence, rows: Sequence[Sequence], *, sheet_title: str) -> bytes:
    """One sheet: a bold, frozen header row, dates as dates, columns sized to their text."""
    book = Workbook()
    sheet = book.active
    sheet.title = sheet_title[:31]
    sheet.append(list(header))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(list(row))
    # openpyxl stores text starting with "=" as a formula; keep every text as text.
    for cells in sheet.iter_rows():
        for cell in cells:
            if cell.data_type == "f":
                cell.data_type = "s"
    for column in range(1, len(header) + 1):
        letter = get_column_letter(column)
        width = max(len(str(c.value or "")) for c in sheet[letter]) * 2 + 2
        sheet.column_dimensions[letter].width = min(max(width, 10), 60)
        for cell in sheet[letter][1:]:
            if isinstance(cell.value, dt.date):
                cell.number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def download(content: bytes, *, filename: str) -> HttpResponse:
    kind = XLSX_TYPE if filename.endswith(".xlsx") else "text/csv; charset=utf-8"
    response = HttpResponse(content, content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
