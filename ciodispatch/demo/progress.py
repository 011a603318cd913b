"""Demo progress for the dispatches that have started (after the dispatches demo): action
plans, monthly reports (some late or missing, so the overviews show overdue items), comments
from the hosts and the office, small wins (several published, some with a generated picture)
and KPI series (start for all, mid-term for those past half their term, end for the finished).

Everything is written through the services under the simulated clock, on the days it would
have happened. A dispatch that the dispatches demo ends (early or at its term) gets its
history from ``write_history`` just before it ends, while it is still running; the others get
theirs up to today from ``load_progress_demo``, which runs after the dispatches demo.
"""

import datetime as dt
import io
import random
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ciodispatch import policy
from ciodispatch.accounts.models import User
from ciodispatch.demo.clock import simulated_clock
from ciodispatch.dispatches.models import Dispatch
from ciodispatch.progress import services
from ciodispatch.progress.models import (
    ActionPlan,
    KPIMeasurement,
    first_of_month,
    next_month,
    plan_due,
    report_due_for,
)

GOALS = [
    "{kpi}を目標値まで改善し、住民サービスの向上を実感できる形で示す",
    "{kpi}の改善を通じて、職員が自ら業務改革を進める体制をつくる",
]
MILESTONES = [
    ("全庁業務の棚卸しと課題の見える化", "企画課"),
    ("標準準拠システム移行計画の確定", "情報政策係"),
    ("オンライン申請の第1弾公開（10手続）", "DX推進室"),
    ("窓口DX（書かない窓口）の試行開始", "市民課"),
    ("RPAによる定型業務の自動化（3業務）", "総務課"),
    ("全職員向けDX研修の実施", "人事係"),
]
PEOPLE = [
    ("田中 美咲", "企画課 主査", "follower"),
    ("小川 健太", "情報政策係 主任", "follower"),
    ("中島 由紀", "市民課 窓口担当", "field"),
    ("松尾 大輔", "税務課 係長", "field"),
]
BLOCKERS = [
    "ベンダーとの契約変更協議に時間がかかっている。",
    "現場から「前例がない」「人手が足りない」という声があり、まず小さく試して見せることにした。",
    "標準仕様書との差分（カスタマイズ）の整理が想定より多い。",
    "",
    "",
]
HELP = [
    "他自治体の標準化移行での契約変更の事例を紹介してほしい。",
    "オンライン申請の本人確認（マイナンバーカード連携）の先行事例を知りたい。",
]
HOST_COMMENTS = [
    "計画の方向性に賛成です。議会説明用に1枚にまとめた資料もお願いします。",
    "現場の声を丁寧に拾っていただきありがとうございます。次回の庁議で共有します。",
    "窓口の試行は年度内に拡大したいので、市民課との調整を進めます。",
]
OFFICE_COMMENTS = [
    "事務局から先行事例（同規模自治体2件）を共有しました。来週のオンライン相談会もご活用ください。",
    "ご相談の件、標準化PMOにつなぎます。",
]
WINS = [
    (
        "電子申請で子育て手続が24時間可能に",
        "児童手当の現況届など6手続をオンライン化。初月で2割が電子申請となり、窓口の待ち時間も短くなった。",
    ),
    (
        "「書かない窓口」を市民課で試行",
        "申請書を職員が聞き取りで作成する方式を試行。来庁者アンケートで9割が「わかりやすい」と回答。",
    ),
    (
        "RPAで税務課の入力作業を月40時間削減",
        "現場の係長が自ら業務を選び、シナリオ作成まで担当。「できない理由」より「やってみよう」が増えた。",
    ),
    (
        "若手職員のDX勉強会が自主開催に",
        "CIOの研修をきっかけに、若手職員が月1回の勉強会を自主的に開くようになった。",
    ),
    (
        "紙の回覧をチャットに置き換え",
        "庁内の回覧文書をビジネスチャットに移行し、決裁までの日数が平均3日短縮した。",
    ),
]


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    """10:00 on ``day``, or a moment ago when that is still to come today (no record is dated
    in the future, whatever the time the demo is loaded)."""
    moment = dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())
    # The real time: timezone.now() is the simulated clock's while the demo writes.
    return min(moment, dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5))


def _after(clock, when: dt.datetime) -> None:
    """Move the clock to ``when``, never back: a comment is never dated before what it is on
    (on a dispatch's last day, the report and the comment on it are written the same day)."""
    clock.set(max(when, clock.current))


def _host_actor(dispatch: Dispatch) -> User | None:
    request = dispatch.request
    for user in (request.liaison, request.filed_by):
        if user is not None and policy.can(user, policy.Action.PUBLISH_SMALL_WIN, dispatch):
            return user
    return None


def picture(seed: int) -> SimpleUploadedFile:
    """A small generated PNG (a bar chart in the programme's colours), never a download."""
    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    image = Image.new("RGB", (480, 270), (245, 247, 250))
    draw = ImageDraw.Draw(image)
    for i in range(6):
        height = rng.randint(40, 220)
        draw.rectangle([30 + i * 75, 250 - height, 85 + i * 75, 250], fill=(0, 49, 216))
    draw.line([20, 250, 460, 250], fill=(26, 26, 26), width=3)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return SimpleUploadedFile(f"win-{seed}.png", out.getvalue(), content_type="image/png")


def _value(kpi, ratio: float) -> Decimal:
    value = kpi.baseline + (kpi.target - kpi.baseline) * Decimal(str(round(ratio, 3)))
    whole = kpi.baseline == kpi.baseline.to_integral() and kpi.target == kpi.target.to_integral()
    value = value.quantize(Decimal(1) if whole else Decimal("0.01"))
    return max(value, Decimal(0))


def _counts() -> dict[str, int]:
    return {"plans": 0, "reports": 0, "late": 0, "wins": 0, "published": 0, "kpis": 0}


def _summary(counts: dict[str, int]) -> str:
    return (
        f"progress: {counts['plans']} action plans, {counts['reports']} monthly reports "
        f"({counts['late']} overdue), {counts['wins']} small wins ({counts['published']} "
        f"published), {counts['kpis']} KPI values"
    )


def write_history(
    dispatch: Dispatch, *, office: User, last_day: dt.date, counts: dict[str, int] | None = None
) -> dict[str, int]:
    """The plan, reports, wins and KPI values of a running dispatch that ends on ``last_day``
    (called by the dispatches demo just before it ends it); the end KPI value is recorded."""
    counts = counts if counts is not None else _counts()
    host = _host_actor(dispatch)
    if host is not None:
        _one(dispatch, dispatch.pk, host, office, last_day, counts, late=False, ends=last_day)
    return counts


def load_progress_demo(*, office: User, demo_cio: str | None = None) -> list[str]:
    """The history up to today of every running dispatch that has none yet. The dispatch of
    the login ``demo_cio`` has every report filed but the one due next (still to file) and,
    on its latest report, a question from the office that its host has not answered yet."""
    today = timezone.localdate()
    dispatches = list(
        Dispatch.objects.filter(started_on__isnull=False)
        .select_related("request__host", "application__user")
        .order_by("pk")
    )
    if not dispatches:
        return ["progress: no dispatch has started yet"]
    written = set(ActionPlan.objects.values_list("dispatch_id", flat=True))
    running = [d for d in dispatches if d.is_running and d.pk not in written]
    if not running:
        return ["progress: already loaded"]
    counts = _counts()
    for index, dispatch in enumerate(running):
        host = _host_actor(dispatch)
        if host is None:
            continue
        if dispatch.application.user.username == demo_cio:
            _one(dispatch, index, host, office, today, counts, late=False, file_newest=False)
            _office_question(dispatch, office, today)
        else:
            _one(dispatch, index, host, office, today, counts, late=index % 3 == 1)
    return [_summary(counts)]


def _office_question(dispatch: Dispatch, office: User, today: dt.date) -> None:
    """The office asks the host a question on the latest submitted report (unanswered)."""
    report = dispatch.reports.filter(state="submitted").order_by("-month").first()
    if report is None:
        return
    last = report.comments.order_by("-created_at").first()
    after = timezone.localtime(last.created_at if last else report.submitted_at).date()
    with simulated_clock(_at(min(after + dt.timedelta(days=2), today))):
        services.comment(
            actor=office,
            body=f"{dispatch.host_name}ご担当者様：報告にある基幹業務システムの契約変更協議について、"
            "市として来年度予算でどう対応するご予定か、時期と金額の見込みをお知らせください。",
            report=report,
        )


def _one(
    dispatch, index, host, office, today, counts, *, late: bool, ends=None, file_newest=None
) -> None:
    """Write one dispatch's history up to ``today`` (for a dispatch about to end, ``ends``:
    its last day, when the end KPI value is taken). ``late``: the latest report due is
    missing; ``file_newest``: whether the report due next is written (by default, for every
    other dispatch)."""
    rng = random.Random(dispatch.pk)
    cio = dispatch.application.user
    start = dispatch.started_on
    end = ends or dispatch.term_end
    last_day = min(end, today)
    kpis = list(dispatch.request.kpis.all())
    term_days = (end - start).days
    with simulated_clock(_at(start + dt.timedelta(days=10 + index % 15))) as clock:
        # The plan, in the first month (one in four a little late).
        filed = start + dt.timedelta(days=12 + index % 10 + (25 if index % 4 == 3 else 0))
        filed = min(filed, last_day)
        clock.set(_at(filed))
        milestones = [
            services.MilestoneInput(
                title, start + dt.timedelta(days=term_days * (i + 1) // 7), lead
            )
            for i, (title, lead) in enumerate(rng.sample(MILESTONES, 4))
        ]
        milestones.sort(key=lambda m: m.due or start)
        goals = [
            services.GoalInput(GOALS[i % len(GOALS)].format(kpi=kpi.name), [kpi.pk])
            for i, kpi in enumerate(kpis)
        ]
        plan = services.save_plan(
            dispatch,
            actor=cio,
            summary="着任後の聞き取りで見えた課題をもとに、標準化移行を軸に窓口DXとオンライン申請を"
            "進め、職員研修とRPAで現場が自ら改善を続けられる体制をつくる。小さな成功を積み重ね、"
            "庁内外に発信する。",
            goals=goals,
            milestones=milestones,
            people=[services.PersonInput(*p) for p in rng.sample(PEOPLE, 3)],
        )
        plan = services.submit_plan(plan, actor=cio)
        counts["plans"] += 1
        _after(clock, _at(min(filed + dt.timedelta(days=3), last_day)))
        services.comment(actor=host, body=rng.choice(HOST_COMMENTS), plan=plan)
        due = plan_due(dispatch)
        if due and filed > due:
            clock.set(_at(filed + dt.timedelta(days=30)))
            plan = services.save_plan(
                dispatch,
                actor=cio,
                summary=plan.summary,
                goals=goals,
                milestones=[
                    services.MilestoneInput(m.title, m.due, m.lead, m.pk)
                    for m in plan.milestones.all()
                ],
                people=[services.PersonInput(*p) for p in PEOPLE[:3]],
                note="庁議での意見を受け、現場担当者を計画に加えた。",
            )
        # Monthly reports, around the 5th of the next month.
        months = []
        month = first_of_month(start)
        while month <= first_of_month(last_day):
            months.append(month)
            month = next_month(month)
        milestone_rows = list(plan.milestones.all())
        overdue = [m for m in months if report_due_for(dispatch, m) < today]
        if file_newest is None:
            file_newest = index % 2 != 0
        for n, month in enumerate(months):
            due = report_due_for(dispatch, month)
            written = min(due - dt.timedelta(days=5 - n % 4), today)
            if written <= month or written > today:
                continue
            if ends is None and next_month(month) > today:
                continue  # this month is not over: nothing to report yet
            newest = n == len(months) - 1 or due > today
            if late and overdue and month == overdue[-1]:
                counts["late"] += 1  # the latest report due is missing
                continue
            if not file_newest and (newest or next_month(next_month(month)) > today):
                continue  # the report due next (last month's): not written yet
            clock.set(_at(written))
            progress = []
            for m in milestone_rows:
                if m.due < month:
                    status = "done" if rng.random() < 0.8 else "delayed"
                elif m.due < next_month(next_month(month)):
                    status = rng.choice(["on_track", "on_track", "delayed"])
                else:
                    status = "not_started" if n < 2 else "on_track"
                progress.append(services.ProgressInput(m.pk, status, ""))
            help_needed = rng.random() < 0.15
            report = services.save_report(
                dispatch,
                actor=cio,
                month=month,
                progress=progress,
                blockers=rng.choice(BLOCKERS),
                help_needed=help_needed,
                help_text=rng.choice(HELP) if help_needed else "",
            )
            if newest and index % 5 == 1:
                continue  # left as a draft
            report = services.submit_report(report, actor=cio)
            counts["reports"] += 1
            if rng.random() < 0.4:
                _after(clock, _at(min(written + dt.timedelta(days=2), last_day)))
                services.comment(actor=host, body=rng.choice(HOST_COMMENTS), report=report)
            if help_needed:
                _after(clock, _at(min(written + dt.timedelta(days=3), last_day)))
                services.comment(actor=office, body=rng.choice(OFFICE_COMMENTS), report=report)
        # Small wins.
        for w in range(1 + index % 3):
            posted = start + dt.timedelta(
                days=min(45 + 50 * w + index % 20, max((last_day - start).days - 1, 0))
            )
            clock.set(_at(posted))
            title, body = WINS[(index + w) % len(WINS)]
            with_picture = (index + w) % 3 == 0
            win = services.post_win(
                dispatch,
                actor=cio if w % 2 == 0 else host,
                title=title,
                body=body,
                picture=picture(dispatch.pk * 10 + w) if with_picture else None,
                picture_alt="取組の成果を示す棒グラフ" if with_picture else "",
            )
            counts["wins"] += 1
            if (index + w) % 2 == 0:
                _after(clock, _at(min(posted + dt.timedelta(days=2), last_day)))
                services.publish_win(win, actor=host)
                counts["published"] += 1
        # KPIs: start for all, mid for those past half their term, end for the finished.
        half = start + dt.timedelta(days=term_days // 2)
        skill = 0.7 + rng.random() * 0.6
        points = [("start", start, 0.05 * rng.random())]
        if half <= today:
            points.append(("mid", half, 0.5 * skill))
        if ends is not None:
            # Ending before the planned end, a dispatch reaches less of its targets.
            early = ends < (dispatch.end_date or ends)
            points.append(("end", ends, skill * (0.6 if early else 1.0)))
        for point, day, ratio in points:
            clock.set(_at(min(day, today)))
            for kpi in kpis:
                services.record_measurement(
                    dispatch,
                    actor=host,
                    kpi_id=kpi.pk,
                    point=point,
                    value=_value(kpi, ratio),
                    measured_on=min(day, today),
                    note="庁内集計による" if point != "start" else "着任時点",
                )
                counts["kpis"] += 1
    assert KPIMeasurement.objects.filter(dispatch=dispatch).count() == len(points) * len(kpis)
