"""Pages of the know-how base: public reading, drafts kept private, the review workflow."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ciodispatch.audit.models import AuditEvent
from ciodispatch.knowhow import services
from ciodispatch.knowhow.forms import CaseForm
from ciodispatch.knowhow.models import Case, CaseVersion, Manual
from tests.conftest import verified_client
from tests.files import minimal_pdf
from tests.knowhow.helpers import draft, published


@pytest.fixture
def public_case(personas):
    return published(
        personas.office,
        body="## 経緯\n\n<script>alert(1)</script>\n\n[危険](javascript:alert(1)) **太字**",
        outcomes=[{"label": "配備", "value": "全台", "source": "県の資料", "url": ""}],
    )


def test_the_public_reads_a_published_case_without_signing_in(client, public_case):
    response = client.get(f"/knowhow/cases/{public_case.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "救急搬送 IT変革" in page and "CC BY 4.0" in page
    assert "県の資料" in page
    # Markdown is rendered and sanitised: no script, no javascript: link survives.
    assert "<strong>太字</strong>" in page
    assert "<script>alert(1)</script>" not in page
    assert 'href="javascript:' not in page


def test_a_draft_is_not_on_the_public_pages(client, personas):
    case = draft(personas.host1, codes=("412040",))
    assert client.get(f"/knowhow/cases/{case.pk}/").status_code == 404
    assert client.get("/knowhow/cases/").content.decode().count(case.title) == 0
    # Its manage page sends an anonymous visitor to sign in; another host gets 404, as if it did
    # not exist.
    assert client.get(f"/knowhow/workspace/{case.pk}/").status_code == 302
    client.force_login(personas.host2)
    assert client.get(f"/knowhow/workspace/{case.pk}/").status_code == 404
    client.force_login(personas.host1)
    assert client.get(f"/knowhow/workspace/{case.pk}/").status_code == 200


def test_search_page_filters_and_highlights(client, personas):
    saga = published(personas.office, title="予算の工夫", codes=("410004",))
    published(personas.office, title="福岡の予算", codes=("400009",), theme="telework")
    page = client.get("/knowhow/cases/", {"q": "予算", "prefecture": "41"}).content.decode()
    assert f"/knowhow/cases/{saga.pk}/" in page and "福岡の予算" not in page
    assert "<mark>予算</mark>" in page
    page = client.get("/knowhow/cases/", {"theme": "telework"}).content.decode()
    assert "福岡の予算" in page and "予算の工夫" not in page
    page = client.get("/knowhow/cases/", {"challenge": "no_budget", "period": 2012}).content
    assert "予算の工夫" in page.decode()
    page = client.get("/knowhow/cases/", {"period": 2030}).content.decode()
    assert "予算の工夫" not in page


@pytest.mark.parametrize(
    "query", ["予", "'; DROP TABLE x; --", '"', "*", "NEAR", "OR", "予" * 500, "!!!"]
)
def test_bad_queries_never_break_the_page(client, public_case, query):
    response = client.get("/knowhow/cases/", {"q": query, "period": "abc", "prefecture": "99"})
    assert response.status_code == 200


def test_a_one_character_query_gets_a_clear_message(client, public_case):
    page = client.get("/knowhow/cases/", {"q": "予"}).content.decode()
    assert "2文字以上" in page or "at least two characters" in page


def test_csv_of_published_cases_states_the_licence(client, personas, public_case):
    draft(personas.office, title="下書きは出ない")
    response = client.get("/knowhow/cases.csv")
    text = response.content.decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv")
    assert "救急搬送 IT変革" in text and "下書きは出ない" not in text
    assert "CC BY 4.0" in text


def test_a_host_drafts_submits_and_the_office_publishes_through_the_pages(client, personas):
    client.force_login(personas.host1)
    response = client.post(
        "/knowhow/workspace/new/",
        {
            "title": "書かない窓口",
            "summary": "申請書を書かない窓口を整えた。",
            "local_governments": "",
            "theme": "e_government",
            "year_from": "2024",
            "challenges": ["resistance_to_change"],
            "success_points": "現場主義：動線を観察した\n",
            "spread_points": "手順を公開する",
            "outcomes": "待ち時間の短縮 | 10分 | 市の公表資料 | https://example.jp/a",
            "sources": "市の資料 | https://example.jp/b",
            "body": "## 経緯",
        },
    )
    case = Case.objects.get(title="書かない窓口")
    assert response.status_code == 302
    assert [lg.code for lg in case.local_governments.all()] == ["412040"]
    assert case.outcomes[0]["value"] == "10分"
    upload = SimpleUploadedFile("手順.pdf", minimal_pdf(), content_type="application/pdf")
    client.post(f"/knowhow/workspace/{case.pk}/attach/", {"title": "手順書", "file": upload})
    assert case.attachments.count() == 1
    client.post(f"/knowhow/workspace/{case.pk}/submit/")
    case.refresh_from_db()
    assert case.state == "in_review"
    # The host cannot publish.
    assert (
        client.post(f"/knowhow/workspace/{case.pk}/decide/", {"decision": "publish"}).status_code
        == 403
    )
    office = verified_client(client, personas.office)
    office.post(f"/knowhow/workspace/{case.pk}/decide/", {"decision": "publish"})
    case.refresh_from_db()
    assert case.state == "published"
    attachment = case.attachments.get()
    client.logout()
    assert client.get(f"/knowhow/attachments/{attachment.pk}/").status_code == 200


def test_a_figure_without_source_is_refused_on_the_form(client, personas):
    client.force_login(personas.host1)
    response = client.post(
        "/knowhow/workspace/new/",
        {
            "title": "x",
            "summary": "y",
            "year_from": "2024",
            "outcomes": "待ち時間 | 10分",
        },
    )
    assert response.status_code == 200
    assert "needs its source" in response.content.decode() or "出典" in response.content.decode()
    assert not Case.objects.exists()


def test_the_office_returns_with_a_reason_and_records_an_award(client, personas):
    case = services.submit_case(draft(personas.host1, codes=("412040",)), actor=personas.host1)
    office = verified_client(client, personas.office)
    office.post(f"/knowhow/workspace/{case.pk}/decide/", {"decision": "return", "reason": ""})
    case.refresh_from_db()
    assert case.state == "in_review"
    office.post(f"/knowhow/workspace/{case.pk}/decide/", {"decision": "return", "reason": "出典を"})
    case.refresh_from_db()
    assert case.state == "draft" and case.return_reason == "出典を"
    other = published(personas.office, title="受賞事例")
    response = office.post(
        "/knowhow/awards/record/",
        {
            "fiscal_year": "2025",
            "name": "2025年度 アワード",
            "decided_on": "2026-02-20",
            "selections": f"{other.pk} | 大賞 | 全国に広がった",
        },
    )
    assert response.status_code == 302
    page = client.get("/knowhow/awards/").content.decode()
    assert "2025年度 アワード" in page and "受賞事例" in page


def test_manual_pages_show_only_published_manuals(client, personas):
    manual = services.create_manual(
        title="導入の手引き", actor=personas.office, body="## 手順\n\n<img src=x onerror=alert(1)>"
    )
    assert client.get(f"/knowhow/manuals/{manual.pk}/").status_code == 404
    services.publish_manual(manual, actor=personas.office)
    page = client.get(f"/knowhow/manuals/{manual.pk}/").content.decode()
    assert "導入の手引き" in page and "<img" not in page
    page = client.get("/knowhow/manuals/", {"q": "手順"}).content.decode()
    assert "<mark>手順</mark>" in page


def test_workspace_lists_only_what_the_user_may_see(client, personas):
    mine = draft(personas.host1, title="多久の下書き", codes=("412040",))
    theirs = draft(personas.host2, title="嬉野の下書き", codes=("412091",))
    client.force_login(personas.host1)
    page = client.get("/knowhow/workspace/").content.decode()
    assert mine.title in page and theirs.title not in page
    office = verified_client(client, personas.office)
    page = office.get("/knowhow/workspace/").content.decode()
    assert mine.title in page and theirs.title in page


def test_the_office_keeps_manuals_with_versions_through_the_pages(client, personas):
    case = published(personas.office)
    office = verified_client(client, personas.office)
    response = office.post(
        "/knowhow/manuals/manage/new/",
        {
            "title": "導入の手引き",
            "kind": "manual",
            "body": "## 手順\n\n- 関係者の洗い出し",
            "case_numbers": str(case.pk),
            "pdf": SimpleUploadedFile("m.pdf", minimal_pdf(), content_type="application/pdf"),
        },
    )
    manual = Manual.objects.get(title="導入の手引き")
    assert response.status_code == 302 and manual.state == "draft" and manual.pdf
    assert list(manual.cases.all()) == [case]
    office.post(f"/knowhow/manuals/manage/{manual.pk}/decide/", {"decision": "publish"})
    # A new version needs to say what changed.
    form = {"title": "導入の手引き", "kind": "manual", "body": "## 手順\n\n- 訓練"}
    response = office.post(f"/knowhow/manuals/manage/{manual.pk}/", form)
    assert response.status_code == 200
    office.post(f"/knowhow/manuals/manage/{manual.pk}/", {**form, "note": "訓練を追記"})
    manual.refresh_from_db()
    assert manual.version == 2 and manual.state == "published"
    client.logout()
    page = client.get(f"/knowhow/manuals/{manual.pk}/").content.decode()
    assert "訓練を追記" in page
    assert client.get(f"/knowhow/manuals/{manual.pk}/pdf/").status_code == 200
    client.force_login(personas.host1)
    assert client.get("/knowhow/manuals/manage/").status_code == 403


def test_an_earlier_version_of_a_case_can_be_read(client, personas):
    case = published(personas.office, summary="最初の要約")
    services.update_case(case, actor=personas.office, summary="新しい要約", note="要約を更新")
    page = client.get(f"/knowhow/cases/{case.pk}/").content.decode()
    assert "新しい要約" in page and f"/knowhow/cases/{case.pk}/versions/1/" in page
    old = client.get(f"/knowhow/cases/{case.pk}/versions/1/").content.decode()
    assert "最初の要約" in old and "新しい要約" not in old and "佐賀県" in old
    assert client.get(f"/knowhow/cases/{case.pk}/versions/9/").status_code == 404
    hidden = draft(personas.office, title="下書き")
    assert client.get(f"/knowhow/cases/{hidden.pk}/versions/1/").status_code == 404


def test_csv_cells_are_never_formulas(client, personas):
    published(personas.office, title='=HYPERLINK("http://example.com")')
    text = client.get("/knowhow/cases.csv").content.decode("utf-8-sig")
    assert "'=HYPERLINK" in text


def _edit_data(case):
    data = {k: v for k, v in CaseForm.initial_for(case).items() if v is not None}
    data["challenges"] = case.challenges
    return data


def test_a_long_note_on_the_edit_page_is_a_form_error_that_keeps_the_edit(client, personas):
    case = published(personas.office, summary="最初の要約")
    office = verified_client(client, personas.office)
    data = {**_edit_data(case), "summary": "書き直した要約", "note": "x" * 300}
    response = office.post(f"/knowhow/workspace/{case.pk}/edit/", data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "書き直した要約" in page and "x" * 300 in page and 'maxlength="200"' in page
    case.refresh_from_db()
    assert case.summary == "最初の要約"
    data["note"] = "要約を更新"
    assert office.post(f"/knowhow/workspace/{case.pk}/edit/", data).status_code == 302
    assert CaseVersion.objects.get(case=case, number=2).note == "要約を更新"


def test_a_draft_edit_page_has_no_note_field(client, personas):
    case = draft(personas.host1, codes=("412040",))
    client.force_login(personas.host1)
    page = client.get(f"/knowhow/workspace/{case.pk}/edit/").content.decode()
    assert 'name="note"' not in page


@pytest.mark.parametrize("decision", ["return", "withdraw", "reopen"])
def test_a_nul_in_a_reason_is_refused_clearly(client, personas, decision):
    if decision == "return":
        case = services.submit_case(draft(personas.host1, codes=("412040",)), actor=personas.host1)
    elif decision == "withdraw":
        case = published(personas.office)
    else:
        case = published(personas.office)
        services.withdraw_case(case, actor=personas.office, reason="誤り")
    before = Case.objects.get(pk=case.pk).state
    office = verified_client(client, personas.office)
    response = office.post(
        f"/knowhow/workspace/{case.pk}/decide/", {"decision": decision, "reason": "a\x00b"}
    )
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).state == before
    page = office.get(f"/knowhow/workspace/{case.pk}/").content.decode()
    assert "NUL" in page


@pytest.mark.parametrize("url", ["/knowhow/workspace/", "/knowhow/awards/record/"])
def test_pages_listing_published_cases_do_not_query_per_case(client, personas, url):
    office = verified_client(client, personas.office)
    published(personas.office, title="事例1")
    office.get(url)
    with CaptureQueriesContext(connection) as one:
        assert office.get(url).status_code == 200
    for n in range(2, 5):
        published(personas.office, title=f"事例{n}", codes=("410004", "412040"))
    with CaptureQueriesContext(connection) as four:
        assert office.get(url).status_code == 200
    assert len(four) == len(one)


def test_an_author_removes_an_attachment_from_a_draft(
    client, personas, django_capture_on_commit_callbacks
):
    case = draft(personas.host1, codes=("412040",))
    pdf = SimpleUploadedFile("a.pdf", minimal_pdf(), content_type="application/pdf")
    item = services.add_attachment(case, actor=personas.host1, upload=pdf, title="古い資料")
    client.force_login(personas.host2)
    assert client.post(f"/knowhow/workspace/attachments/{item.pk}/remove/").status_code == 404
    client.force_login(personas.host1)
    page = client.get(f"/knowhow/workspace/{case.pk}/").content.decode()
    assert f"/knowhow/workspace/attachments/{item.pk}/remove/" in page
    assert client.get(f"/knowhow/workspace/attachments/{item.pk}/remove/").status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/knowhow/workspace/attachments/{item.pk}/remove/")
    assert response.status_code == 302 and not case.attachments.exists()
    assert AuditEvent.objects.filter(action="knowhow.case.attachment_removed").exists()
    assert client.post(f"/knowhow/workspace/attachments/{item.pk}/remove/").status_code == 404
