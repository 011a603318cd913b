import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ciodispatch.audit.models import AuditEvent
from ciodispatch.candidates import services
from ciodispatch.candidates.models import Application
from ciodispatch.candidates.services import CandidateError
from tests.candidates.helpers import fill_application, new_candidate, pdf_upload


def test_registration_starts_a_draft(registry):
    user = new_candidate("newcomer")
    app = services.application_of(user)
    assert app.state == Application.State.DRAFT and app.family_name == "佐藤"
    assert AuditEvent.objects.filter(action="candidates.application.started").exists()


def test_registration_refuses_a_second_account_with_the_same_email(registry):
    new_candidate("first", email="same@example.jp")
    with pytest.raises(CandidateError, match="exists already"):
        new_candidate("second", email="same@example.jp")


def test_sections_report_their_status(personas):
    app = services.start_application(personas.candidate1, actor=personas.candidate1)
    assert services.section_status(app, "availability") == "not_started"
    assert "Enter the earliest date you could start." in services.section_problems(
        app, "availability"
    )
    app = fill_application(personas.candidate1)
    assert all(services.section_status(app, key) == "completed" for key in services.SECTION_KEYS)


def test_submit_refuses_an_incomplete_application_and_names_the_sections(personas):
    app = services.start_application(personas.candidate1, actor=personas.candidate1)
    with pytest.raises(CandidateError, match="Availability"):
        services.submit_application(app, actor=personas.candidate1)
    app.refresh_from_db()
    assert app.state == Application.State.DRAFT


def test_submit_moves_to_applied_notifies_and_locks_the_file(
    personas, django_capture_on_commit_callbacks
):
    app = fill_application(personas.candidate1)
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_application(app, actor=personas.candidate1)
    app.refresh_from_db()
    assert app.state == Application.State.APPLIED and app.submitted_at
    assert app.review_round.criteria.count() == 6
    assert len(mail.outbox) == 1 and personas.candidate1.email in mail.outbox[0].to
    with pytest.raises(PermissionDenied):
        services.save_motivation(app, actor=personas.candidate1, motivation="x" * 200)


def test_a_duplicate_application_is_refused(personas):
    services.submit_application(
        fill_application(personas.candidate1, email="a@example.jp"), actor=personas.candidate1
    )
    second = fill_application(personas.candidate2, email="A@example.jp")
    with pytest.raises(CandidateError, match="One person applies once"):
        services.submit_application(second, actor=personas.candidate2)


def test_personal_fields_are_audited_by_name_not_value(personas):
    fill_application(personas.candidate1)
    event = AuditEvent.objects.filter(
        action="candidates.application.section_saved", changes__section="identity"
    ).first()
    assert "phone" in event.changes["fields"]
    assert "090-0000-0000" not in str(event.changes)


def test_another_candidate_cannot_edit(personas):
    app = services.start_application(personas.candidate1, actor=personas.candidate1)
    with pytest.raises(PermissionDenied):
        services.save_motivation(app, actor=personas.candidate2, motivation="乗っ取り")


@pytest.mark.parametrize(
    ("changes", "fragment"),
    [
        ({"earliest_start": dt.date(2020, 1, 1)}, "future"),
        ({"term_months": 5}, "6 to 24"),
        ({"term_months": 25}, "6 to 24"),
        ({"work_pattern": "part_time", "days_per_week": 4}, "1 to 3 days"),
        ({"work_pattern": "part_time", "days_per_week": None}, "1 to 3 days"),
        ({"regions": []}, "region"),
        ({"regions": ["atlantis"]}, "region"),
    ],
)
def test_availability_refusals(personas, changes, fragment):
    app = services.start_application(personas.candidate1, actor=personas.candidate1)
    values = {
        "earliest_start": timezone.localdate() + dt.timedelta(days=30),
        "term_months": 12,
        "work_pattern": "full_time",
        "days_per_week": None,
        "work_place": "on_site",
        "regions": ["kyushu"],
    } | changes
    with pytest.raises(CandidateError, match=fragment):
        services.save_availability(app, actor=personas.candidate1, **values)
    app.refresh_from_db()
    assert app.term_months is None


def test_full_time_clears_days_a_week(personas):
    app = services.start_application(personas.candidate1, actor=personas.candidate1)
    app = services.save_availability(
        app,
        actor=personas.candidate1,
        earliest_start=timezone.localdate() + dt.timedelta(days=9),
        term_months=6,
        work_pattern="full_time",
        days_per_week=2,
        work_place="remote",
        regions=["kanto"],
    )
    assert app.days_per_week is None


@pytest.mark.parametrize(
    ("none", "items", "fragment"),
    [
        (True, [("富士通", dt.date(2023, 1, 1), None)], "one or the other"),
        (False, [(" ", dt.date(2023, 1, 1), None)], "vendor's name"),
        (False, [("NEC", dt.date(2023, 1, 1), dt.date(2022, 1, 1))], "before the start"),
        (False, [("NEC", dt.date(2010, 1, 1), dt.date(2012, 1, 1))], "last 5 years"),
        (False, [("NEC", dt.date(2023, 1, 1), None), ("nec", dt.date(2024, 1, 1), None)], "twice"),
    ],
)
def test_vendor_affiliation_refusals(personas, none, items, fragment):
    app = services.start_application(personas.candidate1, actor=personas.candidate1)
    affiliations = [services.AffiliationInput(v, "employee", s, e) for v, s, e in items]
    with pytest.raises(CandidateError, match=fragment):
        services.save_vendor_affiliations(
            app, actor=personas.candidate1, none=none, affiliations=affiliations
        )
    assert not app.vendor_affiliations.exists()


def test_career_refusals(personas):
    app = services.start_application(personas.candidate1, actor=personas.candidate1)
    with pytest.raises(CandidateError, match="end year"):
        services.save_career(
            app,
            actor=personas.candidate1,
            has_public_sector_experience=False,
            entries=[services.CareerInput("A社", "部長", 2015, 2010, False)],
        )
    with pytest.raises(CandidateError, match="mark the public-sector"):
        services.save_career(
            app,
            actor=personas.candidate1,
            has_public_sector_experience=True,
            entries=[services.CareerInput("A社", "部長", 2015, None, False)],
        )


def test_skills_need_evidence(personas):
    app = services.start_application(personas.candidate1, actor=personas.candidate1)
    with pytest.raises(CandidateError, match="evidence"):
        services.save_skills(app, actor=personas.candidate1, claims={"engineer": (3, "短い")})


def test_identity_refusals(personas):
    app = services.start_application(personas.candidate1, actor=personas.candidate1)
    values = dict(
        family_name="山田",
        given_name="花子",
        family_name_kana="やまだ",
        given_name_kana="ハナコ",
        date_of_birth=dt.date(1980, 1, 1),
        email="x@example.jp",
        phone="1",
        prefecture_code="13",
    )
    with pytest.raises(CandidateError, match="katakana"):
        services.save_identity(app, actor=personas.candidate1, **values)
    values |= {"family_name_kana": "ヤマダ", "date_of_birth": timezone.localdate()}
    with pytest.raises(CandidateError, match="date of birth"):
        services.save_identity(app, actor=personas.candidate1, **values)


def test_cv_must_be_a_real_pdf_under_the_limit(personas, settings):
    app = services.start_application(personas.candidate1, actor=personas.candidate1)
    fake = SimpleUploadedFile("cv.pdf", b"GIF89a....", content_type="application/pdf")
    with pytest.raises(CandidateError, match="not a PDF"):
        services.upload_cv(app, actor=personas.candidate1, upload=fake)
    broken = SimpleUploadedFile("cv.pdf", b"%PDF-1.7 garbage", content_type="application/pdf")
    with pytest.raises(CandidateError, match="cannot be read"):
        services.upload_cv(app, actor=personas.candidate1, upload=broken)
    settings.MAX_UPLOAD_MB = 1
    big = pdf_upload()
    big.size = 2 * 1024 * 1024
    with pytest.raises(CandidateError, match="larger than 1 MB"):
        services.upload_cv(app, actor=personas.candidate1, upload=big)
    app.refresh_from_db()
    assert not app.cv
    services.upload_cv(app, actor=personas.candidate1, upload=pdf_upload())
    app.refresh_from_db()
    assert app.cv.name.endswith(".pdf")


def test_consent_records_the_version(personas, settings):
    app = services.start_application(personas.candidate1, actor=personas.candidate1)
    with pytest.raises(CandidateError, match="current version"):
        services.give_consent(app, actor=personas.candidate1, version="2019-01")
    app = services.give_consent(
        app, actor=personas.candidate1, version=settings.PERSONAL_DATA_CONSENT_VERSION
    )
    assert app.consent_version == settings.PERSONAL_DATA_CONSENT_VERSION and app.consent_at
