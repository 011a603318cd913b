"""The demo: the registry, the demo accounts and (as features land) realistic content.

Built through the real services, never by writing rows directly. Refused outside demo mode.
"""

import datetime as dt
import random

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from faker import Faker

from ciodispatch.accounts import services as accounts
from ciodispatch.accounts.models import Role, User
from ciodispatch.accounts.passwords import DEMO_PASSWORD
from ciodispatch.core.errors import Refusal
from ciodispatch.demo.accounts import demo_account, demo_mail
from ciodispatch.localgov.models import LocalGovernment, LocalGovernmentGroup
from ciodispatch.localgov.services import BUNDLED_REGISTRY, create_group, import_local_governments

# login, role, local government code (None: the programme office, or no organisation),
# family name, given name
DEMO_ACCOUNTS = (
    ("office", Role.OFFICE_OFFICER, None, "事務局", "担当"),
    ("office-admin", Role.OFFICE_ADMIN, None, "事務局", "管理者"),
    ("reviewer", Role.REVIEWER, None, "審査", "委員"),
    ("reviewer2", Role.REVIEWER, None, "審査", "副委員"),
    ("candidate1", Role.CANDIDATE, None, "山田", "花子"),
    ("candidate2", Role.CANDIDATE, None, "佐藤", "健一"),
    ("host1", Role.HOST_LIAISON, "412040", "多久", "連絡担当"),
    ("host1-head", Role.HOST_HEAD, "412040", "多久", "市長"),
    ("host2", Role.HOST_LIAISON, "412091", "嬉野", "連絡担当"),
    ("host2-head", Role.HOST_HEAD, "412091", "嬉野", "市長"),
    ("pref1", Role.PREFECTURE_COORDINATOR, "410004", "佐賀県", "DX推進担当"),
)
OFFICE_LOGINS = ("office", "office-admin", "reviewer", "reviewer2")
# Sample contact details (fictitious telephone numbers).
DEMO_CONTACTS = (
    ("office", "認定CIO派遣制度 事務局", "03-0000-0000"),
    ("host1", "総務課 情報政策係", "0952-00-0001"),
    ("host2", "総務課 DX推進係", "0954-00-0002"),
    ("pref1", "政策部 DX推進グループ", "0952-00-0003"),
)


class DemoRefused(Refusal, RuntimeError):
    pass


@transaction.atomic
def load_demo(*, candidates: int = 300) -> list[str]:
    """Build the demo. Returns what was done, one line per step."""
    if not settings.DEMO_MODE:
        raise DemoRefused("The demo can only be loaded with DEMO_MODE=true.")
    done = []
    result = import_local_governments(BUNDLED_REGISTRY, actor=None)
    done.append(
        f"registry: {result.created} created, {result.updated} updated, "
        f"{result.unchanged} unchanged"
    )
    office = accounts.get_or_create_programme_office(actor=None)
    for login, role, code, last_name, first_name in DEMO_ACCOUNTS:
        if User.objects.filter(username=login).exists():
            continue
        organisation = None
        if role in (Role.OFFICE_OFFICER, Role.OFFICE_ADMIN, Role.REVIEWER):
            organisation = office
        elif code is not None:
            organisation = accounts.get_or_create_local_government_organisation(
                LocalGovernment.objects.get(code=code), actor=None
            )
        user = demo_account(
            login,
            role,
            organisation,
            last_name=last_name,
            first_name=first_name,
            password=DEMO_PASSWORD,
            email=demo_mail(login),
        )
        if login in OFFICE_LOGINS:
            accounts.give_demo_backup_code(user, actor=None)
        done.append(f"account: {login} ({role})")
    for login, department, phone in DEMO_CONTACTS:
        user = User.objects.get(username=login)
        organisation = user.organisation
        assert organisation is not None, login
        accounts.update_organisation_contact(
            organisation,
            actor=user if organisation.local_government_id else None,
            contact_department=department,
            contact_email=f"dx@{login}.demo.ciodispatch.example.jp",
            contact_phone=phone,
        )
    if not LocalGovernmentGroup.objects.filter(name="佐賀県 西部DX共同推進").exists():
        pref1 = User.objects.get(username="pref1")
        create_group(
            name="佐賀県 西部DX共同推進",
            lead=LocalGovernment.objects.get(code="410004"),
            # 有田町, 大町町, 江北町: small towns that share one CIO (多久市 and 嬉野市 file alone).
            members=list(LocalGovernment.objects.filter(code__in=["414018", "414239", "414247"])),
            actor=pref1,
        )
        done.append("group: 佐賀県 西部DX共同推進")
    done += _candidates_and_training(candidates)
    done += _readiness_and_requests()
    from ciodispatch.demo.knowhow import load_knowhow_demo

    done += load_knowhow_demo(
        office=User.objects.get(username="office"),
        people={u.username: u for u in User.objects.filter(username__in=["host1", "pref1"])},
    )
    from ciodispatch.demo.outreach import load_outreach_demo

    done += load_outreach_demo(
        office=User.objects.get(username="office"),
        people={
            u.username: u for u in User.objects.filter(username__in=["pref1", "host1", "host2"])
        },
    )
    done += _dispatches()
    return done


def _dispatches() -> list[str]:
    """Last round's dispatches through their term (after the know-how demo, which a finished
    dispatch's case draft joins), this year's matching round, then their progress and
    incentive claims."""
    from ciodispatch.demo.dispatches import load_dispatches_demo
    from ciodispatch.demo.incentives import load_incentives_demo
    from ciodispatch.demo.matchround import load_current_matching_demo
    from ciodispatch.demo.progress import load_progress_demo

    office = User.objects.get(username="office")
    done = load_dispatches_demo(office=office)
    done += load_current_matching_demo(office=office)
    done += load_progress_demo(office=office, demo_cio="candidate2")
    done += load_incentives_demo(
        office=office,
        office_admin=User.objects.get(username="office-admin"),
        returned_host="412040",  # a claim of 多久市 returned to host1 for correction
    )
    return done


def _readiness_and_requests() -> list[str]:
    from ciodispatch.demo.clock import simulated_clock
    from ciodispatch.demo.matchround import load_matching_demo
    from ciodispatch.demo.readiness import load_readiness_demo
    from ciodispatch.demo.requests import load_requests_demo

    people = {
        u.username: u for u in User.objects.filter(username__in=[a[0] for a in DEMO_ACCOUNTS])
    }
    # This year's requests were filed over the last weeks and the round has just closed, so
    # the matching round can be in its ranking phase: they are recorded 40 days back.
    with simulated_clock(timezone.now() - dt.timedelta(days=40)) as clock:
        done = load_readiness_demo(taku_user=people["host1"], ureshino_user=people["host2"])
        done += load_requests_demo(office=people["office"], people=people, clock=clock)
    done += load_matching_demo(office=people["office"])
    return done


def _cohort_completer():
    """Completes the public-sector track for a candidate, in the month's cohort session (on
    the 1st; the demo's clock may be in the past: the certified applied last year)."""
    from ciodispatch.training import services as training
    from ciodispatch.training.models import Course

    course = (
        Course.objects.filter(track="public_sector", has_assessment=True).order_by("pk").first()
    )
    assert course is not None, "the training demo creates the public-sector courses first"
    sessions = {}

    def session_on(day: dt.date):
        if day not in sessions:
            start = dt.datetime.combine(day, dt.time(10), tzinfo=timezone.get_current_timezone())
            sessions[day] = training.schedule_session(
                course,
                starts_at=start,
                ends_at=start + dt.timedelta(hours=7),
                capacity=300,
                place="中央合同庁舎第8号館 講堂（修了者コホート）",
                actor=None,
            )
        return sessions[day]

    def complete(user):
        enrolment = training.enrol(
            session_on((timezone.localdate() - dt.timedelta(days=7)).replace(day=1)),
            user,
            actor=None,
        )
        training.record_attendance(enrolment, True, actor=None)
        training.record_completion(enrolment, 80, actor=None)

    return complete


def _certify_candidate2(user, office, reviewers, fake, rng) -> None:
    """candidate2 applied in the spring of last fiscal year, took the public-sector track in
    September and was certified on 6 October: before last year's matching round (December),
    which placed them from April; the certification is valid for three years."""
    from ciodispatch.candidates import services as candidates
    from ciodispatch.candidates.models import Application
    from ciodispatch.core.dates import fiscal_year
    from ciodispatch.demo import candidates as candidates_demo
    from ciodispatch.demo.clock import simulated_clock
    from ciodispatch.training import services as training
    from ciodispatch.training.models import Course

    year = fiscal_year(timezone.localdate()) - 1
    with simulated_clock(dt.date(year, 6, 16)) as clock:
        app = candidates.start_application(user, actor=user)
        candidates_demo._fill(app, user, fake, rng)
        app.refresh_from_db()
        candidates.save_identity(  # the name the demo account shows
            app, actor=user, family_name="佐藤", given_name="健一",
            family_name_kana="サトウ", given_name_kana="ケンイチ",
            date_of_birth=app.date_of_birth, email=app.email, phone=app.phone,
            prefecture_code=app.prefecture_code,
        )  # fmt: skip
        # From next April, a year, two days a week, in Kyushu or Kanto; no vendor ties (so
        # nothing hides a host from them, 多久市 included).
        candidates.save_availability(
            app, actor=user, earliest_start=dt.date(year + 1, 4, 1), term_months=12,
            work_pattern="part_time", days_per_week=2, work_place="either",
            regions=["kyushu", "kanto"],
        )  # fmt: skip
        candidates.save_vendor_affiliations(app, actor=user, none=True, affiliations=[])
        candidates_demo.advance(
            app, Application.State.TRAINING, user=user, office=office, reviewers=reviewers,
            rng=rng, complete_training=lambda user: None, clock=clock,
        )  # fmt: skip
        # The public-sector track: one course a week in September, booked in August.
        clock.set(dt.date(year, 8, 18))
        enrolments = []
        for week, course in enumerate(Course.objects.filter(track="public_sector").order_by("pk")):
            day = dt.date(year, 9, 5) + dt.timedelta(weeks=week)
            start = dt.datetime.combine(day, dt.time(10), tzinfo=timezone.get_current_timezone())
            session = training.schedule_session(
                course, starts_at=start, ends_at=start + dt.timedelta(hours=7), capacity=40,
                place="中央合同庁舎第8号館 共用会議室（東京都千代田区永田町）", actor=None,
            )  # fmt: skip
            enrolments.append(training.enrol(session, user, actor=user))
        for enrolment in enrolments:
            clock.set(enrolment.session.ends_at + dt.timedelta(hours=1))
            score = 85 if enrolment.session.course.has_assessment else None
            training.record_attendance(enrolment, True, actor=None)
            training.record_completion(enrolment, score, actor=None)
        clock.set(dt.date(year, 10, 6))
        candidates.certify(app, actor=office)


def _candidates_and_training(total: int) -> list[str]:
    from ciodispatch.candidates import services as candidates
    from ciodispatch.candidates.models import Application
    from ciodispatch.demo import candidates as candidates_demo
    from ciodispatch.demo.training import join_public_sector_sessions, load_training_demo

    people = {
        u.username: u for u in User.objects.filter(username__in=[a[0] for a in DEMO_ACCOUNTS])
    }
    # candidate2 trained last year (below); this autumn's public-sector sessions are taken by
    # candidates now in training (after the candidates demo).
    done = load_training_demo(candidates=[], host_staff=[people["host1"], people["host1-head"]])
    if Application.objects.filter(user=people["candidate2"]).exists():
        return done
    office, reviewers = people["office"], [people["reviewer"], people["reviewer2"]]
    complete = _cohort_completer()
    rng = random.Random(7)
    fake = Faker("ja_JP")
    fake.seed_instance(7)
    _certify_candidate2(people["candidate2"], office, reviewers, fake, rng)
    # candidate1: mid-application (three sections done).
    candidate1 = people["candidate1"]
    app = candidates.start_application(candidate1, actor=candidate1)
    candidates.save_identity(
        app, actor=candidate1, family_name="山田", given_name="花子", family_name_kana="ヤマダ",
        given_name_kana="ハナコ", date_of_birth=dt.date(1982, 5, 14), email=candidate1.email,
        phone="090-1111-2222", prefecture_code="13",
    )  # fmt: skip
    candidates.save_career(
        app, actor=candidate1, has_public_sector_experience=False,
        entries=[candidates.CareerInput("株式会社クラウドワークス", "CTO", 2014, None, False)],
    )  # fmt: skip
    candidates.save_domains(app, actor=candidate1, domains=["core_systems_cloud"], other="")
    done.append("candidates: candidate1 mid-application, candidate2 certified")
    done += candidates_demo.load_candidates_demo(
        office=office, reviewers=reviewers, complete_training=complete, total=total
    )
    in_training = User.objects.filter(
        application__state=Application.State.TRAINING, username__startswith="demo-candidate-"
    ).order_by("pk")[:3]
    done += join_public_sector_sessions(list(in_training))
    return done
