"""Exports are written row by row: a table of 10,000 rows reaches the client without the
rows, the model objects or the file ever being held whole in memory."""

import csv
import datetime as dt
import io
import tracemalloc

import pytest
from django.db.models.query import QuerySet
from openpyxl import load_workbook

from ciodispatch.core import exports
from ciodispatch.dispatches.models import Dispatch
from tests.conftest import verified_client
from tests.dispatches.helpers import dispatch_at

ROWS = 10_000


def _peak_while(consume) -> tuple[int, object]:
    tracemalloc.start()
    try:
        result = consume()
        return tracemalloc.get_traced_memory()[1], result
    finally:
        tracemalloc.stop()


@pytest.fixture
def iterated(monkeypatch):
    """The chunk sizes of every queryset read with ``.iterator()``."""
    chunks = []
    iterator = QuerySet.iterator

    def spy(self, chunk_size=None):
        chunks.append(chunk_size)
        return iterator(self, chunk_size=chunk_size)

    monkeypatch.setattr(QuerySet, "iterator", spy)
    return chunks


def test_the_office_csv_of_10000_dispatches_streams_from_an_iterator(
    client, personas, monkeypatch, iterated
):
    one = dispatch_at(personas, monkeypatch, "active")
    fields = {
        f.attname: getattr(one, f.attname)
        for f in Dispatch._meta.concrete_fields
        if not f.primary_key and f.attname != "replaces_id"
    }
    Dispatch.objects.bulk_create(
        [Dispatch(**{**fields, "notice_number": f"N-{n}"}) for n in range(ROWS - 1)],
        batch_size=2000,
    )
    office = verified_client(client, personas.office)
    response = office.get("/dispatches/office/", {"format": "csv"})
    assert response.streaming
    lines = sum(chunk.count(b"\r\n") for chunk in response.streaming_content)
    assert lines == ROWS + 1  # the header and every dispatch
    # Read in chunks: the 10,000 dispatches with their request, host, round and CIO are never
    # model objects all at once (a list of them would take some 160 MB).
    assert iterated == [exports.CHUNK_SIZE]


def _rows(n):
    for i in range(n):
        yield [f"佐賀県多久市 {i}", "=HYPERLINK(1)", dt.date(2026, 4, 1), i]


def test_an_xlsx_of_10000_rows_is_written_to_a_file_not_to_memory():
    def build():
        return exports.xlsx_response(
            ["自治体", "メモ", "開始", "番号"], _rows(ROWS), sheet_title="t", filename="t.xlsx"
        )

    peak, response = _peak_while(build)
    assert response.streaming and response["Content-Type"] == exports.XLSX_TYPE
    data = response.getvalue()
    # openpyxl's normal mode holds the 40,000 cells: some 13 MB.
    assert peak < 4_000_000, peak
    book = load_workbook(io.BytesIO(data), read_only=True)
    rows = list(book.active.iter_rows(values_only=True))
    assert len(rows) == ROWS + 1
    assert rows[1][1] == "=HYPERLINK(1)"  # text, never a formula
    assert rows[-1][3] == ROWS - 1 and rows[1][2].date() == dt.date(2026, 4, 1)


def test_a_csv_of_10000_rows_is_written_line_by_line():
    lines = exports.csv_lines(["自治体", "メモ", "開始", "番号"], _rows(ROWS))
    peak, count = _peak_while(lambda: sum(1 for _ in lines))
    assert count == ROWS + 1
    assert peak < 200_000, peak  # a list of the rows alone is some 2 MB
    text = exports.csv_bytes(["h"], _rows(2)).decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(text)))[1][1] == "'=HYPERLINK(1)"
