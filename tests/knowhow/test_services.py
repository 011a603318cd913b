"""The rules of the know-how base, each with a test that fails if the rule breaks."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from ciodispatch.audit.models import AuditEvent
from ciodispatch.core.states import TransitionRefused
from ciodispatch.knowhow import queries, services
from ciodispatch.knowhow.models import Case, CaseVersion, Manual, SearchEntry
from ciodispatch.knowhow.services import KnowhowError
from tests.conftest import lg
from tests.files import minimal_pdf
from tests.knowhow.helpers import draft, published

S = Case.State


def test_a_host_drafts_a_case_of_its_own_government(personas):
    case = draft(personas.host1, title="書かない窓口", codes=("412040",))
    assert case.state == S.DRAFT
    assert case.author_government_id == "412040"
    assert AuditEvent.objects.filter(action="knowhow.case.drafted", object_id=str(case.pk)).exists()


def test_a_host_may_name_partners_but_must_include_itself(personas):
    case = draft(personas.host1, codes=("412040", "412091"))
    assert {lg.code for lg in case.local_governments.all()} == {"412040", "412091"}
    with pytest.raises(KnowhowError, match="own local government"):
        draft(personas.host1, codes=("412091",))


def test_the_office_drafts_for_anyone(personas):
    case = draft(personas.office, codes=("260002",))
    assert case.author_government is None


@pytest.mark.parametrize("name", ["candidate1", "reviewer"])
def test_others_cannot_draft(personas, name):
    with pytest.raises(PermissionDenied):
        draft(getattr(personas, name))


def test_a_case_needs_a_government_and_valid_fields(personas):
    with pytest.raises(KnowhowError, match="at least one local government"):
        services.create_case_draft(title="x", local_governments=[], actor=personas.office)
    with pytest.raises(KnowhowError, match="Unknown challenge"):
        draft(personas.office, challenges=["no_money"])
    with pytest.raises(KnowhowError, match="theme"):
        draft(personas.office, theme="space")
    with pytest.raises(KnowhowError, match="ends before it starts"):
        draft(personas.office, year_from=2020, year_to=2019)
    with pytest.raises(KnowhowError, match="https://"):
        draft(personas.office, sources=[{"title": "x", "url": "javascript:alert(1)"}])
    with pytest.raises(KnowhowError, match="title"):
        draft(personas.office, title="  ")


def test_a_figure_needs_its_source(personas):
    with pytest.raises(KnowhowError, match="needs its source"):
        draft(personas.office, outcomes=[{"label": "搬送時間", "value": "短縮"}])
    case = draft(
        personas.office,
        outcomes=[
            {"label": "搬送時間", "value": "1分短縮", "source": "県の公表資料", "url": ""},
            {"label": "全救急車に配備"},
        ],
    )
    assert case.outcomes[1] == {"label": "全救急車に配備", "value": "", "source": "", "url": ""}


def test_submit_review_publish_and_the_index(personas):
    case = draft(personas.host1, codes=("412040",))
    assert not SearchEntry.objects.exists()
    services.submit_case(case, actor=personas.host1)
    case.refresh_from_db()
    assert case.state == S.IN_REVIEW
    # In review the authors can no longer change it.
    with pytest.raises(PermissionDenied):
        services.update_case(case, actor=personas.host1, summary="変更")
    services.publish_case(case, actor=personas.office)
    case.refresh_from_db()
    assert case.state == S.PUBLISHED and case.published_at is not None
    assert SearchEntry.objects.filter(kind="case", object_id=case.pk).exists()
    assert list(case.versions.values_list("number", flat=True)) == [1]
    assert list(queries.published_cases()) == [case]


def test_only_the_office_publishes(personas):
    case = draft(personas.host1, codes=("412040",))
    services.submit_case(case, actor=personas.host1)
    for name in ("host1", "host1_head", "pref1", "candidate1"):
        with pytest.raises(PermissionDenied):
            services.publish_case(case, actor=getattr(personas, name))


def test_an_incomplete_draft_cannot_be_sent_for_review(personas):
    case = draft(personas.host1, codes=("412040",), success_points=[], summary="")
    with pytest.raises(KnowhowError, match="summary") as error:
        services.submit_case(case, actor=personas.host1)
    assert "success point" in str(error.value)
    case.refresh_from_db()
    assert case.state == S.DRAFT


def test_a_draft_cannot_be_published_without_review(personas):
    case = draft(personas.office)
    with pytest.raises(TransitionRefused):
        services.publish_case(case, actor=personas.office)


def test_return_needs_a_reason_and_the_authors_see_it(personas):
    case = draft(personas.host1, codes=("412040",))
    services.submit_case(case, actor=personas.host1)
    with pytest.raises(KnowhowError, match="change"):
        services.return_case(case, actor=personas.office, reason=" ")
    services.return_case(case, actor=personas.office, reason="出典を付けてください")
    case.refresh_from_db()
    assert case.state == S.DRAFT and case.return_reason == "出典を付けてください"
    event = AuditEvent.objects.get(action="knowhow.case.draft", object_id=str(case.pk))
    assert event.reason == "出典を付けてください"
    services.update_case(case, actor=personas.host1, summary="出典を付けた要約")


def test_another_host_cannot_touch_a_draft(personas):
    case = draft(personas.host1, codes=("412040",))
    for name in ("host2", "pref_fukuoka", "host_fukuoka"):
        with pytest.raises(PermissionDenied):
            services.update_case(case, actor=getattr(personas, name), summary="x")
        with pytest.raises(PermissionDenied):
            services.submit_case(case, actor=getattr(personas, name))


def test_editing_a_published_case_keeps_the_previous_version(personas):
    case = published(personas.office)
    services.update_case(case, actor=personas.office, summary="新しい要約", note="要約を更新")
    case.refresh_from_db()
    assert case.version == 2 and case.state == S.PUBLISHED
    versions = {v.number: v for v in CaseVersion.objects.filter(case=case)}
    assert (
        versions[1].snapshot["summary"] == "全救急車にタブレット端末を配備し、受入可否を共有した。"
    )
    assert versions[2].snapshot["summary"] == "新しい要約" and versions[2].note == "要約を更新"
    assert "新しい要約" in SearchEntry.objects.get(kind="case", object_id=case.pk).text


def test_a_host_cannot_edit_its_published_case(personas):
    case = published(personas.office, codes=("412040",), author=personas.host1)
    with pytest.raises(PermissionDenied):
        services.update_case(case, actor=personas.host1, summary="x")


def test_withdraw_removes_it_from_the_public_and_the_index(personas):
    case = published(personas.office)
    with pytest.raises(KnowhowError, match="reason"):
        services.withdraw_case(case, actor=personas.office, reason="")
    services.withdraw_case(case, actor=personas.office, reason="誤りがあったため")
    assert not queries.published_cases().exists()
    assert not SearchEntry.objects.exists()
    services.reopen_case(case, actor=personas.office, reason="修正する")
    case.refresh_from_db()
    assert case.state == S.DRAFT and case.versions.count() == 1


def _upload(name, content, kind="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=kind)


def test_attachments_are_checked_for_type_and_size(personas, settings):
    case = draft(personas.host1, codes=("412040",))
    pdf = _upload("資料.pdf", minimal_pdf())
    attachment = services.add_attachment(case, actor=personas.host1, upload=pdf, title="資料")
    assert attachment.content_type == "application/pdf" and attachment.size == len(minimal_pdf())
    with pytest.raises(KnowhowError, match="not accepted"):
        services.add_attachment(
            case, actor=personas.host1, upload=_upload("x.exe", b"MZ"), title="x"
        )
    with pytest.raises(KnowhowError, match="content is not a .pdf"):
        services.add_attachment(
            case, actor=personas.host1, upload=_upload("x.pdf", b"<html>"), title="x"
        )
    settings.MAX_UPLOAD_MB = 1
    with pytest.raises(KnowhowError, match="larger than 1 MB"):
        services.add_attachment(
            case,
            actor=personas.host1,
            upload=_upload("x.png", b"\x89PNG\r\n\x1a\n" + b"0" * (1024 * 1024)),
            title="x",
        )
    with pytest.raises(PermissionDenied):
        services.add_attachment(case, actor=personas.host2, upload=pdf, title="x")
    assert case.attachments.count() == 1


def test_create_case_draft_is_the_entry_point_for_dispatch_evaluations(personas):
    # The dispatches issue turns a finished dispatch's evaluation into a draft with this call.
    case = services.create_case_draft(
        title="派遣CIOによる基幹システム標準化",
        local_governments=[lg("412040")],
        actor=personas.office,
        summary="派遣終了時の評価から作成した下書き。",
        challenges=["vendor_dependency"],
        origin="dispatch:1",
    )
    assert case.state == S.DRAFT and case.origin == "dispatch:1"


def test_manuals_have_versions_and_only_published_ones_are_public(personas):
    case = published(personas.office)
    manual = services.create_manual(
        title="救急搬送支援システム導入の手引き",
        actor=personas.office,
        body="## 手順\n\n- 関係者の洗い出し",
        cases=[case],
    )
    assert not queries.published_manuals().exists()
    services.publish_manual(manual, actor=personas.office)
    services.update_manual(manual, actor=personas.office, note="第2版", body="## 手順\n\n- 訓練")
    manual.refresh_from_db()
    assert manual.version == 2
    assert [v.number for v in manual.versions.all()] == [2, 1]
    assert manual.versions.get(number=1).body == "## 手順\n\n- 関係者の洗い出し"
    with pytest.raises(KnowhowError, match="what changed"):
        services.update_manual(manual, actor=personas.office, note="")
    with pytest.raises(PermissionDenied):
        services.create_manual(title="x", body="y", actor=personas.host1)
    with pytest.raises(KnowhowError, match="not a PDF"):
        services.create_manual(title="x", actor=personas.office, pdf=b"<html>")
    services.withdraw_manual(manual, actor=personas.office, reason="改訂中")
    assert Manual.objects.get(pk=manual.pk).state == "withdrawn"
    assert not SearchEntry.objects.filter(kind="manual").exists()


def test_the_award_is_recorded_by_the_office_with_published_cases(personas):
    case = published(personas.office)
    other = draft(personas.office, title="下書きの事例")
    with pytest.raises(PermissionDenied):
        services.record_award(
            fiscal_year=2025,
            name="賞",
            decided_on=dt.date(2026, 2, 20),
            selections=[(case, "大賞", "理由")],
            actor=personas.host1,
        )
    with pytest.raises(KnowhowError, match="Only published"):
        services.record_award(
            fiscal_year=2025,
            name="賞",
            decided_on=dt.date(2026, 2, 20),
            selections=[(other, "大賞", "理由")],
            actor=personas.office,
        )
    with pytest.raises(KnowhowError, match="prize and citation"):
        services.record_award(
            fiscal_year=2025,
            name="賞",
            decided_on=dt.date(2026, 2, 20),
            selections=[(case, "大賞", "")],
            actor=personas.office,
        )
    award = services.record_award(
        fiscal_year=2025,
        name="2025年度 自治体DX横展開アワード",
        decided_on=dt.date(2026, 2, 20),
        selections=[(case, "大賞", "全国に広がる仕組み")],
        actor=personas.office,
    )
    assert award.selections.get().case == case
    event = AuditEvent.objects.get(action="knowhow.award.recorded")
    assert event.changes["selections"] == [{"case": case.pk, "prize": "大賞"}]
    with pytest.raises(KnowhowError, match="already recorded"):
        services.record_award(
            fiscal_year=2025,
            name="x",
            decided_on=dt.date(2026, 2, 20),
            selections=[(case, "大賞", "x")],
            actor=personas.office,
        )


def test_the_demo_builds_the_study_cases_and_more(knowhow_demo):
    titles = set(queries.published_cases().values_list("title", flat=True))
    assert {
        "救急搬送 IT変革",
        "最先端 電子県庁",
        "市町基幹情報システムのクラウド化",
        "テレワーク",
    } <= titles
    assert queries.published_cases().count() >= 34
    assert queries.published_manuals().count() >= 20
    assert Case.objects.filter(state=S.DRAFT).exists()
    assert Case.objects.filter(state=S.IN_REVIEW).exists()
    telework = Case.objects.get(origin="demo:saga-telework")
    assert telework.version == 2 and telework.versions.count() == 2
    emergency = Case.objects.get(origin="demo:saga-emergency")
    # The study's figures are not invented: every figure shown has a source.
    assert all(o["source"] for o in emergency.outcomes if o["value"])
    assert emergency.awards.get().prize == "大賞"


def test_a_corrected_case_published_again_is_a_new_version(personas):
    case = published(personas.office, summary="誤りのある要約")
    services.withdraw_case(case, actor=personas.office, reason="誤り")
    services.reopen_case(case, actor=personas.office, reason="修正")
    services.update_case(case, actor=personas.office, summary="正しい要約")
    services.submit_case(case, actor=personas.office)
    case = services.publish_case(case, actor=personas.office)
    assert case.version == 2
    snapshots = {v.number: v.snapshot["summary"] for v in case.versions.all()}
    assert snapshots == {1: "誤りのある要約", 2: "正しい要約"}


def test_a_long_note_is_refused_by_the_service_and_nothing_is_written(personas):
    case = published(personas.office, summary="最初の要約")
    with pytest.raises(KnowhowError, match="200"):
        services.update_case(case, actor=personas.office, summary="新", note="x" * 201)
    case.refresh_from_db()
    assert case.summary == "最初の要約" and case.version == 1


def test_returning_a_case_updates_its_changed_time(personas):
    case = services.submit_case(draft(personas.host1, codes=("412040",)), actor=personas.host1)
    Case.objects.filter(pk=case.pk).update(updated_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    services.return_case(case, actor=personas.office, reason="出典を")
    case.refresh_from_db()
    assert case.updated_at.year > 2020
