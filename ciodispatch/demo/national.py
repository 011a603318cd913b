"""National-size demo data (issue #18 item 3): ``ciodispatch load_demo --scale national``.

Built on top of the ordinary demo (which goes through the services): every municipality gets
its staff, a readiness assessment and readiness training; 10,000 candidates in every state with
their reviews; about 1,000 requests over three past fiscal years; three matching rounds whose
rankings (20 posts each) are solved and published through the real round services; about
5,000 dispatches through their terms with plans, monthly reports, KPI measurements, small wins
and incentive claims; and the know-how index at 100,000 documents.

Rows are written in bulk (``demo/bulk.py``), each with the audit events its state changes
would have recorded; what the services would refuse is never written. ``check_invariants``
(``demo/invariants.py``) checks the whole database against the services' rules.
"""

import datetime as dt
import itertools
import math
import random
import time
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import override

from ciodispatch.accounts.models import Organisation, Role, User
from ciodispatch.accounts.passwords import DEMO_PASSWORD
from ciodispatch.candidates.models import (
    Application,
    CareerEntry,
    Interview,
    ReviewAssignment,
    ReviewCriterion,
    ReviewRound,
    Score,
    SkillClaim,
    VendorAffiliation,
)
from ciodispatch.core.dates import fiscal_year
from ciodispatch.core.programme import Challenge
from ciodispatch.demo import bulk
from ciodispatch.demo.bulk import Audit, at
from ciodispatch.demo.clock import simulated_clock
from ciodispatch.dispatches.models import Dispatch, Extension, add_months
from ciodispatch.incentives.calculation import Cost, calculate
from ciodispatch.incentives.models import (
    ClaimCost,
    IncentiveClaim,
    IncentiveProgramme,
    IncentiveRule,
    ProgrammeBudget,
)
from ciodispatch.knowhow import search
from ciodispatch.knowhow.models import Case, SearchEntry
from ciodispatch.localgov.models import Kind, LocalGovernment
from ciodispatch.matchround.models import CandidateRanking, HostRanking, MatchRound
from ciodispatch.progress.models import (
    ActionPlan,
    Goal,
    KPIMeasurement,
    MeasurementPoint,
    Milestone,
    MilestoneProgress,
    MilestoneStatus,
    MonthlyReport,
    Participant,
    PlanRevision,
    SmallWin,
    first_of_month,
    next_month,
    report_due_for,
)
from ciodispatch.readiness.models import Answer, Assessment, ChallengeRating, Questionnaire
from ciodispatch.requests.models import KPI, DispatchRequest
from ciodispatch.training.models import CertificateCounter, Course, Enrolment, TrainingSession

PREFIX = "nat-"  # every national user name starts with it: the loader runs once
VENDORS = ["富士通Japan", "NEC", "日立システムズ", "TKC", "RKKCS", "両備システムズ", "Gcom"]
SKILL_ROLES = ["producer", "project_manager", "architect", "engineer"]
AUTHORITY = (
    "CIO補佐監として庁内DX推進本部の副本部長を務め、情報システムの調達と予算要求に意見する。"
    "各課の業務改革について現場職員と実装チームに指示する権限を持ち、首長に直接報告する。"
)
DOMAINS = ["e_government", "core_systems_cloud", "emergency_medical", "disaster_prevention"]


@dataclass(frozen=True)
class Sizes:
    municipalities: int
    candidates: int
    requests_per_year: int
    documents: int
    capacity: int = 5

    @classmethod
    def national(cls, factor: float = 1.0) -> "Sizes":
        return cls(
            municipalities=max(20, round(1_741 * min(factor, 1.0))),
            candidates=max(60, round(10_000 * factor)),
            requests_per_year=max(6, round(340 * factor)),
            documents=max(200, round(100_000 * factor)),
        )


def load_national(*, factor: float = 1.0, log=print) -> list[str]:
    """Add the national-size data to a database holding the ordinary demo."""
    sizes = Sizes.national(factor)
    loader = _Loader(sizes, log)
    if User.objects.filter(username__startswith=PREFIX).exists():
        return ["national: already loaded"]
    return loader.run()


class _Loader:
    def __init__(self, sizes: Sizes, log):
        self.sizes = sizes
        self.log = log
        self.rng = random.Random(18)
        self.today = timezone.localdate()
        self.current_fy = fiscal_year(self.today)
        self.years = [self.current_fy - 3, self.current_fy - 2, self.current_fy - 1]
        self.office = User.objects.get(username="office")
        self.office_admin = User.objects.get(username="office-admin")
        self.reviewers = list(User.objects.filter(username__in=["reviewer", "reviewer2"]))
        self.password = make_password(DEMO_PASSWORD)
        self.done: list[str] = []
        self.extensions: list[Extension] = []
        self.started = time.perf_counter()

    def step(self, text: str) -> None:
        line = f"national: {text} ({time.perf_counter() - self.started:.0f} s)"
        self.done.append(line)
        self.log(line)

    def run(self) -> list[str]:
        with transaction.atomic():
            self.staff()
            self.readiness()
            self.host_training()
        with transaction.atomic():
            self.candidates()
        for year in self.years:
            with transaction.atomic():
                self.round(year)
        with transaction.atomic():
            self.expire_certifications()
        with transaction.atomic():
            self.progress()
        with transaction.atomic():
            self.claims()
        with transaction.atomic():
            self.knowhow()
        self.analyze()
        return self.done

    def analyze(self) -> None:
        """Refresh the planner's statistics after the bulk writes (autovacuum would, later):
        without them PostgreSQL plans with the empty tables' estimates (e.g. the audit log's
        filter by who: 144 rows expected, 238,366 found, 157 ms instead of 0.2 ms)."""
        from django.db import connection

        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            self.step("planner statistics refreshed (ANALYZE)")

    # --- municipalities, their staff, readiness and training ------------------------------

    def staff(self) -> None:
        governments = list(LocalGovernment.objects.order_by("code"))
        municipalities = [lg for lg in governments if lg.kind != Kind.PREFECTURE]
        step = max(1, len(municipalities) // self.sizes.municipalities)
        self.municipalities = municipalities[::step][: self.sizes.municipalities]
        chosen = {lg.code for lg in self.municipalities}
        prefectures = [lg for lg in governments if lg.kind == Kind.PREFECTURE]
        have = set(Organisation.objects.values_list("local_government_id", flat=True))
        bulk.create(
            [
                Organisation(
                    kind=Organisation.Kind.LOCAL_GOVERNMENT, name=str(lg), local_government=lg
                )
                for lg in governments
                if lg.code not in have and (lg.code in chosen or lg.kind == Kind.PREFECTURE)
            ]
        )
        orgs = {
            o.local_government_id: o for o in Organisation.objects.exclude(local_government=None)
        }
        users = []
        joined = at(self.today - dt.timedelta(days=4 * 365))
        for lg in self.municipalities:
            for suffix, role, first in (
                ("liaison", Role.HOST_LIAISON, "DX担当"),
                ("counterpart", Role.HOST_LIAISON, "情報政策担当"),
                ("head", Role.HOST_HEAD, "首長"),
            ):
                users.append(
                    self._user(
                        f"{PREFIX}{lg.code}-{suffix}", role, orgs[lg.code], lg.name, first, joined
                    )
                )
        for lg in prefectures:
            users.append(
                self._user(
                    f"{PREFIX}{lg.code}-pref",
                    Role.PREFECTURE_COORDINATOR,
                    orgs[lg.code],
                    lg.name,
                    "DX推進担当",
                    joined,
                )
            )
        bulk.create(users)
        by_name = {u.username: u for u in User.objects.filter(username__startswith=PREFIX)}
        self.staff_of = {
            lg.code: tuple(
                by_name[f"{PREFIX}{lg.code}-{s}"] for s in ("liaison", "counterpart", "head")
            )
            for lg in self.municipalities
        }
        audit = Audit()
        for user in by_name.values():
            audit.add(joined, None, "accounts.user.created", user, {"role": user.role})
        audit.flush()
        self.step(f"{len(self.municipalities)} municipalities, {len(users)} staff accounts")

    def _user(self, username, role, organisation, last, first, joined) -> User:
        return User(
            username=username,
            role=role,
            organisation=organisation,
            password=self.password,
            email=f"{username}@demo.ciodispatch.example.jp",
            last_name=last,
            first_name=first,
            date_joined=joined,
            is_active=True,
        )

    def readiness(self) -> None:
        questionnaire = Questionnaire.objects.filter(active=True).first()
        assert questionnaire is not None, "the ordinary demo publishes the questionnaire"
        questions = list(questionnaire.questions.prefetch_related("options"))
        done_on = dt.date(self.years[0] - 1, 8, 1)
        # A government with a draft already (from the ordinary demo) keeps it; one more
        # submitted assessment is history, which the model allows.
        assessments = []
        for lg in self.municipalities:
            liaison = self.staff_of[lg.code][0]
            when = at(done_on + dt.timedelta(days=self.rng.randrange(60)))
            assessments.append(
                Assessment(
                    local_government=lg,
                    questionnaire=questionnaire,
                    state=Assessment.State.SUBMITTED,
                    started_by=liaison,
                    created_at=when - dt.timedelta(days=7),
                    updated_at=when,
                    submitted_at=when,
                    submitted_by=liaison,
                )
            )
        bulk.create(assessments)
        answers, ratings = [], []
        audit = Audit()
        for assessment in assessments:
            for question in questions:
                options = list(question.options.all())
                option = self.rng.choice(options[len(options) // 2 :] or options)
                evidence = "議事録・決裁文書あり" if question.evidence_required else ""
                answers.append(
                    Answer(
                        assessment=assessment, question=question, option=option, evidence=evidence
                    )
                )
            for challenge in Challenge.values:
                ratings.append(
                    ChallengeRating(
                        assessment=assessment, challenge=challenge, severity=self.rng.randrange(4)
                    )
                )
            audit.path(
                assessment,
                "state",
                [(Assessment.State.SUBMITTED, assessment.submitted_at, assessment.submitted_by)],
                initial=Assessment.State.DRAFT,
            )
        bulk.create(answers, batch=5000)
        bulk.create(ratings, batch=5000)
        audit.flush()
        self.step(f"{len(assessments)} readiness assessments, {len(answers)} answers")

    def host_training(self) -> None:
        course = Course.objects.filter(track="readiness", active=True).order_by("pk").first()
        assert course is not None, "the ordinary demo creates the readiness course"
        year = self.years[0] - 1
        start = at(dt.date(year, 7, 10), 13)
        people = [p for lg in self.municipalities for p in self.staff_of[lg.code][:2]]
        session = bulk.create(
            [
                TrainingSession(
                    course=course,
                    starts_at=start,
                    ends_at=start + dt.timedelta(hours=4),
                    place="オンライン（全国一斉 外部人材活用研修）",
                    online=True,
                    url="https://meet.demo.ciodispatch.example.jp/readiness",
                    capacity=len(people),
                    created_at=start - dt.timedelta(days=30),
                )
            ]
        )[0]
        self._enrol(session, course, people, "RD", year)
        self.step(f"readiness training: {len(people)} host staff completed")

    def _enrol(self, session, course, people, prefix, year) -> list[Enrolment]:
        counter, _ = CertificateCounter.objects.get_or_create(prefix=prefix, fiscal_year=year)
        enrolments = []
        audit = Audit()
        done = session.ends_at + dt.timedelta(days=1)
        for person in people:
            counter.last += 1
            score = 60 + self.rng.randrange(41) if course.has_assessment else None
            if score is not None:
                score = max(score, course.pass_score or 0)
            enrolments.append(
                Enrolment(
                    session=session,
                    user=person,
                    state=Enrolment.State.COMPLETED,
                    score=score,
                    completed_at=done,
                    certificate_number=f"{prefix}-{year}-{counter.last:06d}",
                    created_at=session.starts_at - dt.timedelta(days=14),
                    updated_at=done,
                )
            )
        counter.save(update_fields=["last"])
        bulk.create(enrolments, batch=5000)
        for e in enrolments:
            audit.add(e.created_at, e.user, "training.enrol", e)
            audit.path(
                e,
                "state",
                [
                    (Enrolment.State.ATTENDED, session.ends_at, None),
                    (Enrolment.State.COMPLETED, done, None),
                ],
                initial=Enrolment.State.ENROLLED,
            )
        audit.flush()
        return enrolments

    # --- candidates ------------------------------------------------------------------------

    def candidates(self) -> None:
        S = Application.State
        total = self.sizes.candidates
        # Three cohorts, one per past round, certified before it; the rest in every other state.
        cohort = round(total * 0.24)
        plan = [("cohort", i) for i in range(3) for _ in range(cohort)]
        others = total - len(plan)
        shares = [
            (S.DRAFT, 8),
            (S.APPLIED, 5),
            (S.SCREENING, 5),
            (S.INTERVIEW, 4),
            (S.TRAINING, 5),
            (S.REJECTED, 6),
            (S.WITHDRAWN, 4),
            (S.SUSPENDED, 1),
            (S.REVOKED, 1),
            (S.CERTIFIED, 10),
        ]
        weight = sum(w for _s, w in shares)
        for state, w in shares:
            plan += [("state", state)] * max(1, round(others * w / weight))
        rounds = {}
        for year in [*[y - 1 for y in self.years], self.current_fy - 1, self.current_fy]:
            review_round = ReviewRound.objects.filter(fiscal_year=year).first()
            if review_round is None:
                review_round = ReviewRound.objects.create(
                    fiscal_year=year, title=f"{year}年度 認定CIO 審査"
                )
            rounds[year] = review_round
        template = ReviewRound.objects.filter(criteria__isnull=False).distinct().first()
        assert template is not None, "the ordinary demo sets the review criteria"
        for review_round in rounds.values():
            if not review_round.criteria.exists():
                bulk.create(
                    [
                        ReviewCriterion(
                            review_round=review_round,
                            key=c.key,
                            title=c.title,
                            description=c.description,
                            weight=c.weight,
                            order=c.order,
                        )
                        for c in template.criteria.all()
                    ]
                )
        criteria = {y: list(r.criteria.all()) for y, r in rounds.items()}
        users, apps = [], []
        self.cohorts: list[list[Application]] = [[], [], []]
        for number, (kind, what) in enumerate(plan, start=1):
            username = f"{PREFIX}cio-{number:05d}"
            if kind == "cohort":
                year = self.years[what]
                applied = dt.date(year - 1, 5, 1) + dt.timedelta(days=self.rng.randrange(30))
                path = [S.APPLIED, S.SCREENING, S.INTERVIEW, S.TRAINING, S.CERTIFIED]
                review_year = year - 1
            else:
                applied = self.today - dt.timedelta(days=20 + self.rng.randrange(150))
                path = self._path(what)
                review_year = self.current_fy
                if what in (S.SUSPENDED, S.REVOKED, S.CERTIFIED):
                    applied = dt.date(self.current_fy - 1, 5, 10)
                    review_year = self.current_fy - 1
            user = User(
                username=username,
                role=Role.CANDIDATE,
                password=self.password,
                email=f"{username}@demo.ciodispatch.example.jp",
                last_name="候補",
                first_name=f"{number:05d}",
                date_joined=at(applied - dt.timedelta(days=10)),
            )
            users.append(user)
            apps.append((user, kind, what, applied, path, review_year))
        bulk.create(users, batch=5000)
        rows, audit = [], Audit()
        for user, kind, what, applied, path, review_year in apps:
            app = self._application(user, applied, path, rounds.get(review_year))
            rows.append((app, kind, what, applied, path, review_year))
        bulk.create([r[0] for r in rows], batch=5000)
        career, skills, vendors, assignments, interviews = [], [], [], [], []
        public_sector_people = []
        for app, kind, what, applied, path, review_year in rows:
            if kind == "cohort":
                self.cohorts[what].append(app)
            if not path:
                continue  # a draft: nothing filed yet
            career.append(
                CareerEntry(
                    application=app,
                    organisation="株式会社デジタル基盤",
                    role="情報システム部長",
                    start_year=2010,
                    end_year=None,
                    public_sector=False,
                    description="基幹系のクラウド移行を統括",
                )
            )
            skills.append(
                SkillClaim(
                    application=app,
                    role=self.rng.choice(SKILL_ROLES),
                    level=self.rng.randint(2, 4),
                    evidence="自治体向け案件の統括",
                )
            )
            if not app.no_vendor_affiliations:
                vendors.append(
                    VendorAffiliation(
                        application=app,
                        vendor=self.rng.choice(VENDORS),
                        kind="employee",
                        start_date=dt.date(2012, 4, 1),
                    )
                )
            steps = self._dates(applied, path)
            audit.path(
                app, "state", [(s, when, self._actor(s, app)) for s, when in steps], initial=S.DRAFT
            )
            reached = [s for s, _w in steps]
            if S.SCREENING in reached:
                screening = dict(steps)[S.SCREENING]
                scored = any(s in reached for s in (S.INTERVIEW, S.TRAINING, S.REJECTED))
                for reviewer in self.reviewers:
                    assignments.append(
                        (
                            ReviewAssignment(
                                application=app,
                                reviewer=reviewer,
                                assigned_at=screening,
                                submitted_at=screening + dt.timedelta(days=7) if scored else None,
                            ),
                            scored,
                            review_year,
                        )
                    )
            if S.INTERVIEW in reached and len(reached) > reached.index(S.INTERVIEW) + 1:
                held = dict(steps)[S.INTERVIEW] + dt.timedelta(days=5)
                interviews.append(
                    Interview(
                        application=app,
                        scheduled_at=held,
                        place="オンライン",
                        interviewers="審査 委員",
                        notes="公共での経験と意欲を確認",
                        created_at=held,
                    )
                )
            if S.CERTIFIED in reached:
                public_sector_people.append((app, dict(steps)[S.TRAINING]))
        bulk.create(career, batch=5000)
        bulk.create(skills, batch=5000)
        bulk.create(vendors, batch=5000)
        bulk.create(interviews, batch=5000)
        bulk.create([a for a, _s, _y in assignments], batch=5000)
        scores = [
            Score(
                assignment=a,
                criterion=c,
                score=self.rng.randint(3, 5),
                comment="実績・意欲とも十分",
            )
            for a, scored, year in assignments
            if scored
            for c in criteria[year]
        ]
        bulk.create(scores, batch=5000)
        audit.flush()
        self._public_sector_training(public_sector_people)
        self.step(
            f"{len(rows)} candidates, {len(assignments)} review assignments, {len(scores)} scores"
        )

    def _path(self, state: str) -> list[str]:
        S = Application.State
        return {
            S.DRAFT: [],
            S.APPLIED: [S.APPLIED],
            S.SCREENING: [S.APPLIED, S.SCREENING],
            S.INTERVIEW: [S.APPLIED, S.SCREENING, S.INTERVIEW],
            S.TRAINING: [S.APPLIED, S.SCREENING, S.INTERVIEW, S.TRAINING],
            S.REJECTED: [S.APPLIED, S.SCREENING, S.REJECTED],
            S.WITHDRAWN: [S.APPLIED, S.WITHDRAWN],
            S.CERTIFIED: [S.APPLIED, S.SCREENING, S.INTERVIEW, S.TRAINING, S.CERTIFIED],
            S.SUSPENDED: [S.APPLIED, S.SCREENING, S.TRAINING, S.CERTIFIED, S.SUSPENDED],
            S.REVOKED: [S.APPLIED, S.SCREENING, S.TRAINING, S.CERTIFIED, S.REVOKED],
        }[state]

    def _dates(self, applied: dt.date, path: list[str]) -> list[tuple[str, dt.datetime]]:
        gaps = {
            "applied": 0,
            "screening": 7,
            "interview": 21,
            "training": 35,
            "certified": 90,
            "rejected": 30,
            "withdrawn": 10,
            "suspended": 200,
            "revoked": 220,
        }
        return [(s, at(applied + dt.timedelta(days=gaps[s]), 10)) for s in path]

    def _actor(self, state, app):
        return app.user if state in ("applied", "withdrawn") else self.office

    def _application(self, user, applied, path, review_round) -> Application:
        S = Application.State
        filed = bool(path)
        steps = dict(self._dates(applied, path))
        certified_at = steps.get(S.CERTIFIED)
        until = None
        if certified_at is not None:
            day = certified_at.date()
            until = day.replace(year=day.year + 3) - dt.timedelta(days=1)
        number = int(user.username.rsplit("-", 1)[1])
        return Application(
            user=user,
            state=path[-1] if path else S.DRAFT,
            review_round=review_round if filed else None,
            family_name="候補",
            given_name=f"{number:05d}",
            family_name_kana="コウホ",
            given_name_kana="イチロウ",
            date_of_birth=dt.date(1965 + number % 25, 1 + number % 12, 1 + number % 28),
            email=user.email,
            phone=f"090-{number % 10000:04d}-{number // 10000:04d}",
            prefecture_code=f"{1 + number % 47:02d}",
            has_public_sector_experience=number % 3 == 0,
            domains=[DOMAINS[number % len(DOMAINS)]],
            earliest_start=applied + dt.timedelta(days=200),
            term_months=[6, 12, 18, 24][number % 4],
            work_pattern="full_time" if number % 2 else "part_time",
            days_per_week=None if number % 2 else 2,
            work_place=["on_site", "remote", "either"][number % 3],
            regions=["kanto", "kyushu", "kinki"][: 1 + number % 3],
            no_vendor_affiliations=number % 5 != 0,
            motivation=(
                "地方自治体の業務改革に、民間で培ったプロジェクト運営と"
                "クラウド移行の経験を活かしたい。" * 3
            ),
            consent_version="2026-04" if filed else "",
            consent_at=at(applied) if filed else None,
            created_at=at(applied - dt.timedelta(days=10)),
            updated_at=at(applied),
            submitted_at=steps.get(S.APPLIED),
            decision_reason="審査の結果" if path and path[-1] in (S.REJECTED, S.REVOKED) else "",
            certified_at=certified_at,
            certified_until=until,
        )

    def _public_sector_training(self, people) -> None:
        course = (
            Course.objects.filter(track="public_sector", has_assessment=True).order_by("pk").first()
        )
        assert course is not None
        by_year: dict[int, list] = {}
        for app, training_at in people:
            by_year.setdefault(fiscal_year(training_at.date()), []).append((app, training_at))
        for year, group in sorted(by_year.items()):
            start = min(t for _a, t in group) + dt.timedelta(days=14)
            session = bulk.create(
                [
                    TrainingSession(
                        course=course,
                        starts_at=start,
                        ends_at=start + dt.timedelta(hours=7),
                        place="中央合同庁舎第8号館 講堂",
                        capacity=len(group),
                        created_at=start - dt.timedelta(days=30),
                    )
                ]
            )[0]
            self._enrol(session, course, [a.user for a, _t in group], "PS", year)
            # The certification came after the training: move it to the day after.
            for app, _t in group:
                assert app.certified_at is None or app.certified_at > session.ends_at, app.pk

    # --- rounds ----------------------------------------------------------------------------

    def round(self, year: int) -> None:
        from ciodispatch.demo.matchround import (
            past_match_round,
            past_request_round,
            past_round_opens,
        )
        from ciodispatch.matchround import services as rounds

        index = self.years.index(year)
        with simulated_clock(past_round_opens(year)) as clock:
            request_round = past_request_round(
                year,
                title=f"{year}年度 認定CIO派遣 要請受付（全国）",
                population_limit=None,
                min_readiness_score=None,
            )
            self._requests(request_round, year)
            clock.set(at(dt.date(year - 1, 12, 1)))
            match_round = past_match_round(
                request_round,
                actor=self.office,
                seed=year * 10_000 + 131,
            )
            rounds.open_candidate_ranking(match_round, actor=self.office)
            posts = list(match_round.posts.select_related("request"))
            for post in posts:
                rounds.set_post_capacity(post, self.sizes.capacity, actor=self.office)
            clock.set(at(dt.date(year - 1, 12, 10)))
            ranked = self._rank(match_round, posts, self.cohorts[index])
            clock.set(at(dt.date(year - 1, 12, 26)))
            self._advance(match_round, MatchRound.Phase.HOSTS_RANK)
            clock.set(at(dt.date(year, 1, 10)))
            self._host_rank(posts)
            clock.set(at(dt.date(year, 1, 21)))
            self._advance(match_round, MatchRound.Phase.RUN)
            run = rounds.start_run(match_round, actor=self.office)
            run = rounds.execute_run(run.pk)
            clock.set(at(dt.date(year, 1, 31)))
            match_round.refresh_from_db()
            match_round = rounds.publish(match_round, run, actor=self.office)
        matched = sum(1 for h in run.output["assignment"].values() if h)
        self._terms(match_round, self.cohorts[index])
        self.step(f"round FY{year}: {len(posts)} posts, {ranked} rankings, {matched} matched")

    def _advance(self, match_round, phase: str) -> None:
        """What ``matchround.services.advance`` does but its mail to the hosts (the
        notifications of the simulated past are not sent): that mail finds the posts with
        applicants by reading every ranking of the round once per post (``applicants_of``),
        minutes at national size."""
        from ciodispatch.matchround.models import MATCH_ROUND_PHASES

        MATCH_ROUND_PHASES.apply(match_round, phase, actor=self.office)

    def _requests(self, request_round, year: int) -> None:
        from ciodispatch.requests import services as requests
        from ciodispatch.requests.eligibility import evaluate

        S = DispatchRequest.State
        count = min(self.sizes.requests_per_year, len(self.municipalities))
        hosts = self.rng.sample(self.municipalities, count)
        plan = [S.DRAFT, S.SUBMITTED, S.RETURNED, S.REJECTED, S.ELIGIBLE]
        created = at(dt.date(year - 1, 9, 15))
        rows = []
        for number, lg in enumerate(hosts):
            liaison, counterpart, head = self.staff_of[lg.code]
            state = plan[number] if number < len(plan) and count > 20 else S.APPROVED
            if number % 25 == 24:
                state = plan[(number // 25) % len(plan)]
            filed = state != S.DRAFT
            rows.append(
                DispatchRequest(
                    request_round=request_round,
                    host=lg,
                    filed_by=liaison,
                    state=state,
                    title=f"{lg.name} 行政DX推進（{year}年度）",
                    goals="窓口のオンライン化と基幹系の標準化を進め、職員の業務時間を削減する。",
                    challenges=["talent_shortage", "vendor_dependency"],
                    skill_roles=[self.rng.choice(SKILL_ROLES)],
                    term_months=self.rng.choice([6, 12, 12, 18, 24]),
                    start_date=request_round.dispatch_start,
                    work_pattern="part_time",
                    days_per_week=2,
                    work_place="either",
                    appointment_form="special_part_time",
                    budget_yen=6_000_000,
                    pay_yen_per_month=400_000,
                    vendors=[self.rng.choice(VENDORS)] if number % 3 == 0 else [],
                    no_vendors=number % 3 != 0,
                    authority_statement=AUTHORITY,
                    liaison=liaison,
                    counterpart=counterpart,
                    created_at=created,
                    updated_at=created + dt.timedelta(days=20),
                    submitted_at=created + dt.timedelta(days=10) if filed else None,
                )
            )
        bulk.create(rows)
        kpis = []
        for req in rows:
            kpis.append(
                KPI(
                    request=req,
                    name="オンライン申請の件数",
                    unit="件",
                    baseline=Decimal(100),
                    target=Decimal(500),
                )
            )
            kpis.append(
                KPI(
                    request=req,
                    name="窓口の待ち時間",
                    unit="分",
                    baseline=Decimal(40),
                    target=Decimal(15),
                )
            )
        bulk.create(kpis)
        audit = Audit()
        for req in rows:
            liaison, _counterpart, head = self.staff_of[req.host_id]
            t = req.submitted_at
            if req.state == S.DRAFT:
                continue
            steps = [(S.SUBMITTED, t, liaison)]
            if req.state == S.RETURNED:
                req.office_comment = "KPIの目標値の根拠を示してください。"
                steps.append((S.RETURNED, t + dt.timedelta(days=5), self.office))
            elif req.state != S.SUBMITTED:
                req.committed_by, req.committed_at = head, t + dt.timedelta(days=2)
                req.commitment_text = requests.commitment_text(req)
                req.eligibility = [c.as_dict() for c in evaluate(req)]
                assert all(c["passed"] for c in req.eligibility), req.eligibility
                steps += [
                    (S.COMMITTED, req.committed_at, head),
                    (S.ELIGIBLE, req.committed_at, head),
                ]
                if req.state in (S.APPROVED, S.REJECTED):
                    if req.state == S.REJECTED:
                        req.office_comment = "今年度の予算枠を超えるため。"
                    steps.append((req.state, t + dt.timedelta(days=20), self.office))
            audit.path(req, "state", steps, initial=S.DRAFT)
        bulk.update(
            rows,
            ["office_comment", "committed_by", "committed_at", "commitment_text", "eligibility"],
        )
        audit.flush()

    def _rank(self, match_round, posts, cohort) -> int:
        weights = [1 / (rank + 1) ** 0.8 for rank in range(len(posts))]
        self.rng.shuffle(weights)
        vendors = dict(
            VendorAffiliation.objects.filter(application__in=cohort).values_list(
                "application_id", "vendor"
            )
        )
        rows = []
        for app in cohort:
            mine = vendors.get(app.pk)
            allowed = [
                (p, w)
                for p, w in zip(posts, weights, strict=True)
                if not (mine and mine in (p.request.vendors or []))
            ]
            picked: list[int] = []
            seen = set()
            choices = min(20, len(allowed))
            population = [p for p, _w in allowed]
            cumulative = list(itertools.accumulate(w for _p, w in allowed))
            while len(picked) < choices:
                post = self.rng.choices(population, cum_weights=cumulative)[0]
                if post.pk not in seen:
                    seen.add(post.pk)
                    picked.append(post.pk)
            rows.append(CandidateRanking(match_round=match_round, application=app, posts=picked))
        bulk.create(rows)
        audit = Audit()
        when = timezone.now()
        for ranking in rows:
            audit.add(
                when,
                ranking.application.user,
                "matchround.ranking.candidate",
                match_round,
                {"application": ranking.application_id, "posts": len(ranking.posts)},
            )
        audit.flush()
        self.applicants: dict[int, list[int]] = {}
        for ranking in rows:
            for pk in ranking.posts:
                self.applicants.setdefault(pk, []).append(ranking.application_id)
        return len(rows)

    def _host_rank(self, posts) -> None:
        rows, audit, when = [], Audit(), timezone.now()
        for post in posts:
            ids = list(self.applicants.get(post.pk, []))
            if not ids:
                continue
            self.rng.shuffle(ids)
            liaison = self.staff_of[post.request.host_id][0]
            rows.append(
                HostRanking(post=post, applications=ids, updated_by=liaison, updated_at=when)
            )
            audit.add(when, liaison, "matchround.ranking.host", post, {"applications": len(ids)})
        bulk.create(rows)
        audit.flush()

    # --- dispatches through their terms ----------------------------------------------------

    def _terms(self, match_round, cohort) -> None:
        S = Dispatch.State
        dispatches = list(
            match_round.dispatches.select_related(
                "request__request_round", "application__user", "match_round"
            ).order_by("pk")
        )
        busy = {d.application_id for d in dispatches}
        vendors = dict(
            VendorAffiliation.objects.filter(application__in=cohort).values_list(
                "application_id", "vendor"
            )
        )
        free = [a for a in cohort if a.pk not in busy]
        self.rng.shuffle(free)
        published = match_round.published_at
        audit = Audit()
        replacements = []
        for number, d in enumerate(dispatches):
            liaison = self.staff_of[d.request.host_id][0]
            cio = d.application.user
            if number % 12 == 5:
                d.state = S.DECLINED
                d.declined_at, d.declined_by = published + dt.timedelta(days=4), cio
                d.decline_reason = "家庭の事情により、今回は辞退します。"
                audit.path(d, "state", [(S.DECLINED, d.declined_at, cio)], initial=S.PROPOSED)
                for app in free:
                    if not (vendors.get(app.pk) and vendors[app.pk] in (d.request.vendors or [])):
                        free.remove(app)
                        new = Dispatch(
                            request=d.request,
                            application=app,
                            match_round=match_round,
                            replaces=d,
                            proposed_at=d.declined_at + dt.timedelta(days=3),
                        )
                        replacements.append(new)
                        break
                continue
            self._run_term(d, liaison, audit)
        bulk.update(dispatches, self.DISPATCH_FIELDS)
        audit.flush()
        bulk.create(replacements)
        for new in replacements:
            audit.add(
                new.proposed_at,
                self.office,
                "dispatches.fill_place",
                new,
                {"replaces": new.replaces_id, "application": new.application_id},
                reason="辞退のため、プールから候補者を提案",
            )
            self._run_term(
                new,
                self.staff_of[new.request.host_id][0],
                audit,
                accepted=new.proposed_at + dt.timedelta(days=5),
            )
        bulk.update(replacements, self.DISPATCH_FIELDS)
        audit.flush()

    DISPATCH_FIELDS = [
        "state",
        "cio_accepted_at",
        "host_accepted_at",
        "host_accepted_by",
        "declined_at",
        "declined_by",
        "decline_reason",
        "appointment_form",
        "start_date",
        "end_date",
        "pay_yen_per_month",
        "days_per_week",
        "authority_statement",
        "appointment_set_at",
        "appointment_confirmed_at",
        "notice_number",
        "notice_issued_at",
        "started_on",
        "ended_on",
        "end_reason",
    ]

    def _run_term(self, d: Dispatch, liaison, audit: Audit, accepted=None) -> None:
        S = Dispatch.State
        request = d.request
        cio = d.application.user
        start = request.start_date
        accepted = accepted or d.match_round.published_at + dt.timedelta(days=7)
        d.cio_accepted_at = accepted - dt.timedelta(days=1)
        d.host_accepted_at, d.host_accepted_by = accepted, liaison
        d.appointment_form = request.appointment_form
        d.start_date, d.end_date = start, add_months(start, request.term_months)
        d.pay_yen_per_month, d.days_per_week = request.pay_yen_per_month, request.days_per_week
        d.authority_statement = request.authority_statement
        d.appointment_set_at = accepted + dt.timedelta(days=3)
        d.appointment_confirmed_at = d.notice_issued_at = accepted + dt.timedelta(days=5)
        d.notice_number = f"CIO-{request.request_round.fiscal_year}-{d.pk:05d}"
        audit.add(d.cio_accepted_at, cio, "dispatches.accept.cio", d)
        audit.add(accepted, liaison, "dispatches.accept.host", d)
        steps = [(S.ACCEPTED, accepted, liaison)]
        audit.add(d.appointment_set_at, liaison, "dispatches.appointment.set", d)
        audit.add(d.appointment_confirmed_at, cio, "dispatches.appointment.confirm", d)
        d.state = S.ACCEPTED
        if start <= self.today:
            d.started_on = start
            steps.append((S.ACTIVE, at(start, 0, 5), None))
            d.state = S.ACTIVE
            number = d.pk % 20
            limit = d.application.certified_until
            longer = add_months(start, request.term_months + 6)
            if number == 3:
                d.ended_on = min(start + dt.timedelta(days=120), self.today - dt.timedelta(days=1))
                d.end_reason = "本人の体調不良により、双方合意のうえ終了。"
                d.state = S.ENDED_EARLY
                steps.append((S.ENDED_EARLY, at(d.ended_on, 17), self.office))
            elif (
                number in (7, 11)
                and longer <= limit
                and d.end_date - dt.timedelta(days=60) < self.today
            ):
                asked = at(d.end_date - dt.timedelta(days=60))
                self.extensions.append(
                    Extension(
                        dispatch=d,
                        state=Extension.State.APPROVED,
                        previous_end=d.end_date,
                        new_end=longer,
                        reason="標準化対応の山場が続くため6か月延長したい。",
                        requested_by=liaison,
                        requested_at=asked,
                        decided_by=self.office,
                        decided_at=asked + dt.timedelta(days=10),
                        decision_reason="成果が見込める。",
                    )
                )
                d.end_date = longer
                d.state = S.EXTENDED
                steps.append((S.EXTENDED, asked + dt.timedelta(days=10), self.office))
            if d.state != S.ENDED_EARLY and d.end_date < self.today:
                d.ended_on = d.end_date
                steps.append((S.COMPLETED, at(d.end_date + dt.timedelta(days=1), 0, 5), None))
                d.state = S.COMPLETED
        audit.path(d, "state", steps, initial=S.PROPOSED)

    def expire_certifications(self) -> None:
        S = Application.State
        bulk.create(self.extensions)
        audit = Audit()
        for ext in self.extensions:
            audit.path(
                ext,
                "state",
                [(Extension.State.APPROVED, ext.decided_at, self.office)],
                initial=Extension.State.REQUESTED,
            )
        due = list(
            Application.objects.filter(
                state=S.CERTIFIED, certified_until__lt=self.today, user__username__startswith=PREFIX
            )
        )
        for app in due:
            app.state = S.EXPIRED
            audit.path(
                app,
                "state",
                [(S.EXPIRED, at(app.certified_until + dt.timedelta(days=1), 0, 10), None)],
                initial=S.CERTIFIED,
            )
        Application.objects.filter(pk__in=[a.pk for a in due]).update(state=S.EXPIRED)
        audit.flush()
        self.step(f"{len(self.extensions)} extensions; {len(due)} certifications expired")

    # --- progress --------------------------------------------------------------------------

    def progress(self) -> None:
        dispatches = list(
            Dispatch.objects.filter(
                started_on__isnull=False, application__user__username__startswith=PREFIX
            )
            .select_related("request__host", "application__user")
            .order_by("pk")
        )
        kpis: dict[int, list[KPI]] = {}
        for kpi in KPI.objects.filter(request__in={d.request_id for d in dispatches}):
            kpis.setdefault(kpi.request_id, []).append(kpi)
        plans, audit = [], Audit()
        for d in dispatches:
            when = at(d.started_on + dt.timedelta(days=20))
            plans.append(
                ActionPlan(
                    dispatch=d,
                    state=ActionPlan.State.SUBMITTED,
                    summary="標準化とオンライン申請の拡大を、現場と一緒に進める。",
                    created_by=d.application.user,
                    created_at=when - dt.timedelta(days=5),
                    updated_at=when,
                    submitted_at=when,
                    version=1,
                )
            )
        bulk.create(plans)
        goals, milestones, people = [], [], []
        for plan in plans:
            d = plan.dispatch
            goals.append(Goal(plan=plan, text="オンライン申請を5倍にする"))
            last = d.term_end
            for k, title in enumerate(["現状業務の棚卸し", "オンライン申請の開始"]):
                due = min(d.started_on + dt.timedelta(days=60 + 120 * k), last)
                milestones.append(
                    Milestone(plan=plan, title=title, due=due, lead="CIO・情報政策係")
                )
            people.append(
                Participant(plan=plan, name="情報政策係長", department="総務課", kind="follower")
            )
            people.append(
                Participant(plan=plan, name="窓口担当", department="市民課", kind="field")
            )
        bulk.create(goals)
        bulk.create(milestones, batch=5000)
        bulk.create(people, batch=5000)
        through = Goal.kpis.through
        bulk.create(
            [through(goal_id=g.pk, kpi_id=kpis[g.plan.dispatch.request_id][0].pk) for g in goals],
            batch=5000,
        )
        by_plan: dict[int, list[Milestone]] = {}
        for m in milestones:
            by_plan.setdefault(m.plan_id, []).append(m)
        revisions = []
        for plan in plans:
            snapshot = {
                "summary": plan.summary,
                "goals": [
                    {
                        "text": "オンライン申請を5倍にする",
                        "kpis": [kpis[plan.dispatch.request_id][0].name],
                    }
                ],
                "milestones": [
                    {"title": m.title, "due": m.due.isoformat(), "lead": m.lead}
                    for m in by_plan[plan.pk]
                ],
                "people": [
                    {"name": "情報政策係長", "department": "総務課", "kind": "follower"},
                    {"name": "窓口担当", "department": "市民課", "kind": "field"},
                ],
            }
            revisions.append(
                PlanRevision(
                    plan=plan,
                    version=1,
                    content=snapshot,
                    note="",
                    saved_by=plan.created_by,
                    saved_at=plan.submitted_at,
                )
            )
            audit.path(
                plan,
                "state",
                [(ActionPlan.State.SUBMITTED, plan.submitted_at, plan.created_by)],
                initial=ActionPlan.State.DRAFT,
            )
        bulk.create(revisions, batch=5000)
        audit.flush()
        reports, measurements, wins = [], [], []
        for plan in plans:
            d = plan.dispatch
            cio = d.application.user
            month = first_of_month(d.started_on)
            while month <= d.term_end:
                due = report_due_for(d, month)
                if due > self.today:
                    break
                sent = at(due - dt.timedelta(days=2), 15)
                reports.append(
                    MonthlyReport(
                        dispatch=d,
                        month=month,
                        state=MonthlyReport.State.SUBMITTED,
                        blockers="",
                        help_needed=False,
                        created_by=cio,
                        created_at=sent - dt.timedelta(days=3),
                        submitted_at=sent,
                    )
                )
                month = next_month(month)
            points = [(MeasurementPoint.START, d.started_on + dt.timedelta(days=14))]
            middle = d.started_on + (d.term_end - d.started_on) / 2
            if middle < self.today:
                points.append((MeasurementPoint.MID, middle))
            if d.is_finished:
                points.append((MeasurementPoint.END, d.term_end))
            for kpi in kpis[d.request_id]:
                for k, (point, day) in enumerate(points):
                    value = kpi.baseline + (kpi.target - kpi.baseline) * Decimal(k) / 2
                    measurements.append(
                        KPIMeasurement(
                            dispatch=d,
                            kpi=kpi,
                            point=point,
                            value=value,
                            measured_on=day,
                            recorded_by=cio,
                            recorded_at=at(day, 16),
                        )
                    )
            for k in range(3):
                day = d.started_on + dt.timedelta(days=45 + 70 * k)
                if day > min(d.term_end, self.today):
                    break
                wins.append(
                    SmallWin(
                        dispatch=d,
                        title=f"{d.request.host.name}の小さな成功 {k + 1}",
                        body=self._win_body(d, k),
                        state=SmallWin.State.PUBLISHED if k != 1 else SmallWin.State.POSTED,
                        posted_by=self.staff_of[d.request.host_id][0],
                        posted_at=at(day, 11),
                        published_at=at(day + dt.timedelta(days=2), 9) if k != 1 else None,
                    )
                )
        bulk.create(reports, batch=5000)
        plan_of = {plan.dispatch_id: plan.pk for plan in plans}
        bulk.create(measurements, batch=5000)
        bulk.create(wins, batch=5000)
        progress = []
        for report in reports:
            for m in by_plan[plan_of[report.dispatch_id]]:
                status = MilestoneStatus.DONE if m.due < report.month else MilestoneStatus.ON_TRACK
                progress.append(
                    MilestoneProgress(report=report, milestone=m, status=status, note="")
                )
        bulk.create(progress, batch=5000)
        for report in reports:
            audit.path(
                report,
                "state",
                [(MonthlyReport.State.SUBMITTED, report.submitted_at, report.created_by)],
                initial=MonthlyReport.State.DRAFT,
            )
        for win in wins:
            audit.add(win.posted_at, win.posted_by, "progress.win.posted", win)
            if win.state == SmallWin.State.PUBLISHED:
                audit.path(
                    win,
                    "state",
                    [(SmallWin.State.PUBLISHED, win.published_at, win.posted_by)],
                    initial=SmallWin.State.POSTED,
                )
        audit.flush()
        from ciodispatch.progress.services import WIN_SEARCH_KIND

        published = [w for w in wins if w.state == SmallWin.State.PUBLISHED]
        search.index_documents(
            WIN_SEARCH_KIND, [(w.pk, w.title, w.body) for w in published], normalise=_normalised
        )
        self.dispatches = dispatches
        self.step(
            f"{len(plans)} plans, {len(reports)} monthly reports, {len(measurements)} KPI "
            f"measurements, {len(wins)} small wins ({len(published)} published)"
        )

    def _win_body(self, d, k: int) -> str:
        texts = [
            "窓口で申請書の記入例を見直したところ、書き直しが半分に減った。",
            "庁内チャットの導入で、課をまたぐ確認が翌日から当日に短縮された。",
            "住民向けオンライン申請の利用が前月比で二割増えた。",
        ]
        return f"{texts[k % 3]}（{d.request.host.prefecture}{d.request.host.name}、第{d.pk}号）"

    # --- incentive claims ------------------------------------------------------------------

    def claims(self) -> None:
        from ciodispatch.incentives import programmes
        from ciodispatch.incentives import services as incentives

        progs = list(IncentiveProgramme.objects.order_by("pk"))
        assert progs, "the ordinary demo creates the incentive programmes"
        years = range(self.years[0], self.current_fy + 1)
        for programme in progs:
            for year in years:
                if not IncentiveRule.objects.filter(programme=programme, fiscal_year=year).exists():
                    incentives.save_rule(
                        programme,
                        year,
                        programmes.rule_for(programme.code, year),
                        actor=self.office_admin,
                    )
        rules = {
            (r.programme_id, r.fiscal_year): r for r in IncentiveRule.objects.order_by("version")
        }
        programme = progs[0]
        claims, costs, audit = [], [], Audit()
        approved_by_year: dict[int, int] = {}
        for d in self.dispatches:
            host = d.request.host
            for year in incentives.claim_fiscal_years(d):
                if year > self.current_fy:
                    continue
                first = max(d.start_date, dt.date(year, 4, 1))
                last = min(d.term_end, dt.date(year + 1, 3, 31), self.today)
                months = max(1, (last.year - first.year) * 12 + last.month - first.month + 1)
                items = [Cost("pay", d.pay_yen_per_month * months), Cost("travel", 20_000 * months)]
                rule = rules[(programme.pk, year)]
                dispatch_year = incentives.dispatch_year_in(d, year)
                result = calculate(
                    rule.terms(),
                    items,
                    dispatch_year=dispatch_year,
                    fiscal_strength_index=host.fiscal_strength_index,
                )
                if not result.eligible or result.amount <= 0:
                    continue
                filed = at(min(last + dt.timedelta(days=20), self.today - dt.timedelta(days=1)))
                state = (
                    IncentiveClaim.State.PAID
                    if year < self.current_fy
                    else (
                        [
                            IncentiveClaim.State.DRAFT,
                            IncentiveClaim.State.SUBMITTED,
                            IncentiveClaim.State.APPROVED,
                        ][d.pk % 3]
                    )
                )
                liaison = self.staff_of[host.code][0]
                claim = IncentiveClaim(
                    dispatch=d,
                    programme=programme,
                    fiscal_year=year,
                    rule=rule,
                    state=state,
                    dispatch_year=dispatch_year,
                    fiscal_strength_index=host.fiscal_strength_index,
                    computed_yen=result.amount,
                    calculation=result.lines,
                    filed_by=liaison,
                    created_at=filed,
                )
                steps = []
                if state != IncentiveClaim.State.DRAFT:
                    claim.submitted_at = filed + dt.timedelta(days=1)
                    steps.append((IncentiveClaim.State.SUBMITTED, claim.submitted_at, liaison))
                if state in (IncentiveClaim.State.APPROVED, IncentiveClaim.State.PAID):
                    claim.decided_by, claim.decided_at = self.office, filed + dt.timedelta(days=10)
                    claim.approved_yen = result.amount
                    approved_by_year[year] = approved_by_year.get(year, 0) + result.amount
                    steps.append((IncentiveClaim.State.APPROVED, claim.decided_at, self.office))
                if state == IncentiveClaim.State.PAID:
                    claim.paid_on = (filed + dt.timedelta(days=30)).date()
                    claim.paid_yen = result.amount
                    steps.append(
                        (IncentiveClaim.State.PAID, filed + dt.timedelta(days=30), self.office)
                    )
                claims.append((claim, steps))
                for item in items:
                    costs.append(
                        (
                            claim,
                            ClaimCost(
                                item=item.item,
                                amount_yen=item.amount,
                                spent_on=last,
                                description=f"{item.item} {year}年度分",
                            ),
                        )
                    )
        bulk.create([c for c, _s in claims], batch=5000)
        for claim, cost in costs:
            cost.claim = claim
        bulk.create([c for _claim, c in costs], batch=5000)
        for claim, steps in claims:
            audit.path(claim, "state", steps, initial=IncentiveClaim.State.DRAFT)
        audit.flush()
        for year in approved_by_year:
            already = sum(
                IncentiveClaim.objects.filter(
                    fiscal_year=year, approved_yen__isnull=False
                ).values_list("approved_yen", flat=True)
            )
            budget = ProgrammeBudget.objects.filter(fiscal_year=year).first()
            needed = math.ceil(already * 1.25 / 1_000_000) * 1_000_000
            if budget is None or budget.amount_yen < needed:
                incentives.set_budget(year, needed, actor=self.office_admin)
        self.step(f"{len(claims)} incentive claims, {len(costs)} costs")

    # --- know-how --------------------------------------------------------------------------

    def knowhow(self) -> None:
        from ciodispatch.demo.knowhow_content import FURTHER_CASES, STUDY_CASES
        from ciodispatch.knowhow.services import CASE_KIND

        have = SearchEntry.objects.count()
        wanted = max(0, self.sizes.documents - have)
        paragraphs = [p for c in STUDY_CASES for p in [c["summary"], *c["body"], *c["success"]]]
        paragraphs += [f"{row[6]}{row[7]}" for row in FURTHER_CASES]
        governments = self.municipalities
        published = at(self.today - dt.timedelta(days=30))
        cases = []
        for number in range(wanted):
            lg = governments[number % len(governments)]
            parts = self.rng.sample(paragraphs, 3)
            cases.append(
                Case(
                    state=Case.State.PUBLISHED,
                    title=f"{lg.name}の取組 第{number + 1}号",
                    summary=parts[0],
                    body="\n\n".join(parts[1:]) + f"\n\n（事例番号 {number + 1}）",
                    theme=DOMAINS[number % len(DOMAINS)],
                    year_from=self.years[number % 3],
                    year_to=self.years[number % 3] + 1,
                    author_government=lg,
                    created_by=self.office,
                    challenges=[Challenge.values[number % len(Challenge.values)]],
                    success_points=["首長のコミットメント"],
                    spread_points=["手順書を共有"],
                    roles={"head": "首長が方針を示した", "leader": "CIOが推進"},
                    outcomes=[
                        {
                            "label": "処理時間",
                            "value": "30%削減",
                            "source": "自治体公表資料",
                            "url": "",
                        }
                    ],
                    sources=[],
                    version=1,
                    origin="national-demo",
                    created_at=published,
                    updated_at=published,
                    published_at=published,
                )
            )
        bulk.create(cases, batch=5000)
        through = Case.local_governments.through
        bulk.create(
            [through(case_id=c.pk, localgovernment_id=c.author_government_id) for c in cases],
            batch=5000,
        )
        lgs = {lg.code: lg for lg in governments}
        documents, audit = [], Audit()
        for number, case in enumerate(cases):
            title, text = case_document(case, [lgs[case.author_government_id]])
            if number < 50:
                assert _same_as_knowhow_text(title, text), case.pk
            documents.append((case.pk, title, text))
            audit.path(
                case,
                "state",
                [
                    (Case.State.IN_REVIEW, published - dt.timedelta(days=3), self.office),
                    (Case.State.PUBLISHED, published, self.office),
                ],
                initial=Case.State.DRAFT,
            )
            if len(documents) >= 5000:
                search.index_documents(CASE_KIND, documents, normalise=_normalised)
                documents = []
                audit.flush()
        search.index_documents(CASE_KIND, documents, normalise=_normalised)
        audit.flush()
        self.step(
            f"{len(cases)} published cases; search index {SearchEntry.objects.count()} documents"
        )


# The national documents are recombined paragraphs: normalising and tokenising each of
# 100,000 texts whole takes minutes, so each line is done once (cached) and the results are
# joined. This is exact because ``knowhow.text`` works character by character, a newline
# is a separator and separators collapse: the text of lines joined by newlines normalises to
# their normalised forms joined by one separator, and its tokens are theirs, each once, in
# order. The loader compares it with ``knowhow.text`` on its first documents, and
# ``check_invariants`` computes a sample again.


@lru_cache(maxsize=50_000)
def _line(line: str) -> str:
    from ciodispatch.knowhow import text as T

    return T.normalise(line)


def _normalised(text: str) -> str:
    out = ""
    for number, line in enumerate(text.split("\n")):
        piece = _line(line)
        if number == 0:
            out = piece
            continue
        if not out.endswith(" "):
            out += " "
        out += piece[1:] if piece.startswith(" ") else piece
    return out


def _same_as_knowhow_text(title: str, body: str) -> bool:
    from ciodispatch.knowhow import text as T

    return _normalised(title) == T.normalise(title) and _normalised(body) == T.normalise(body)


def case_document(case: Case, governments) -> tuple[str, str]:
    """The title and text ``knowhow.services._index_case`` indexes for a case (kept in step with
    it; ``check_invariants`` compares the stored entries with this)."""
    with override("ja"):
        labels = " ".join(case.challenge_labels)
    parts = [
        case.summary,
        " ".join(dict.fromkeys(part for lg in governments for part in (lg.prefecture, lg.name))),
        labels,
        *case.challenges_other,
        *case.success_points,
        *case.spread_points,
        *case.roles.values(),
        *(f"{o['label']} {o['value']}" for o in case.outcomes),
        case.body,
    ]
    return case.title, "\n".join(p for p in parts if p)
