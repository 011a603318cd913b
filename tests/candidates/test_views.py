import datetime as dt
import io
import json

from django.utils import timezone
from openpyxl import load_workbook

from ciodispatch.candidates import services
from ciodispatch.candidates.models import Application
from tests.candidates.helpers import MOTIVATION, fill_application, pdf_upload, submitted_application
from tests.conftest import verified_client

S = Application.State


def test_a_stranger_registers_and_lands_on_the_task_list(client, registry):
    response = client.post(
        "/candidates/register/",
        {
            "username": "hanako",
            "email": "hanako@example.jp",
            "family_name": "山田",
            "given_name": "花子",
            "password1": "a-long-password-2026",
            "password2": "a-long-password-2026",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/candidates/application/"
    page = client.get("/candidates/application/").content.decode()
    assert page.count("task-list__item") == 9


def test_registration_errors_say_what_to_fix(client, registry):
    response = client.post(
        "/candidates/register/",
        {
            "username": "a b",
            "email": "x",
            "family_name": "",
            "given_name": "花子",
            "password1": "short",
            "password2": "other",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    for field in ("id_username", "id_email", "id_family_name", "id_password2"):
        assert f'href="#{field}"' in body


def _post_section(client, key, data, files=None):
    return client.post(f"/candidates/application/{key}/", {**data, **(files or {})})


def _formset(prefix, rows):
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "20",
    }
    for i, row in enumerate(rows):
        data.update({f"{prefix}-{i}-{k}": v for k, v in row.items()})
    return data


def test_a_candidate_fills_every_section_in_the_browser_forms_and_submits(client, personas):
    client.force_login(personas.candidate1)
    start = (timezone.localdate() + dt.timedelta(days=90)).isoformat()
    steps = [
        (
            "identity",
            {
                "family_name": "山田",
                "given_name": "花子",
                "family_name_kana": "ヤマダ",
                "given_name_kana": "ハナコ",
                "date_of_birth": "1980-02-03",
                "email": "hanako@example.jp",
                "phone": "090-1234-5678",
                "prefecture_code": "41",
            },
        ),
        (
            "career",
            {
                "has_public_sector_experience": "no",
                **_formset(
                    "career", [{"organisation": "A社", "role": "部長", "start_year": "2010"}, {}]
                ),
            },
        ),
        (
            "skills",
            {
                "engineer_level": "3",
                "engineer_evidence": "基幹システムのクラウド移行を設計し完遂した。",
            },
        ),
        ("domains", {"domains": ["telework", "e_government"]}),
        (
            "availability",
            {
                "earliest_start": start,
                "term_months": "12",
                "work_pattern": "full_time",
                "work_place": "on_site",
                "regions": ["kyushu"],
            },
        ),
        (
            "vendors",
            {
                **_formset(
                    "vendors",
                    [{"vendor": "富士通", "kind": "employee", "start_date": "2023-04-01"}, {}],
                )
            },
        ),
        ("motivation", {"motivation": MOTIVATION}),
        ("documents", {"cv": pdf_upload()}),
        ("consent", {"agree": "on"}),
    ]
    for key, data in steps:
        response = _post_section(client, key, data)
        assert response.status_code == 302, (key, response.content.decode()[:3000])
    app = services.application_of(personas.candidate1)
    assert app.career.count() == 1 and app.vendor_affiliations.get().vendor == "富士通"
    assert client.post("/candidates/application/check/").status_code == 302
    app.refresh_from_db()
    assert app.state == S.APPLIED
    locked = client.get("/candidates/application/identity/")
    assert locked.status_code == 302 and locked["Location"] == "/candidates/application/"
    assert client.post("/candidates/application/check/").status_code == 302
    app.refresh_from_db()
    assert app.state == S.APPLIED  # submitting again changed nothing


def test_section_errors_are_shown_and_nothing_is_saved(client, personas):
    client.force_login(personas.candidate1)
    response = _post_section(
        client,
        "availability",
        {
            "earliest_start": "2020-01-01",
            "term_months": "30",
            "work_pattern": "part_time",
            "work_place": "remote",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200 and "error-summary" in body
    assert 'href="#id_term_months"' in body and 'href="#id_regions"' in body
    not_pdf = io.BytesIO(b"hello")
    not_pdf.name = "cv.pdf"
    response = _post_section(client, "documents", {"cv": not_pdf})
    assert "PDF" in response.content.decode()
    assert not services.application_of(personas.candidate1).cv


def test_a_started_row_is_named_in_the_summary_and_at_its_field(client, personas):
    client.force_login(personas.candidate1)
    response = _post_section(
        client,
        "career",
        {
            "has_public_sector_experience": "no",
            **_formset("career", [{}, {"organisation": "A社", "start_year": "2015"}]),
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count('class="error-summary"') == 1
    assert 'href="#id_career-1-role"' in body and "職歴2 " in body
    assert 'id="id_career-1-role_error"' in body  # at the field too
    assert '<legend class="field__label">職歴1</legend>' in body


def test_cv_is_served_only_to_those_allowed(client, personas):
    app = submitted_application(personas.candidate1)
    services.assign_reviewer(app, personas.reviewer, actor=personas.office)
    url = f"/candidates/applications/{app.pk}/cv/"
    client.force_login(personas.candidate1)
    assert client.get(url).status_code == 200
    for other in (personas.candidate2, personas.host1, personas.pref1):
        client.force_login(other)
        assert client.get(url).status_code == 404
    verified_client(client, personas.reviewer)
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")


def test_reviewer_scores_in_the_page_and_office_decides_and_certifies(
    client, personas, monkeypatch
):
    app = submitted_application(personas.candidate1)
    verified_client(client, personas.office)
    client.post(f"/candidates/applications/{app.pk}/assign/", {"reviewer": personas.reviewer.pk})
    assignment = app.assignments.get()
    client.logout()
    verified_client(client, personas.reviewer)
    assert "山田" in client.get("/candidates/reviews/").content.decode()
    criteria = app.review_round.criteria.all()
    missing = client.post(f"/candidates/reviews/{assignment.pk}/", {})
    assert "error-summary" in missing.content.decode()
    data = {}
    for c in criteria:
        data[f"score_{c.pk}"] = "4"
        data[f"comment_{c.pk}"] = "十分な実績"
    assert client.post(f"/candidates/reviews/{assignment.pk}/", data).status_code == 302
    client.logout()
    verified_client(client, personas.office)
    page = client.get(f"/candidates/applications/{app.pk}/").content.decode()
    assert "十分な実績" in page and "4.00" in page
    client.post(
        f"/candidates/applications/{app.pk}/decide/", {"decision": "pass", "reason": "優秀"}
    )
    monkeypatch.setattr(services, "public_sector_training_completed", lambda user: True)
    client.post(f"/candidates/applications/{app.pk}/certify/")
    app.refresh_from_db()
    assert app.state == S.CERTIFIED
    xlsx = client.get("/candidates/pool/?format=xlsx")
    rows = list(load_workbook(io.BytesIO(xlsx.getvalue())).active.iter_rows(values_only=True))
    assert rows[1][0] == "山田 花子"
    csv_body = client.get("/candidates/pool/?format=csv").getvalue()
    assert csv_body.startswith(b"\xef\xbb\xbf") and "山田 花子".encode() in csv_body


def test_an_unassigned_reviewer_cannot_open_a_review(client, personas):
    app = submitted_application(personas.candidate1)
    assignment = services.assign_reviewer(app, personas.reviewer, actor=personas.office)
    from ciodispatch.accounts import services as accounts
    from ciodispatch.accounts.models import Organisation, Role

    other = accounts.create_user(
        username="reviewer9",
        role=Role.REVIEWER,
        password=None,
        actor=None,
        organisation=Organisation.objects.get(kind=Organisation.Kind.PROGRAMME_OFFICE),
    )
    verified_client(client, other)
    assert client.get(f"/candidates/reviews/{assignment.pk}/").status_code == 404
    assert client.get(f"/candidates/applications/{app.pk}/").status_code == 404


def test_a_candidate_downloads_their_data_and_asks_for_deletion(client, personas):
    fill_application(personas.candidate1)
    client.force_login(personas.candidate1)
    data = json.loads(client.get("/candidates/my-data/data.json").content)
    assert data["application"]["family_name"] == "山田"
    pdf = client.get("/candidates/my-data/data.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert client.post("/candidates/my-data/delete/").status_code == 302
    waiting = client.get("/candidates/my-data/").content.decode()
    assert "handling it" in waiting or "対応" in waiting
    client.logout()
    verified_client(client, personas.office)
    app = services.application_of(personas.candidate1)
    request = app.deletion_requests.get()
    assert client.post(f"/candidates/deletions/{request.pk}/complete/").status_code == 302
    app.refresh_from_db()
    assert app.erased_at is not None and app.family_name == ""


def test_office_opens_the_criteria_of_this_year(client, personas):
    verified_client(client, personas.office)
    response = client.post("/candidates/rounds/")
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "全体最適" in page
    year = response["Location"].split("/")[-3]
    saved = client.post(
        f"/candidates/rounds/{year}/criteria/",
        {"key": "regional_fit", "title": "地域への理解", "description": "", "weight": "2"},
    )
    assert saved.status_code == 302
