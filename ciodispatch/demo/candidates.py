"""Demo candidates: realistic Japanese profiles in every state, built through the services."""

import contextlib
import datetime as dt
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from faker import Faker

from ciodispatch.accounts import services as accounts
from ciodispatch.accounts.models import Role, User
from ciodispatch.candidates import services
from ciodispatch.candidates.choices import Domain, SkillRole
from ciodispatch.candidates.models import Application
from ciodispatch.core import pdf
from ciodispatch.core.dates import fiscal_year
from ciodispatch.demo.clock import simulated_clock

S = Application.State
# The states reached through certification (dated in the past: see load_candidates_demo).
CERTIFIED_PATH = (S.CERTIFIED, S.EXPIRED, S.SUSPENDED, S.REVOKED)
# How many demo candidates end in each state (about 300 in all).
PLAN = (
    (S.DRAFT, 35),
    (S.APPLIED, 35),
    (S.SCREENING, 45),
    (S.INTERVIEW, 20),
    (S.TRAINING, 30),
    (S.CERTIFIED, 100),
    (S.REJECTED, 25),
    (S.EXPIRED, 5),
    (S.SUSPENDED, 3),
    (S.REVOKED, 2),
    (S.WITHDRAWN, 2),
)
VENDORS = ("富士通", "NEC", "日立製作所", "NTTデータ", "TKC", "両備システムズ", "RKKCS", "内田洋行")
EMPLOYERS = (
    "株式会社デジタルシフト", "クラウドネイティブ株式会社", "アジャイルワークス株式会社",
    "株式会社データフロンティア", "ネクストガバメント株式会社", "地域DXパートナーズ合同会社",
    "株式会社スマートシティ研究所", "セキュアテック株式会社",
)  # fmt: skip
PUBLIC_POSTS = (
    ("佐賀県", "CIO補佐官"),
    ("前橋市", "DX推進監"),
    ("デジタル庁", "民間専門人材"),
    ("総務省", "地域情報化アドバイザー"),
)
EVIDENCE = {
    "producer": "自治体の全体最適を見据えたDX戦略を立案し、首長・議会への説明を担った。",
    "project_manager": "基幹システム標準化の移行を予定どおり完了させ、費用を2割圧縮した。",
    "service_designer": "住民インタビューから手続の電子申請を設計し、オンライン利用率を3倍にした。",
    "engineer": "庁内ネットワークとクラウド基盤を設計・構築し、運用の内製化を進めた。",
}
MOTIVATIONS = (
    "民間で培ったクラウド移行と組織変革の経験を、人口減少に向き合う自治体の現場で生かしたい。"
    "首長のビジョンを受けて全体最適の戦略を描き、ベンダー任せにしない調達と運用を職員の皆さんと実現し、"
    "小さな成功を積み重ねて住民サービスの改善につなげたいと考えています。",
    "救急搬送の情報共有のように、現場の課題から始まる改革に関わりたいと考えて応募しました。"
    "医療・消防・行政の壁を越える連携づくりを支え、既存予算の見直しと補助金の活用で新しい技術を導入し、"
    "成果を広く発信して他の地域にも広げたいと思います。",
)


def _cv(name: str) -> SimpleUploadedFile:
    styles = pdf.styles()
    content = pdf.build(
        [pdf.paragraph("職務経歴書", styles["title"]), pdf.paragraph(name, styles["center"])],
        title="CV",
    )
    return SimpleUploadedFile("cv.pdf", content, content_type="application/pdf")


def _fill(app: Application, user: User, fake: Faker, rng: random.Random) -> None:
    family, family_kana, _ = fake.last_name_pair()
    given, given_kana, _ = (
        fake.first_name_female_pair() if rng.random() < 0.4 else fake.first_name_male_pair()
    )
    services.save_identity(
        app,
        actor=user,
        family_name=family,
        given_name=given,
        family_name_kana=family_kana,
        given_name_kana=given_kana,
        date_of_birth=dt.date(rng.randint(1960, 1995), rng.randint(1, 12), rng.randint(1, 28)),
        email=user.email,
        phone=f"090-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}",
        prefecture_code=f"{rng.randint(1, 47):02d}",
    )
    public = rng.random() < 0.35
    start = rng.randint(1995, 2015)
    title = rng.choice(("部長", "CTO", "PM", "コンサルタント"))
    entries = [
        services.CareerInput(rng.choice(EMPLOYERS), title, start, None, False, "情報部門の改革")
    ]
    if public:
        where, post = rng.choice(PUBLIC_POSTS)
        entries.append(services.CareerInput(where, post, 2019, 2022, True, "自治体DXの推進"))
    services.save_career(app, actor=user, has_public_sector_experience=public, entries=entries)
    roles = rng.sample(list(SkillRole.values), rng.randint(1, 3))
    services.save_skills(
        app, actor=user, claims={r: (rng.randint(2, 4), EVIDENCE[r]) for r in roles}
    )
    services.save_domains(
        app, actor=user, domains=rng.sample(list(Domain.values), rng.randint(1, 3)), other=""
    )
    part_time = rng.random() < 0.5
    services.save_availability(
        app,
        actor=user,
        earliest_start=timezone.localdate() + dt.timedelta(days=rng.randint(30, 300)),
        term_months=rng.choice((6, 12, 18, 24, 24)),
        work_pattern="part_time" if part_time else "full_time",
        days_per_week=rng.randint(1, 3) if part_time else None,
        work_place=rng.choice(("on_site", "remote", "either")),
        regions=rng.sample(
            ["hokkaido", "tohoku", "kanto", "chubu", "kinki", "chugoku", "shikoku", "kyushu"],
            rng.randint(1, 4),
        ),
    )
    vendors = rng.sample(VENDORS, 1) if rng.random() < 0.3 else []
    services.save_vendor_affiliations(
        app,
        actor=user,
        none=not vendors,
        affiliations=[
            services.AffiliationInput(v, "employee", dt.date(2022, 4, 1), dt.date(2024, 3, 31))
            for v in vendors
        ],
    )
    services.save_motivation(app, actor=user, motivation=rng.choice(MOTIVATIONS))
    services.upload_cv(app, actor=user, upload=_cv(f"{family} {given}"))
    services.give_consent(app, actor=user, version=services.settings.PERSONAL_DATA_CONSENT_VERSION)


def _score(app, reviewer, rng: random.Random, base: int) -> None:
    assignment = app.assignments.get(reviewer=reviewer)
    scores = {
        c.pk: (max(1, min(5, base + rng.choice((-1, 0, 0, 1)))), "実績と説明から判断した。")
        for c in app.review_round.criteria.all()
    }
    services.submit_scores(assignment, actor=reviewer, scores=scores)


def _later(clock, days: int) -> None:
    """Move the simulated clock (if any) on by ``days``: the steps of a past application."""
    if clock is not None:
        clock.set(clock.current + dt.timedelta(days=days))


def advance(
    app, target, *, user, office, reviewers, rng, complete_training, clock=None
) -> Application:
    """Take a draft through the real steps until it reaches ``target``. With ``clock`` (a
    simulated clock), the steps are two weeks apart, as they would have been."""
    if target == S.DRAFT:
        return app
    app = services.submit_application(app, actor=user)
    if target == S.APPLIED:
        return app
    if target == S.WITHDRAWN:  # asked for their data to be erased while under review
        request = services.request_deletion(app, actor=user)
        services.complete_deletion(request, actor=office, note="本人の申出による")
        return app
    _later(clock, 14)
    for reviewer in reviewers:
        services.assign_reviewer(app, reviewer, actor=office)
    if target == S.SCREENING and rng.random() < 0.5:
        return app  # not scored yet
    good = target not in (S.REJECTED,)
    for reviewer in reviewers:
        _score(app, reviewer, rng, 4 if good else 2)
    if target == S.SCREENING:
        return app
    if target == S.REJECTED:
        return services.decide(
            app, actor=office, decision="fail", reason="経験が要件に届かないため"
        )
    if target == S.INTERVIEW or rng.random() < 0.3:
        app = services.decide(
            app, actor=office, decision="interview", reason="面接で確認したい点がある"
        )
        if target == S.INTERVIEW:
            services.schedule_interview(
                app,
                actor=office,
                place="事務局 会議室（オンライン併用）",
                scheduled_at=timezone.now() + dt.timedelta(days=rng.randint(3, 30)),
            )
            return app
    _later(clock, 14)
    app = services.decide(app, actor=office, decision="pass", reason="審査基準を満たす")
    if target == S.TRAINING:
        return app
    _later(clock, 14)
    complete_training(user)
    _later(clock, 14)
    app = services.certify(app, actor=office)
    if target == S.EXPIRED:
        if clock is not None:  # the day after its validity ended
            clock.set(app.certified_until + dt.timedelta(days=1))
        services._move(app, S.EXPIRED, actor=None, reason="有効期間満了", notify=False)
    elif target == S.SUSPENDED:
        services.change_certification(app, actor=office, target=S.SUSPENDED, reason="事実確認中")
    elif target == S.REVOKED:
        services.change_certification(app, actor=office, target=S.REVOKED, reason="本人の辞退")
    return app


def load_candidates_demo(
    *, office: User, reviewers: list[User], complete_training, seed: int = 2026, total: int = 300
) -> list[str]:
    """About 300 candidates in every state. ``complete_training(user)`` records the
    public-sector track for a candidate about to be certified."""
    if User.objects.filter(username__startswith="demo-candidate-").exists():
        return ["candidates: already loaded"]
    rng = random.Random(seed)
    fake = Faker("ja_JP")
    fake.seed_instance(seed)
    number = 0
    scale = total / sum(count for _state, count in PLAN)
    year = fiscal_year(timezone.localdate())
    for target, count in PLAN:
        for _i in range(max(1, round(count * scale))):
            number += 1
            # Those certified applied in August–September of last fiscal year and were
            # certified in October–November (before its matching round, and valid through
            # the longest extended term it placed: 30 months from April); the expired ones
            # four years before (their three years are over). The others are recent.
            years_back = {**dict.fromkeys(CERTIFIED_PATH, 1), S.EXPIRED: 4}.get(target)
            with contextlib.ExitStack() as stack:
                clock = None
                if years_back is not None:
                    applied = dt.date(year - years_back, 8, 11) + dt.timedelta(weeks=number % 6)
                    clock = stack.enter_context(simulated_clock(applied))
                username = f"demo-candidate-{number:03d}"
                user = accounts.create_user(
                    username=username, role=Role.CANDIDATE, organisation=None, password=None,
                    actor=None, email=f"{username}@demo.ciodispatch.example.jp",
                )  # fmt: skip
                app = services.start_application(user, actor=user)
                _fill(app, user, fake, rng)
                advance(
                    app, target, user=user, office=office, reviewers=reviewers, rng=rng,
                    complete_training=complete_training, clock=clock,
                )  # fmt: skip
    counts = dict(
        Application.objects.values_list("state").annotate(
            n=__import__("django").db.models.Count("id")
        )
    )
    return [f"candidates: {number} demo candidates; by state {counts}"]
