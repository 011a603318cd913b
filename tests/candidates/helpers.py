"""Building candidate files through the real services, for the tests."""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ciodispatch.candidates import services
from ciodispatch.candidates.models import Application
from ciodispatch.core import pdf

MOTIVATION = (
    "民間でのクラウド移行と組織変革の経験を、自治体の現場で生かしたいと考えています。"
    "首長のビジョンを受け、職員の皆さんと一緒に全体最適の戦略を立て、ベンダー任せにしない"
    "調達とシステム運用を実現し、小さな成功を積み重ねて住民サービスの改善につなげます。"
)


def pdf_upload(name="cv.pdf", text="職務経歴書") -> SimpleUploadedFile:
    content = pdf.build([pdf.paragraph(text, pdf.styles()["body"])], title="CV")
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def fill_application(
    user, *, email=None, born=dt.date(1975, 6, 1), vendors=(), domains=("core_systems_cloud",)
) -> Application:
    """Complete every section of ``user``'s draft (as the candidate), without submitting."""
    app = services.start_application(user, actor=user)
    services.save_identity(
        app,
        actor=user,
        family_name=app.family_name or "山田",
        given_name=app.given_name or "花子",
        family_name_kana="ヤマダ",
        given_name_kana="ハナコ",
        date_of_birth=born,
        email=email or user.email,
        phone="090-0000-0000",
        prefecture_code="13",
    )
    services.save_career(
        app,
        actor=user,
        has_public_sector_experience=True,
        entries=[
            services.CareerInput("株式会社クラウドワークス", "CTO", 2012, None, False, "基盤刷新"),
            services.CareerInput("総務省", "非常勤 CIO補佐官", 2019, 2021, True, "調達改革"),
        ],
    )
    services.save_skills(
        app,
        actor=user,
        claims={
            "producer": (3, "県のCIO補佐官として基幹システム刷新の全体戦略を立案した。"),
            "engineer": (4, "大規模クラウド移行を設計し、運用コストを4割削減した。"),
        },
    )
    services.save_domains(app, actor=user, domains=list(domains), other="")
    services.save_availability(
        app,
        actor=user,
        earliest_start=timezone.localdate() + dt.timedelta(days=120),
        term_months=24,
        work_pattern="part_time",
        days_per_week=2,
        work_place="either",
        regions=["kyushu", "kanto"],
    )
    services.save_vendor_affiliations(
        app,
        actor=user,
        none=not vendors,
        affiliations=[
            services.AffiliationInput(v, "employee", dt.date(2022, 4, 1), None) for v in vendors
        ],
    )
    services.save_motivation(app, actor=user, motivation=MOTIVATION)
    services.upload_cv(app, actor=user, upload=pdf_upload())
    services.give_consent(app, actor=user, version=services.settings.PERSONAL_DATA_CONSENT_VERSION)
    app.refresh_from_db()
    return app


def submitted_application(user, **kwargs) -> Application:
    app = fill_application(user, **kwargs)
    return services.submit_application(app, actor=user)


def new_candidate(username, email=None):
    return services.register_candidate(
        username=username,
        email=email or f"{username}@example.jp",
        password="correct-horse-battery-2026",
        family_name="佐藤",
        given_name="一郎",
    )
