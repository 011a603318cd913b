"""Demo dispatch requests: 多久市 filed again after a return (awaiting its mayor's
commitment), 嬉野市 not eligible (readiness), 佐賀県's joint
request awaiting a member, and about 40 requests of real small municipalities in every state.
Built through the services."""

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from ciodispatch.accounts import services as accounts
from ciodispatch.accounts.models import Role, User
from ciodispatch.demo import readiness as readiness_demo
from ciodispatch.demo.accounts import demo_account
from ciodispatch.localgov.models import LocalGovernment, LocalGovernmentGroup
from ciodispatch.readiness import services as readiness
from ciodispatch.requests import services
from ciodispatch.requests.models import DispatchRequest, RequestRound

S = DispatchRequest.State
THEMES = (
    ("基幹業務システムの標準化・クラウド移行", ["vendor_dependency", "talent_shortage"]),
    ("書かない・待たない窓口の実現", ["resistance_to_change", "organisational_walls"]),
    ("救急搬送と医療機関の情報共有", ["organisational_walls", "no_budget"]),
    ("防災情報の一元化と避難所運営のデジタル化", ["no_strategy", "organisational_walls"]),
    ("テレワークとペーパーレスによる働き方改革", ["resistance_to_change", "no_budget"]),
    ("子育て・介護手続のオンライン化", ["talent_shortage", "no_strategy"]),
    ("近隣市町村との共同調達とシステム共同利用", ["vendor_dependency", "no_budget"]),
    ("データ利活用とオープンデータの推進", ["no_strategy", "talent_shortage"]),
)
AUTHORITY = (
    "CIOを{name}長直轄の情報化統括責任者補佐官として任用し、情報政策担当課の職員を指揮する。"
    "システム調達・更新の方針を決定し、各課に指示する権限を規程で定める。"
)
# How many of the other requests end in each state.
PLAN = (
    (S.DRAFT, 5),
    (S.SUBMITTED, 4),
    (S.ELIGIBLE, 8),
    (S.NOT_ELIGIBLE, 6),
    (S.APPROVED, 10),
    (S.RETURNED, 4),
    (S.REJECTED, 3),
)


def _round(office) -> RequestRound:
    today = timezone.localdate()
    year = today.year + 1 if today.month >= 4 else today.year
    existing = RequestRound.objects.filter(fiscal_year=year).first()
    if existing:
        return existing
    return services.configure_round(
        year,
        actor=None,
        title=f"{year}年度 認定CIO派遣 要請受付",
        requests_open=today - dt.timedelta(days=60),
        requests_close=today + dt.timedelta(days=30),
        dispatch_start=dt.date(year, 4, 1),
        population_limit=50_000,
        min_readiness_score=60,
    )


def _train(users, cohort):
    """Complete the readiness track in ``cohort`` for those who had not by then (on the
    demo's clock: 多久市's staff, trained this autumn, took it for last year's round too)."""
    from ciodispatch.training import services as training
    from ciodispatch.training.models import Enrolment

    for user in users:
        done = Enrolment.objects.filter(
            user=user,
            session__course__track="readiness",
            state=Enrolment.State.COMPLETED,
            completed_at__lte=timezone.now(),
        )
        if not done.exists():
            enrolment = training.enrol(cohort, user, actor=None)
            training.record_attendance(enrolment, True, actor=None)
            training.record_completion(enrolment, None, actor=None)


def _readiness_cohort():
    from ciodispatch.training import services as training
    from ciodispatch.training.models import Course

    course = Course.objects.filter(track="readiness", has_assessment=False).order_by("pk").first()
    assert course is not None, "the training demo creates the readiness courses first"
    start = timezone.now() - dt.timedelta(days=45)
    return training.schedule_session(
        course,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=6),
        capacity=300,
        place="オンライン（受入れ自治体向け集合研修）",
        actor=None,
    )


def _assess(user, plan):
    lg = user.local_government
    latest = readiness.latest_submitted(lg)
    if latest is not None and latest.submitted_at and latest.submitted_at <= timezone.now():
        return  # assessed by then (the demo's clock: last year's round is recorded later)
    assessment = readiness.draft_of(lg) or readiness.start_assessment(lg, actor=None)
    readiness_demo._fill(assessment, plan, readiness_demo.CHALLENGES["taku"], actor=None)
    readiness.submit_assessment(assessment, actor=None)


def _fill(req, actor, liaison, counterpart, rng, theme=None):
    title, challenges = theme or rng.choice(THEMES)
    name = req.requester_name
    services.save_basics(
        req,
        actor=actor,
        title=title,
        challenges=challenges,
        goals=f"{title}を通じて、住民サービスの利便性を高め、職員の事務負担を減らす。3年後の姿を職員と共有し、小さな成功を積み重ねる。",
    )
    part_time = rng.random() < 0.6
    services.save_cio_wanted(
        req,
        actor=actor,
        skill_roles=rng.sample(["producer", "project_manager", "service_designer", "engineer"], 2),
        term_months=rng.choice((12, 18, 24, 24)),
        start_date=req.request_round.dispatch_start,
        work_pattern="part_time" if part_time else "full_time",
        days_per_week=rng.randint(1, 3) if part_time else None,
        work_place=rng.choice(("on_site", "either")),
        appointment_form=rng.choice(("special_part_time", "fixed_term", "outsourcing"))
        if not part_time
        else rng.choice(("special_part_time", "side_job")),
    )
    pay = rng.choice((300_000, 450_000, 600_000, 800_000))
    services.save_budget(
        req,
        actor=actor,
        budget_yen=pay * 12 + rng.choice((1_000_000, 2_000_000)),
        pay_yen_per_month=pay,
        vendors=rng.sample(
            ["富士通Japan", "NEC", "日立システムズ", "TKC", "RKKCS", "両備システムズ"], 2
        ),
        no_vendors=False,
    )
    short = name.split("県")[-1].split("都")[-1].split("府")[-1].split("道")[-1]
    kind = "町" if short.endswith("町") else "村" if short.endswith("村") else "市"
    services.save_people(
        req,
        actor=actor,
        authority_statement=AUTHORITY.format(name=kind),
        liaison=liaison,
        counterpart=counterpart,
    )
    cost = rng.randint(30, 90) * 1000
    services.save_kpis(
        req,
        actor=actor,
        kpis=[
            services.KPIInput(
                "オンライン化した手続の数",
                "件",
                Decimal(rng.randint(3, 20)),
                Decimal(rng.randint(40, 120)),
            ),
            services.KPIInput(
                "情報システム経費", "千円/年", Decimal(cost), Decimal(cost * 8 // 10)
            ),
        ],
    )


def _submit_and_commit(req, actor, head):
    services.submit_request(req, actor=actor)
    req.refresh_from_db()
    services.sign_commitment(req, actor=head, text=services.commitment_text(req))
    req.refresh_from_db()
    return req


def host_staff(lg: LocalGovernment) -> tuple[User, User]:
    """The demo liaison and head of a local government (created on first use); for 多久市,
    the demo accounts host1 and host1-head."""
    if lg.code == "412040" and User.objects.filter(username="host1").exists():
        return User.objects.get(username="host1"), User.objects.get(username="host1-head")
    existing = User.objects.filter(username=f"demo-host-{lg.code}").first()
    if existing is not None:
        return existing, User.objects.get(username=f"demo-head-{lg.code}")
    organisation = accounts.get_or_create_local_government_organisation(lg, actor=None)
    liaison = demo_account(
        f"demo-host-{lg.code}",
        Role.HOST_LIAISON,
        organisation,
        last_name=lg.name,
        first_name="DX担当",
    )
    head = demo_account(
        f"demo-head-{lg.code}", Role.HOST_HEAD, organisation, last_name=lg.name, first_name="首長"
    )
    return liaison, head


def approved_request(
    request_round: RequestRound, lg: LocalGovernment, *, office: User, rng, cohort
) -> DispatchRequest:
    """A request of ``lg`` taken all the way to approval (assessed, trained, committed)."""
    liaison, head = host_staff(lg)
    _assess(liaison, readiness_demo.STRONG)
    _train([liaison, head], cohort)
    req = services.start_request(request_round, actor=liaison, host=lg)
    _fill(req, liaison, liaison, head, rng)
    req = _submit_and_commit(req, liaison, head)
    return services.decide_request(req, actor=office, decision="approve", comment="")


def readiness_cohort():
    return _readiness_cohort()


def other_hosts(count: int, *, skip: int = 0) -> list[LocalGovernment]:
    """``count`` demo hosts after the first ``skip`` of the same deterministic order."""
    return _other_hosts(count + skip)[skip:]


def _other_hosts(count: int) -> list[LocalGovernment]:
    """Real small municipalities across Japan (one per prefecture first), deterministic."""
    chosen: list[LocalGovernment] = []
    small = (
        LocalGovernment.objects.municipalities()
        .filter(population__lte=30_000)
        .exclude(prefecture_code="41")
    )
    by_prefecture: dict[str, list[LocalGovernment]] = {}
    for lg in small.order_by("code"):
        by_prefecture.setdefault(lg.prefecture_code, []).append(lg)
    round_number = 0
    while len(chosen) < count:
        for code in sorted(by_prefecture):
            items = by_prefecture[code]
            index = round_number * 7 % len(items)
            if items[index] not in chosen:
                chosen.append(items[index])
            if len(chosen) == count:
                break
        round_number += 1
    return chosen


def _taku_returned_and_filed_again(taku, *, office, host1, clock) -> None:
    """Three weeks before the close the office returns 多久市's request (the KPIs' basis);
    host1 corrects it and files it again a week later, so it waits for the mayor
    (host1-head) to sign the commitment again."""
    close = taku.request_round.requests_close
    if clock is not None:
        clock.set(close - dt.timedelta(days=12))
    taku = services.decide_request(
        taku,
        actor=office,
        decision="return",
        comment="KPI「オンライン化した手続の数」の目標値の根拠（対象手続の一覧）を補ってください。",
    )
    if clock is not None:
        clock.set(close - dt.timedelta(days=4))
    services.save_basics(
        taku,
        actor=host1,
        title=taku.title,
        challenges=taku.challenges,
        goals=taku.goals + "対象手続（子育て・介護・転入転出の計60手続）の一覧を添付した。",
    )
    services.submit_request(taku, actor=host1)


def load_requests_demo(*, office: User, people: dict[str, User], clock=None) -> list[str]:
    """This year's requests; ``clock`` is the simulated clock they are filed under."""
    request_round = _round(office)
    if DispatchRequest.objects.filter(request_round=request_round).exists():
        return ["requests: already loaded"]
    rng = random.Random(41)
    cohort = _readiness_cohort()
    done = []
    host1, head1, host2, head2, pref1 = (
        people[k] for k in ("host1", "host1-head", "host2", "host2-head", "pref1")
    )
    _train([host1, head1, host2, head2], cohort)
    # 多久市: assessed (strong), trained, filed and committed; returned and filed again below.
    taku = services.start_request(request_round, actor=host1, host=host1.local_government)
    _fill(taku, host1, host1, head1, rng, THEMES[0])
    taku = _submit_and_commit(taku, host1, head1)
    # 嬉野市: trained and committed, but weak in one readiness dimension (budget).
    ureshino = services.start_request(request_round, actor=host2, host=host2.local_government)
    _fill(ureshino, host2, host2, head2, rng, THEMES[1])
    _submit_and_commit(ureshino, host2, head2)
    # 佐賀県: a joint request for three small towns; 江北町's head has not confirmed yet.
    group = LocalGovernmentGroup.objects.get(name="佐賀県 西部DX共同推進")
    joint = services.start_request(request_round, actor=pref1, group=group)
    arita = group.members.get(code="414018")
    arita_liaison = demo_account(
        "demo-host-414018",
        Role.HOST_LIAISON,
        accounts.get_or_create_local_government_organisation(arita, actor=None),
        last_name="有田",
        first_name="DX担当",
    )
    _fill(joint, pref1, pref1, arita_liaison, rng, THEMES[6])
    services.submit_request(joint, actor=pref1)
    joint.refresh_from_db()
    heads = {"414018": "有田町長", "414239": "大町町長"}
    for member in group.members.filter(code__in=heads):
        services.confirm_membership(joint, member, actor=pref1, head_name=heads[member.code])
    done.append(
        "requests: 多久市 awaiting its mayor's commitment again, 嬉野市 not eligible, "
        "佐賀県 joint request awaiting 江北町"
    )
    # About 40 others.
    hosts = iter(_other_hosts(sum(n for _s, n in PLAN)))
    for target, count in PLAN:
        for _i in range(count):
            lg = next(hosts)
            liaison, head = host_staff(lg)
            weak = target == S.NOT_ELIGIBLE and rng.random() < 0.5
            _assess(liaison, readiness_demo.WEAK_BUDGET if weak else readiness_demo.STRONG)
            if not (target == S.NOT_ELIGIBLE and not weak):
                _train([liaison, head], cohort)  # the others fail on training
            req = services.start_request(request_round, actor=liaison, host=lg)
            _fill(req, liaison, liaison, head, rng)
            if target == S.DRAFT:
                continue
            if target == S.SUBMITTED:
                services.submit_request(req, actor=liaison)
                continue
            req = _submit_and_commit(req, liaison, head)
            if target == S.APPROVED:
                services.decide_request(req, actor=office, decision="approve", comment="")
            elif target == S.RETURNED:
                services.decide_request(
                    req,
                    actor=office,
                    decision="return",
                    comment="KPIの目標値の根拠を補ってください。",
                )
            elif target == S.REJECTED:
                services.decide_request(
                    req,
                    actor=office,
                    decision="reject",
                    comment="今回の予算枠では他の要請を優先します。",
                )
    _taku_returned_and_filed_again(taku, office=office, host1=host1, clock=clock)
    counts = dict(
        (state, DispatchRequest.objects.filter(request_round=request_round, state=state).count())
        for state in S.values
    )
    done.append(f"requests: {sum(counts.values())} in {request_round}; by state {counts}")
    return done
