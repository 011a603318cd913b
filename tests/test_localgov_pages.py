import re

import pytest


def _count(response) -> int:
    match = re.search(r"(\d[\d,]*)\s*(?:local governments?|団体|件)", response.content.decode())
    assert match, "the result count is shown"
    return int(match.group(1).replace(",", ""))


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, 1788),
        ({"prefecture": "41"}, 21),
        ({"region": "shikoku", "kind": "prefecture"}, 4),
        ({"kind": "village", "prefecture": "47"}, 19),
        ({"population": "unknown"}, 1),
        ({"q": "たくし"}, 1),
        ({"q": "タクシ"}, 1),
        ({"q": "ｳﾚｼﾉ"}, 1),
        ({"q": "嬉野"}, 1),
        ({"q": "412040"}, 1),
    ],
)
def test_list_filters_and_search(client, registry, params, expected):
    response = client.get("/local-governments/", params)
    assert response.status_code == 200
    assert _count(response) == expected


def test_population_bands_partition_the_registry(client, registry):
    bands = ["lt5k", "5k-10k", "10k-50k", "50k-100k", "100k-500k", "ge500k", "unknown"]
    total = sum(_count(client.get("/local-governments/", {"population": b})) for b in bands)
    assert total == 1788


def test_list_is_paginated(client, registry):
    first = client.get("/local-governments/").content.decode()
    assert first.count("<td><code>") == 50
    last = client.get("/local-governments/", {"page": 36}).content.decode()
    assert last.count("<td><code>") == 38


def test_detail_page(client, registry):
    page = client.get("/local-governments/412040/").content.decode()
    assert "多久市" in page and "18,304" in page and "0.37" in page and "総務省" in page


def test_detail_page_for_futaba_explains_the_missing_population(client, registry):
    page = client.get("/local-governments/075469/").content.decode()
    assert "双葉町" in page and ("evacuated" in page or "避難" in page)


@pytest.mark.parametrize("code", ["412041", "41204", "abc", "419991"])
def test_bad_or_unknown_codes_are_404(client, registry, code):
    assert client.get(f"/local-governments/{code}/").status_code == 404


def test_a_wrong_check_digit_in_the_address_is_explained(client, registry):
    page = client.get("/local-governments/412041/")
    assert page.status_code == 404
    assert "check digit" in page.content.decode() or "検査数字" in page.content.decode()
