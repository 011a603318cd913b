import pytest


@pytest.fixture
def api(client, registry):
    def get(path, **params):
        return client.get(f"/api{path}", params)

    return get


def test_saga_lists_its_21_local_governments(api):
    response = api("/local-governments", prefecture="41")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 21
    assert {item["prefecture"] for item in body["items"]} == {"佐賀県"}
    assert "総務省" in body["attribution"] and "CC BY 4.0" in body["licence"]


def test_one_local_government_by_code(api):
    body = api("/local-governments/412040").json()
    assert body["name"] == "多久市"
    assert body["population"] == 18304
    assert body["fiscal_strength_index"] == 0.37
    assert body["region"] == "kyushu"


def test_a_code_with_a_wrong_check_digit_is_a_400_naming_it(api):
    response = api("/local-governments/412041")
    assert response.status_code == 400
    assert "check digit" in response.json()["detail"]


def test_a_valid_but_unknown_code_is_a_404(api):
    # 419991: a well-formed code for 佐賀県 that no local government has.
    response = api("/local-governments/419991")
    assert response.status_code == 404


@pytest.mark.parametrize("code", ["41204", "4120400", "４１２０４０", " 412040", "abcdef"])
def test_a_code_that_is_not_6_ascii_digits_is_a_400(api, code):
    response = api(f"/local-governments/{code}")
    assert response.status_code == 400
    assert response.json()["detail"]


def test_futaba_population_is_null(api):
    assert api("/local-governments/075469").json()["population"] is None


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"region": "shikoku", "kind": "prefecture"}, 4),
        ({"prefecture": "41", "max_population": 20000}, 9),
        ({"kind": "designated_city"}, 20),
        ({"q": "たく", "prefecture": "41"}, 1),
        ({"q": "タクシ"}, 1),
        ({"q": "ﾀｸｼ"}, 1),
        ({"q": "多久"}, 1),
    ],
)
def test_filters(api, params, expected):
    response = api("/local-governments", **params)
    assert response.status_code == 200, response.content
    assert response.json()["count"] == expected


def test_filters_agree_with_the_data(api):
    body = api("/local-governments", prefecture="41", max_population=20000).json()
    assert all(item["population"] <= 20000 for item in body["items"])


def test_pagination(api):
    first = api("/local-governments", page_size=100).json()
    assert first["count"] == 1788 and first["pages"] == 18 and len(first["items"]) == 100
    last = api("/local-governments", page_size=100, page=18).json()
    assert len(last["items"]) == 88


def test_a_page_past_the_last_is_empty_and_says_how_many_there_are(api):
    response = api("/local-governments", page_size=100, page=99)
    assert response.status_code == 200
    body = response.json()
    assert (body["items"], body["count"], body["pages"], body["page"]) == ([], 1788, 18, 99)


@pytest.mark.parametrize(
    ("params", "fragment"),
    [
        ({"prefecture": "99"}, "prefecture"),
        ({"region": "atlantis"}, "region"),
        ({"kind": "hamlet"}, "kind"),
        ({"max_population": "-1"}, "max_population"),
        ({"page_size": "1000"}, "page_size"),
        ({"prefecture": " 41"}, "prefecture"),
        ({"max_population": str(2**63)}, "max_population"),
        ({"q": "多" * 41}, "q"),
        ({"q": "多\x00久"}, "q"),
        ({"q": "多\x1b久"}, "q"),
    ],
)
def test_bad_filters_are_a_400_that_names_the_parameter(api, params, fragment):
    response = api("/local-governments", **params)
    assert response.status_code == 400
    assert fragment in response.json()["detail"]


def test_every_refusal_is_documented_with_the_parameters_patterns(client, registry):
    paths = client.get("/api/openapi.json").json()["paths"]
    for path, operations in paths.items():
        for operation in operations.values():
            if operation.get("parameters"):
                assert "400" in operation["responses"], path
    parameters = {
        (path, parameter["name"]): parameter["schema"]
        for path, operations in paths.items()
        for operation in operations.values()
        for parameter in operation.get("parameters", [])
    }
    assert parameters[("/api/local-governments/{code}", "code")]["pattern"]
    assert parameters[("/api/local-governments", "q")]["maxLength"] == 40
    assert "pattern" in str(parameters[("/api/cases", "q")])
    assert "pattern" in str(parameters[("/api/cases", "prefecture")])
    assert parameters[("/api/cases/{case_id}", "case_id")]["minimum"] == 1


def test_openapi_schema_and_docs(client, registry):
    schema = client.get("/api/openapi.json").json()
    assert "/api/local-governments" in schema["paths"]
    assert "/api/local-governments/{code}" in schema["paths"]
    docs = client.get("/api/docs")
    assert docs.status_code == 200 and b"swagger" in docs.content.lower()
