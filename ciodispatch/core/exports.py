"""Tables officials open in Excel as they are: CSV in UTF-8 with a BOM, and .xlsx.

Both are written row by row from any iterable (pass ``queryset.iterator(chunk_size=...)``
or a generator over it), so a table of tens of thousands of rows is never held whole: the
CSV streams to the client as it is written, the workbook is written by openpyxl's write-only
mode to a temporary file that is then streamed.
"""

import csv
import datetime as dt
import io
import itertools
import tempfile
from collections.abc import Iterable, Iterator, Sequence

from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
# A text cell starting with one of these is read as a formula by spreadsheet programs
# (CSV injection); names and organisations typed by the public reach these files.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Rows a response reads from the database at a time (``queryset.iterator(chunk_size=...)``).
CHUNK_SIZE = 500
# Columns of a workbook are sized to the text of the header and the first rows only: the
# write-only mode cannot go back to them once the rows are written.
SIZING_ROWS = 200


def _csv_cell(value):
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class _Line:
    """The file csv.writer writes to: it hands back what it was given."""

    def write(self, text: str) -> str:
        return text


def csv_lines(header: Sequence, rows: Iterable[Sequence]) -> Iterator[bytes]:
    """UTF-8 with a BOM and CRLF line ends, so Excel opens the Japanese intact; one line at
    a time."""
    writer = csv.writer(_Line(), lineterminator="\r\n")
    yield ("\ufeff" + writer.writerow([_csv_cell(v) for v in header])).encode("utf-8")
    for row in rows:
        yield writer.writerow([_csv_cell(v) for v in row]).encode("utf-8")


def csv_bytes(header: Sequence, rows: Iterable[Sequence]) -> bytes:
    """The whole CSV at once, for small tables (a page's statistics, a roster)."""
    return b"".join(csv_lines(header, rows))


def _xlsx_cell(sheet, value, *, bold: bool = False):
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str) and cell.data_type == "f":
        # openpyxl stores text starting with "=" as a formula; keep every text as text.
        cell.data_type = "s"
    if isinstance(value, dt.date):
        cell.number_format = "yyyy-mm-dd"
    if bold:
        cell.font = Font(bold=True)
    return cell


def size_columns(sheet, header: Sequence, rows: Iterator[Sequence], *, widest: int) -> list:
    """Size a write-only sheet's columns to the header and the first ``SIZING_ROWS`` rows
    (taken from ``rows`` and returned, to be written first): two widths a character, from 10
    to ``widest``."""
    first = list(itertools.islice(rows, SIZING_ROWS))
    for column in range(1, len(header) + 1):
        width = max(len(str(row[column - 1] or "")) for row in [header, *first]) * 2 + 2
        sheet.column_dimensions[get_column_letter(column)].width = min(max(width, 10), widest)
    return first


def write_xlsx(target, header: Sequence, rows: Iterable[Sequence], *, sheet_title: str) -> None:
    """One sheet: a bold, frozen header row, dates as dates, columns sized to their text."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=sheet_title[:31])
    rows = iter(rows)
    first = size_columns(sheet, header, rows, widest=60)
    sheet.freeze_panes = "A2"
    sheet.append([_xlsx_cell(sheet, v, bold=True) for v in header])
    for row in itertools.chain(first, rows):
        sheet.append([_xlsx_cell(sheet, v) for v in row])
    book.save(target)


def xlsx_bytes(header: Sequence, rows: Iterable[Sequence], *, sheet_title: str) -> bytes:
    """The whole workbook at once, for small tables."""
    buffer = io.BytesIO()
    write_xlsx(buffer, header, rows, sheet_title=sheet_title)
    return buffer.getvalue()


def _attachment(response, filename: str):
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_response(header: Sequence, rows: Iterable[Sequence], *, filename: str):
    """A CSV download written as it is sent."""
    return _attachment(
        StreamingHttpResponse(csv_lines(header, rows), content_type=CSV_TYPE), filename
    )


def xlsx_response(header: Sequence, rows: Iterable[Sequence], *, sheet_title: str, filename: str):
    """A workbook download: written row by row to a temporary file (deleted when the
    response closes it), then streamed from there."""
    target = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - closed by the response
    write_xlsx(target, header, rows, sheet_title=sheet_title)
    target.seek(0)
    return FileResponse(target, as_attachment=True, filename=filename, content_type=XLSX_TYPE)


def export_response(
    kind: str, header: Sequence, rows: Iterable[Sequence], *, filename: str, sheet_title: str
):
    """``kind`` "csv" or "xlsx"; ``filename`` without its extension."""
    if kind == "csv":
        return csv_response(header, rows, filename=f"{filename}.csv")
    return xlsx_response(header, rows, sheet_title=sheet_title, filename=f"{filename}.xlsx")


def download(content: bytes, *, filename: str) -> HttpResponse:
    kind = XLSX_TYPE if filename.endswith(".xlsx") else CSV_TYPE
    return _attachment(HttpResponse(content, content_type=kind), filename)
