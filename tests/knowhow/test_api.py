"""Open data: GET /api/cases (same search and filters), GET /api/cases/{id}, CC BY 4.0."""

import pytest

from tests.knowhow.helpers import draft, published


@pytest.fixture
def cases(personas):
    return {
        "saga": published(personas.office, title="予算獲得の工夫", codes=("410004",)),
        "fukuoka": published(
            personas.office, title="テレワーク", codes=("400009",), theme="telework"
        ),
        "draft": draft(personas.office, title="下書きの予算"),
    }


def test_search_through_the_api(client, cases):
    body = client.get("/api/cases", {"q": "工夫"}).json()
    assert [item["id"] for item in body["items"]] == [cases["saga"].pk]
    assert body["licence"] == "CC BY 4.0" and body["licence_url"].startswith("https://")
    body = client.get("/api/cases", {"q": "補助金"}).json()
    assert "補助金" in body["items"][0]["snippet"]
    assert "<mark>" not in body["items"][0]["snippet"]

    body = client.get("/api/cases", {"q": "ﾃﾚﾜｰｸ", "prefecture": "40"}).json()
    assert [item["id"] for item in body["items"]] == [cases["fukuoka"].pk]
    body = client.get("/api/cases", {"theme": "telework"}).json()
    assert body["count"] == 1
    body = client.get("/api/cases", {"challenge": "no_budget", "period": 2012}).json()
    assert body["count"] == 2


def test_the_snippet_is_plain_text(client, personas):
    published(personas.office, title="記号", summary="既存予算 <b> & 人材")
    body = client.get("/api/cases", {"q": "既存予算"}).json()
    assert "<b> & 人材" in body["items"][0]["snippet"]


def test_only_published_cases_are_open_data(client, cases):
    body = client.get("/api/cases").json()
    assert cases["draft"].pk not in [item["id"] for item in body["items"]]
    assert client.get(f"/api/cases/{cases['draft'].pk}").status_code == 404
    one = client.get(f"/api/cases/{cases['saga'].pk}").json()
    assert one["title"] == "予算獲得の工夫" and one["licence"] == "CC BY 4.0"
    assert one["local_governments"][0]["code"] == "410004"
    assert one["success_points"] == ["予算獲得：補助金や既存予算を再点検"]


@pytest.mark.parametrize("query", ["予", "'; DROP TABLE x; --", '"', "*", "NEAR", "OR", "予" * 500])
def test_bad_queries_get_an_answer_not_an_error(client, cases, query):
    response = client.get("/api/cases", {"q": query})
    assert response.status_code == 200
    body = response.json()
    assert isinstance(body["items"], list)


def test_a_one_character_query_explains_itself(client, cases):
    body = client.get("/api/cases", {"q": "予"}).json()
    assert body["count"] == 0
    assert "two characters" in body["message"] or "2文字以上" in body["message"]


def test_bad_filters_are_400_with_a_message(client, cases):
    response = client.get("/api/cases", {"prefecture": "99"})
    assert response.status_code == 400 and "01 to 47" in response.json()["detail"]
    assert client.get("/api/cases", {"theme": "space"}).status_code == 400
    assert client.get("/api/cases", {"q": "予\x00算"}).status_code == 400
    assert client.get("/api/cases", {"q": "予" * 501}).status_code == 400


def test_a_page_past_the_last_has_no_items(client, cases):
    body = client.get("/api/cases", {"page": 9}).json()
    assert body["items"] == [] and body["page"] == 9 and body["pages"] == 1


@pytest.mark.parametrize("case_id", ["abc", "1.5", "0", str(2**63)])
def test_a_case_number_that_is_not_a_whole_number_from_1_is_a_documented_400(client, case_id):
    response = client.get(f"/api/cases/{case_id}")
    assert response.status_code == 400 and "case_id" in response.json()["detail"]
    responses = client.get("/api/openapi.json").json()["paths"]["/api/cases/{case_id}"]["get"]
    assert "400" in responses["responses"]


def test_the_openapi_schema_documents_the_endpoints(client):
    schema = client.get("/api/openapi.json").json()
    assert "/api/cases" in schema["paths"] and "/api/cases/{case_id}" in schema["paths"]
    assert "CC BY 4.0" in schema["paths"]["/api/cases"]["get"]["summary"]
