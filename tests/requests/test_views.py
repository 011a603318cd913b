import io

from openpyxl import load_workbook

from ciodispatch.requests import services
from ciodispatch.requests.models import DispatchRequest
from tests.conftest import verified_client
from tests.requests.helpers import AUTHORITY, complete_readiness_training, open_round, taku_request

S = DispatchRequest.State


def test_host_files_in_the_pages_and_the_head_signs(client, personas):
    complete_readiness_training(personas.host1, personas.host1_head)
    open_round()
    client.force_login(personas.host1)
    assert client.post("/requests/start/").status_code == 302
    req = DispatchRequest.objects.get()
    url = f"/requests/{req.pk}/"
    bad = client.post(
        url + "budget/",
        {"budget_yen": "100", "pay_yen_per_month": "50", "vendors": "富士通\n\nNEC"},
    )
    assert (
        bad.status_code == 200 and "blank" in bad.content.decode() or "空行" in bad.content.decode()
    )
    steps = {
        "basics": {
            "title": "窓口DX",
            "goals": "書かない窓口を実現し、住民向け手続の半分を令和9年度までにオンライン化する。",
            "challenges": ["no_strategy"],
        },
        "cio": {
            "skill_roles": ["producer"],
            "term_months": "12",
            "start_date": req.request_round.dispatch_start.isoformat(),
            "work_pattern": "full_time",
            "work_place": "on_site",
            "appointment_form": "fixed_term",
        },
        "budget": {
            "budget_yen": "9000000",
            "pay_yen_per_month": "500000",
            "vendors": "富士通\nNEC\n",
        },
        "people": {
            "authority_statement": AUTHORITY,
            "liaison": personas.host1.pk,
            "counterpart": personas.host1_head.pk,
        },
        "kpis": {
            "kpis-TOTAL_FORMS": "1",
            "kpis-INITIAL_FORMS": "0",
            "kpis-MIN_NUM_FORMS": "0",
            "kpis-MAX_NUM_FORMS": "15",
            "kpis-0-name": "オンライン手続",
            "kpis-0-unit": "件",
            "kpis-0-baseline": "10",
            "kpis-0-target": "60",
        },
    }
    for key, data in steps.items():
        response = client.post(url + f"{key}/", data)
        assert response.status_code == 302, (key, response.content.decode()[:2000])
    assert client.post(url + "submit/").status_code == 302
    req.refresh_from_db()
    assert req.state == S.SUBMITTED and req.vendors == ["富士通", "NEC"]
    # the liaison cannot sign; the head can
    assert client.get(url + "commitment/").status_code == 403
    client.force_login(personas.host1_head)
    page = client.get(url + "commitment/")
    text = page.context["text"]
    assert client.post(url + "commitment/", {"text": text}).status_code == 200  # box not ticked
    assert client.post(url + "commitment/", {"text": text, "agree": "1"}).status_code == 302
    req.refresh_from_db()
    assert req.state == S.ELIGIBLE


def test_another_host_and_another_prefecture_cannot_see_a_request(client, personas):
    req = taku_request(personas)
    for other in (
        personas.host2,
        personas.host_fukuoka,
        personas.pref_fukuoka,
        personas.candidate1,
    ):
        client.force_login(other)
        assert client.get(f"/requests/{req.pk}/").status_code == 404
    client.force_login(personas.pref1)
    assert client.get(f"/requests/{req.pk}/").status_code == 200
    assert client.get(f"/requests/{req.pk}/basics/").status_code == 403


def test_a_not_eligible_host_sees_each_failing_condition_and_what_to_do(client, personas):
    complete_readiness_training(personas.host1)  # the counterpart has not
    req = taku_request(personas, open_round(population_limit=15_000))
    services.submit_request(req, actor=personas.host1)
    req.refresh_from_db()
    services.sign_commitment(req, actor=personas.host1_head, text=services.commitment_text(req))
    client.force_login(personas.host1)
    page = client.get(f"/requests/{req.pk}/").content.decode()
    assert page.count("condition--fail") == 2
    assert "18,304" in page and personas.host1_head.display_name in page


def test_office_list_filters_charts_and_exports(client, personas):
    complete_readiness_training(personas.host1, personas.host1_head)
    req = taku_request(personas)
    services.submit_request(req, actor=personas.host1)
    req.refresh_from_db()
    services.sign_commitment(req, actor=personas.host1_head, text=services.commitment_text(req))
    verified_client(client, personas.office)
    page = client.get("/requests/office/").content.decode()
    assert "多久市" in page and "<meter" in page
    assert (
        "多久市"
        not in client.get("/requests/office/", {"region": "kanto"})
        .content.decode()
        .split("<tbody>")[-1]
    )
    assert (
        "多久市"
        in client.get("/requests/office/", {"challenge": "vendor_dependency"}).content.decode()
    )
    xlsx = client.get("/requests/office/", {"format": "xlsx"})
    rows = list(load_workbook(io.BytesIO(xlsx.getvalue())).active.values)
    assert rows[1][0] == "佐賀県多久市"
    csv_body = client.get("/requests/office/", {"format": "csv"}).getvalue()
    assert csv_body.startswith(b"\xef\xbb\xbf") and "佐賀県多久市".encode() in csv_body
    response = client.post(f"/requests/{req.pk}/decide/", {"decision": "approve", "comment": ""})
    assert response.status_code == 302
    req.refresh_from_db()
    assert req.state == S.APPROVED


def test_office_configures_a_round(client, personas):
    verified_client(client, personas.office)
    response = client.post(
        "/requests/rounds/",
        {
            "fiscal_year": "2027",
            "title": "2027年度 派遣要請",
            "requests_open": "2026-09-01",
            "requests_close": "2026-08-01",
            "dispatch_start": "2027-04-01",
            "population_limit": "50000",
            "require_readiness_training": "on",
            "require_commitment": "on",
            "require_authority": "on",
            "min_readiness_score": "60",
        },
    )
    assert response.status_code == 200 and "error-summary" in response.content.decode()
