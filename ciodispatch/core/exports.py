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


def csv_bytes(header: Sequence, rows: Sequence[Sequence]) -> bytes:
    """UTF-8 with a BOM and CRLF line ends, so Excel opens the Japanese intact."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(
            ["" if v is None else v.isoformat() if isinstance(v, dt.date) else v for v in row]
        )
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
