"""Demo content for training: both standard tracks, past sessions with results, upcoming ones.

Built through the services with ``actor=None`` (the system), which may record sessions that
already took place. Running it again changes nothing.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from ciodispatch.training import services
from ciodispatch.training.models import Course, Enrolment, Track

# (title, description, has_assessment, pass_score)
PUBLIC_SECTOR_COURSES = (
    (
        "公共での仕事の進め方Ⅰ 自治体の予算と財政",
        "予算編成の年間スケジュール（要求・査定・議会議決）、補正予算、債務負担行為、"
        "地方交付税と特別交付税、国庫補助金の仕組みを学びます。新しい技術の費用を既存予算の"
        "見直しから捻出した佐賀県内の事例を題材に、予算要求書を作成する演習を行います。",
        True,
        70,
    ),
    (
        "公共での仕事の進め方Ⅱ 地方自治法・調達と契約",
        "地方自治法と条例・規則による意思決定、一般競争入札・プロポーザル・随意契約の使い分け、"
        "仕様書の書き方を学びます。ベンダー依存から抜け出すための調達の進め方を、"
        "実際の仕様書を読み解きながら考えます。",
        True,
        70,
    ),
    (
        "公共での仕事の進め方Ⅲ 議会・職員との協働",
        "議会答弁の準備と説明資料、首長・幹部との合意形成、部署の壁を越えた進め方、"
        "現場の職員と小さな成功を積み重ねる方法を、先進地の元CIO補佐官との対話形式で学びます。",
        False,
        None,
    ),
)
READINESS_COURSES = (
    (
        "外部人材活用研修 基礎編：CIOを迎える組織づくり",
        "首長・幹部・担当職員向け。外部CIOに指揮命令権限を与える実施体制、フォロワー"
        "（カウンターパート）となる職員の役割、任用形態（特別職非常勤職員・任期付職員・業務委託・"
        "副業）の選び方を学びます。受入れ要件の「研修修了」はこの研修の修了をもって満たします。",
        False,
        None,
    ),
    (
        "外部人材活用研修 実践編：共同要請と広域連携",
        "県と市町村が共同でCIOを迎える広域連携の進め方、要請書の書き方、着任後の行動計画と"
        "成果指標（KPI）の設定を、演習と確認テストで身につけます。",
        True,
        60,
    ),
)


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _session(course: Course, day: dt.date, *, online: bool, capacity: int):
    if online:
        return services.schedule_session(
            course,
            starts_at=_at(day, 13),
            ends_at=_at(day, 17),
            capacity=capacity,
            online=True,
            url="https://meet.example.jp/ciodispatch-training",
            actor=None,
        )
    return services.schedule_session(
        course,
        starts_at=_at(day, 10),
        ends_at=_at(day, 17),
        capacity=capacity,
        place="中央合同庁舎第8号館 共用会議室（東京都千代田区永田町）",
        actor=None,
    )


def _run_past_session(course: Course, day: dt.date, people: list, scores: list) -> int:
    """A session that took place: everyone came; results from ``scores``. Completions made."""
    session = _session(course, day, online=False, capacity=max(len(people), 1) + 10)
    return _results(session, people, scores)


def _results(session, people: list, scores: list) -> int:
    course = session.course
    completed = 0
    for person, score in zip(people, scores, strict=False):
        enrolment = services.enrol(session, person, actor=None)
        if score is None and course.has_assessment:
            services.record_attendance(enrolment, False, actor=None)
            continue
        services.record_attendance(enrolment, True, actor=None)
        result = services.record_completion(
            enrolment, score if course.has_assessment else None, actor=None
        )
        completed += result.state == Enrolment.State.COMPLETED
    return completed


def _past_people(people: list, index: int, course: Course) -> tuple[list, list]:
    """The first person has taken every course of their track so far; the second took the
    first course and (where assessed) fell short of the pass score."""
    past_people = people[:1] if index else people[:2]
    low = course.pass_score - 10 if course.has_assessment and course.pass_score else 75
    return past_people, [85, low][: len(past_people)]


@transaction.atomic
def load_training_demo(*, candidates: list, host_staff: list) -> list[str]:
    """Courses of both tracks, past sessions with results, upcoming sessions. Idempotent."""
    done: list[str] = []
    today = timezone.localdate()
    plans = [(Track.PUBLIC_SECTOR, PUBLIC_SECTOR_COURSES, candidates)] + [
        (Track.READINESS, READINESS_COURSES, host_staff)
    ]
    for track, courses, people in plans:
        for index, (title, description, assessed, pass_score) in enumerate(courses):
            if Course.objects.filter(track=track, title=title).exists():
                continue
            course = services.create_course(
                track=track,
                title=title,
                description=description,
                has_assessment=assessed,
                pass_score=pass_score,
                actor=None,
            )
            done.append(f"training course: {title}")
            past_people, past_scores = _past_people(people, index, course)
            completed = _run_past_session(
                course, today - dt.timedelta(days=60 - 7 * index), past_people, past_scores
            )
            done.append(f"training past session: {title} ({completed} completed)")
            soon = _session(
                course, today + dt.timedelta(days=21 + 7 * index), online=False, capacity=30
            )
            _session(course, today + dt.timedelta(days=49 + 7 * index), online=True, capacity=100)
            # Others have places in the next session.
            for person in people[1:3]:
                services.enrol(soon, person, actor=None)
            done.append(f"training upcoming sessions: {title} (2)")
    return done


@transaction.atomic
def join_public_sector_sessions(people: list) -> list[str]:
    """``people`` (candidates who passed screening, loaded after the courses) take the
    public-sector sessions of the training demo as ``load_training_demo`` would have had them:
    the first completes every course, the second fails the first; two hold places in the
    next sessions."""
    today = timezone.localdate()
    courses = Course.objects.filter(track=Track.PUBLIC_SECTOR).order_by("pk")
    completed = 0
    for index, course in enumerate(courses):
        past = course.sessions.filter(
            starts_at__date=today - dt.timedelta(days=60 - 7 * index), enrolments__isnull=True
        ).first()
        soon = course.sessions.filter(
            starts_at__date=today + dt.timedelta(days=21 + 7 * index), enrolments__isnull=True
        ).first()
        if past is None or soon is None:
            continue
        completed += _results(past, *_past_people(people, index, course))
        for person in people[1:3]:
            services.enrol(soon, person, actor=None)
    return [f"training: {completed} public-sector completions by candidates in training"]
