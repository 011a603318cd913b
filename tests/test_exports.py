"""Exports officials open in Excel: no cell is ever read as a formula."""

import pytest

from ciodispatch.core.exports import csv_bytes


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_csv_cells_that_start_like_a_formula_get_a_quote(start):
    text = csv_bytes(["h"], [[start + "1+1", -5, "a=b"]]).decode("utf-8-sig")
    first = text.split("\r\n", 1)[1]
    assert first.lstrip('"').startswith("'" + start) and ",-5,a=b" in first
