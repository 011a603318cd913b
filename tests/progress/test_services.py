import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from ciodispatch.audit.models import AuditEvent
from ciodispatch.progress import queries, services
from ciodispatch.progress.models import (
    ActionPlan,
    KPIMeasurement,
    MonthlyReport,
    PlanRevision,
    ReminderSent,
    SmallWin,
    first_of_month,
    next_month,
    plan_due,
    report_due,
    report_due_for,
)
from ciodispatch.progress.services import ProgressError
from tests.dispatches.helpers import dispatch_at, today
from tests.progress.helpers import kpi_of, plan_inputs, png_bytes, upload, write_plan, write_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def dispatch(personas, monkeypatch):
    return dispatch_at(personas, monkeypatch, "active", started_days_ago=40)


# --- the plan -----------------------------------------------------------------------------


def test_cio_writes_submits_and_revises_the_plan_with_history(dispatch, personas):
    cio = personas.candidate2
    plan = write_plan(dispatch, cio)
    assert plan.state == ActionPlan.State.SUBMITTED and plan.version == 1
    goals, milestones, people = plan_inputs(dispatch)
    with pytest.raises(ProgressError, match="what changed"):
        services.save_plan(
            dispatch, actor=cio, summary="改訂", goals=goals, milestones=milestones, people=people
        )
    kept = plan.milestones.first()
    milestones[0].id = kept.pk
    plan = services.save_plan(
        dispatch,
        actor=cio,
        summary="改訂版",
        goals=goals,
        milestones=milestones,
        people=people[:1],
        note="人員を見直し",
    )
    assert plan.version == 2
    assert list(PlanRevision.objects.filter(plan=plan).values_list("version", flat=True)) == [2, 1]
    assert (
        PlanRevision.objects.get(plan=plan, version=1).content["summary"]
        == "窓口DXと電子申請の拡大"
    )
    assert plan.milestones.filter(pk=kept.pk).exists()
    assert AuditEvent.objects.filter(
        action="progress.actionplan.revised", reason="人員を見直し"
    ).exists()


def test_plan_milestone_outside_the_term_is_refused(dispatch, personas):
    goals, milestones, people = plan_inputs(dispatch)
    milestones[1].due = dispatch.end_date + dt.timedelta(days=1)
    with pytest.raises(ProgressError, match="outside the term"):
        services.save_plan(
            dispatch,
            actor=personas.candidate2,
            summary="x",
            goals=goals,
            milestones=milestones,
            people=people,
        )
    assert not ActionPlan.objects.exists()


def test_plan_goal_needs_a_kpi_of_the_request(dispatch, personas):
    goals, milestones, people = plan_inputs(dispatch)
    goals[0].kpi_ids = []
    with pytest.raises(ProgressError, match="at least one of the request's KPIs"):
        services.save_plan(
            dispatch,
            actor=personas.candidate2,
            summary="x",
            goals=goals,
            milestones=milestones,
            people=people,
        )
    goals[0].kpi_ids = [999999]
    with pytest.raises(ProgressError, match="KPIs of this request"):
        services.save_plan(
            dispatch,
            actor=personas.candidate2,
            summary="x",
            goals=goals,
            milestones=milestones,
            people=people,
        )


def test_only_the_cio_writes_the_plan(dispatch, personas):
    goals, milestones, people = plan_inputs(dispatch)
    for user in (personas.host1, personas.office, personas.candidate1, personas.host2):
        with pytest.raises(PermissionDenied):
            services.save_plan(
                dispatch, actor=user, summary="x", goals=goals, milestones=milestones, people=people
            )


def test_a_milestone_with_progress_cannot_be_removed(dispatch, personas):
    cio = personas.candidate2
    write_plan(dispatch, cio)
    write_report(dispatch, cio)
    goals, milestones, people = plan_inputs(dispatch)
    with pytest.raises(ProgressError, match="has progress"):
        services.save_plan(
            dispatch,
            actor=cio,
            summary="x",
            goals=goals,
            milestones=milestones,
            people=people,
            note="全面改訂",
        )


# --- reports ------------------------------------------------------------------------------


def test_report_for_a_future_month_is_refused(dispatch, personas):
    write_plan(dispatch, personas.candidate2)
    future = next_month(first_of_month(today()))
    with pytest.raises(ProgressError, match="has not started yet"):
        write_report(dispatch, personas.candidate2, future)
    assert not MonthlyReport.objects.exists()


def test_report_for_a_month_before_the_term_is_refused(dispatch, personas):
    write_plan(dispatch, personas.candidate2)
    before = first_of_month(first_of_month(dispatch.started_on) - dt.timedelta(days=1))
    with pytest.raises(ProgressError, match="outside the term"):
        write_report(dispatch, personas.candidate2, before)


def test_report_month_after_the_term_end_is_refused(dispatch):
    after = next_month(first_of_month(dispatch.end_date))
    with pytest.raises(ProgressError, match="outside the term"):
        services.check_report_month(dispatch, after, today=after)


def test_one_report_per_month(dispatch, personas):
    write_plan(dispatch, personas.candidate2)
    write_report(dispatch, personas.candidate2)
    with pytest.raises(ProgressError, match="one report per month"):
        write_report(dispatch, personas.candidate2)
    assert MonthlyReport.objects.count() == 1


def test_report_on_a_finished_dispatch_is_refused(personas, monkeypatch):
    dispatch = dispatch_at(personas, monkeypatch, "completed", months=6)
    with pytest.raises(ProgressError, match="not running"):
        services.save_report(
            dispatch,
            actor=personas.candidate2,
            month=first_of_month(dispatch.started_on),
            progress=[],
        )


def test_report_needs_a_plan_and_help_needs_text(dispatch, personas):
    cio = personas.candidate2
    with pytest.raises(ProgressError, match="action plan first"):
        write_report(dispatch, cio)
    write_plan(dispatch, cio)
    with pytest.raises(ProgressError, match="help"):
        services.save_report(
            dispatch,
            actor=cio,
            month=first_of_month(dispatch.started_on),
            progress=[],
            help_needed=True,
            help_text=" ",
        )


def test_host_and_office_comment_the_cio_reads(
    dispatch, personas, mailoutbox, django_capture_on_commit_callbacks
):
    cio = personas.candidate2
    plan = write_plan(dispatch, cio)
    report = write_report(dispatch, cio, help_needed=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.comment(actor=personas.host1, body="議会説明の資料を共有します", report=report)
        services.comment(actor=personas.office, body="先行事例を送ります", report=report)
        services.comment(actor=personas.host1_head, body="承知しました", plan=plan)
    assert [c.side for c in report.comments.all()] == ["host", "office"]
    assert any("c2@x.jp" in m.to for m in mailoutbox)
    for user in (cio, personas.host2, personas.candidate1):
        with pytest.raises(PermissionDenied):
            services.comment(actor=user, body="x", report=report)


def test_a_draft_report_takes_no_comments(dispatch, personas):
    write_plan(dispatch, personas.candidate2)
    report = write_report(dispatch, personas.candidate2, submit=False)
    with pytest.raises(ProgressError, match="once the CIO has submitted"):
        services.comment(actor=personas.host1, body="x", report=report)


# --- overdue ------------------------------------------------------------------------------


def test_report_due_is_the_tenth_of_next_month():
    assert report_due(dt.date(2026, 4, 1)) == dt.date(2026, 5, 10)
    assert report_due(dt.date(2026, 12, 1)) == dt.date(2027, 1, 10)


def test_overdue_around_the_tenth_hand_checked(personas, monkeypatch):
    # A term starting on 1 May: the plan is due on 31 May, May's report on 10 June.
    start = dt.date(today().year - 1, 5, 1)
    dispatch = dispatch_at(
        personas, monkeypatch, "active", started_days_ago=(today() - start).days, months=24
    )
    assert plan_due(dispatch) == dt.date(start.year, 5, 31)
    assert report_due_for(dispatch, start) == dt.date(start.year, 6, 10)
    keys = [i.key for i in queries.overdue_items(dispatch, dt.date(start.year, 5, 31))]
    assert keys == []
    keys = [i.key for i in queries.overdue_items(dispatch, dt.date(start.year, 6, 1))]
    assert keys == ["plan"]
    keys = [i.key for i in queries.overdue_items(dispatch, dt.date(start.year, 6, 10))]
    assert keys == ["plan"]  # May's report: due on the 10th, not late yet
    keys = [i.key for i in queries.overdue_items(dispatch, dt.date(start.year, 6, 11))]
    assert keys == ["plan", f"report:{start:%Y-%m}"]
    # Filing clears them.
    write_plan(dispatch, personas.candidate2)
    write_report(dispatch, personas.candidate2, start)
    assert queries.overdue_items(dispatch, dt.date(start.year, 6, 11)) == []
    texts = queries.overdue_for(dispatch, dt.date(start.year, 7, 11))
    assert texts == [f"The monthly report for {start.year}-06 was due on {start.year}-07-10."]


def test_a_term_starting_mid_month_owes_its_first_report_after_its_plan(dispatch, personas):
    # Started 40 days ago, mid-month: the plan is due a month after the start, and the first
    # report (which needs the plan's milestones) ten days after that, not on the 10th before.
    first = first_of_month(dispatch.started_on)
    plan = plan_due(dispatch)
    assert report_due(first) <= plan < report_due_for(dispatch, first)
    assert report_due_for(dispatch, first) == plan + dt.timedelta(days=10)
    keys = [i.key for i in queries.overdue_items(dispatch, report_due(first) + dt.timedelta(1))]
    assert f"report:{first:%Y-%m}" not in keys
    late = report_due_for(dispatch, first) + dt.timedelta(days=1)
    assert f"report:{first:%Y-%m}" in [i.key for i in queries.overdue_items(dispatch, late)]


def test_a_draft_report_is_still_overdue(dispatch, personas):
    write_plan(dispatch, personas.candidate2)
    first = first_of_month(dispatch.started_on)
    write_report(dispatch, personas.candidate2, first, submit=False)
    late = report_due_for(dispatch, first) + dt.timedelta(days=1)
    assert f"report:{first:%Y-%m}" in [i.key for i in queries.overdue_items(dispatch, late)]


def test_reminders_are_sent_once_a_week_per_item(
    personas, monkeypatch, mailoutbox, django_capture_on_commit_callbacks
):
    # Started 100 days ago: the plan and three reports are late, and nothing new falls due
    # in the week tested.
    dispatch = dispatch_at(personas, monkeypatch, "active", started_days_ago=100)
    day = today()
    expected = len(queries.overdue_items(dispatch, day))
    assert expected >= 2
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        counts = services.send_reminders(today=day)
    assert counts == {"overdue": expected, "sent": expected, "skipped": 0}
    assert len({m.subject for m in mailoutbox}) == expected  # one message per address
    sent = len(mailoutbox)
    recipients = {address for m in mailoutbox for address in m.to}
    assert personas.host1.email in recipients and personas.office.email in recipients
    # The CIO has the deadline reminders of the work queue instead (no second mail).
    assert "c2@x.jp" not in recipients
    with django_capture_on_commit_callbacks(execute=True):
        again = services.send_reminders(today=day + dt.timedelta(days=6))
    assert again["sent"] == 0 and again["skipped"] == expected and len(mailoutbox) == sent
    with django_capture_on_commit_callbacks(execute=True):
        week = services.send_reminders(today=day + dt.timedelta(days=7))
    assert week["sent"] >= expected
    assert ReminderSent.objects.filter(item="plan").count() == 2


# --- small wins ---------------------------------------------------------------------------


def test_win_with_picture_is_reencoded_without_exif(dispatch, personas):
    from PIL import Image

    data = png_bytes(exif=True)
    assert b"CameraMaker" in data
    win = services.post_win(
        dispatch,
        actor=personas.host1,
        title="窓口の待ち時間が半分に",
        body="予約制とオンライン事前記入で待ち時間が半減。",
        picture=upload(data, "p.jpg", "image/jpeg"),
        picture_alt="窓口の様子",
    )
    stored = win.picture.open("rb").read()
    assert b"CameraMaker" not in stored
    with Image.open(win.picture.path) as image:
        assert image.format == "JPEG" and not image.getexif()
    assert win.picture_type == "image/jpeg" and win.state == SmallWin.State.POSTED


@pytest.mark.parametrize(
    ("data", "alt", "message"),
    [
        (b"%PDF-1.4 not an image", "説明", "PNG or JPEG"),
        (png_bytes(), "", "Describe the picture"),
        (b"\x89PNG\r\n\x1a\n" + b"0" * 64, "説明", "PNG or JPEG"),
        (
            b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;",
            "説明",
            "PNG or JPEG",
        ),
    ],
)
def test_win_picture_refusals(dispatch, personas, data, alt, message):
    with pytest.raises(ProgressError, match=message):
        services.post_win(
            dispatch,
            actor=personas.candidate2,
            title="t",
            body="b",
            picture=upload(data),
            picture_alt=alt,
        )
    assert not SmallWin.objects.exists()


def test_win_picture_too_big(dispatch, personas):
    big = upload(png_bytes() + b"0" * (5 * 1024 * 1024))
    with pytest.raises(ProgressError, match="larger than 5 MB"):
        services.post_win(
            dispatch, actor=personas.candidate2, title="t", body="b", picture=big, picture_alt="x"
        )


def test_win_text_limits(dispatch, personas):
    with pytest.raises(ProgressError, match="at most 80"):
        services.post_win(dispatch, actor=personas.candidate2, title="あ" * 81, body="b")
    with pytest.raises(ProgressError, match="at most 800"):
        services.post_win(dispatch, actor=personas.candidate2, title="t", body="あ" * 801)


def test_only_the_host_publishes_and_unpublishes(dispatch, personas):
    win = services.post_win(dispatch, actor=personas.candidate2, title="RPA研修に30名", body="b")
    for user in (personas.candidate2, personas.office, personas.host2):
        with pytest.raises(PermissionDenied):
            services.publish_win(win, actor=user)
    win = services.publish_win(win, actor=personas.host1)
    assert win.is_published and queries.published_wins(5) == [win]
    with pytest.raises(ProgressError, match="already published"):
        services.publish_win(win, actor=personas.host1)
    services.publish_win(win, actor=personas.host1_head, publish=False)
    assert queries.published_wins(5) == []
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"progress.smallwin.published", "progress.smallwin.posted"} <= actions


def test_no_win_on_a_finished_dispatch(personas, monkeypatch):
    dispatch = dispatch_at(personas, monkeypatch, "completed", months=6)
    with pytest.raises(ProgressError, match="not running"):
        services.post_win(dispatch, actor=personas.host1, title="t", body="b")


# --- KPI measurements ---------------------------------------------------------------------


def test_a_kpi_kept_at_its_level_is_reached_only_at_that_level():
    from ciodispatch.progress.queries import reached

    assert reached(Decimal(10), Decimal(10), Decimal(10))
    assert not reached(Decimal(10), Decimal(10), Decimal(15))
    assert reached(Decimal(10), Decimal(80), Decimal(80)) and reached(
        Decimal(100), Decimal(50), Decimal(40)
    )


@pytest.mark.parametrize("value", ["0e999999999999999999", "1.000", "12.50"])
def test_a_value_is_stored_as_kept_with_two_decimals(dispatch, personas, value):
    kpi = kpi_of(dispatch)
    m = services.record_measurement(
        dispatch, actor=personas.host1, kpi_id=kpi.pk, point="start", value=value,
        measured_on=dispatch.started_on,
    )  # fmt: skip
    m.refresh_from_db()
    assert m.value == Decimal(value) and m.value.as_tuple().exponent == -2


def test_measurement_recorded_and_corrected_with_reason(dispatch, personas):
    kpi = kpi_of(dispatch)
    start = dispatch.started_on
    m = services.record_measurement(
        dispatch,
        actor=personas.host1,
        kpi_id=kpi.pk,
        point="start",
        value="15",
        measured_on=start - dt.timedelta(days=20),
    )
    assert m.value == Decimal(15)
    with pytest.raises(ProgressError, match="reason"):
        services.record_measurement(
            dispatch,
            actor=personas.host1,
            kpi_id=kpi.pk,
            point="start",
            value="16",
            measured_on=start,
        )
    services.record_measurement(
        dispatch,
        actor=personas.candidate2,
        kpi_id=kpi.pk,
        point="start",
        value="16",
        measured_on=start,
        reason="集計漏れ",
    )
    assert KPIMeasurement.objects.get().value == Decimal(16)
    event = AuditEvent.objects.get(action="progress.kpimeasurement.corrected")
    assert event.reason == "集計漏れ" and event.changes["value"] == ["15.00", "16.00"]


@pytest.mark.parametrize(
    ("point", "days", "value", "message"),
    [
        ("mid", "future", "20", "in the future"),
        ("mid", -1, "20", "within the term"),
        ("start", -40, "20", "within the term"),
        ("mid", 0, "abc", "as a number"),
        ("mid", 0, "-3", "negative"),
        ("mid", 0, "1.234", "two decimals"),
        ("soon", 0, "1", "start, mid-term or end"),
    ],
)
def test_measurement_refusals(dispatch, personas, point, days, value, message):
    kpi = kpi_of(dispatch)
    day = (
        today() + dt.timedelta(days=1)
        if days == "future"
        else dispatch.started_on + dt.timedelta(days=days)
    )
    with pytest.raises(ProgressError, match=message):
        services.record_measurement(
            dispatch, actor=personas.host1, kpi_id=kpi.pk, point=point, value=value, measured_on=day
        )
    assert not KPIMeasurement.objects.exists()


def test_measurement_permissions_and_finished_dispatch(personas, monkeypatch):
    dispatch = dispatch_at(personas, monkeypatch, "completed", months=6)
    kpi = kpi_of(dispatch)
    with pytest.raises(PermissionDenied):
        services.record_measurement(
            dispatch,
            actor=personas.host2,
            kpi_id=kpi.pk,
            point="end",
            value="1",
            measured_on=dispatch.end_date,
        )
    with pytest.raises(ProgressError, match="only the end value"):
        services.record_measurement(
            dispatch,
            actor=personas.host1,
            kpi_id=kpi.pk,
            point="mid",
            value="1",
            measured_on=dispatch.end_date,
        )
    services.record_measurement(
        dispatch,
        actor=personas.host1,
        kpi_id=kpi.pk,
        point="end",
        value="85",
        measured_on=dispatch.end_date,
    )
    outcomes = queries.programme_outcomes()
    row = next(r for r in outcomes["rows"] if r["dispatch"].pk == dispatch.pk)
    assert row["reached"] == 1 and row["share"] == 100 and row["finished"]


def test_progress_ratio_handles_reductions():
    assert queries.progress_ratio(Decimal(12), Decimal(80), Decimal(46)) == Decimal("0.5")
    # Processing time from 30 days down to 10: 20 days is half way, 8 days is past the target.
    assert queries.progress_ratio(Decimal(30), Decimal(10), Decimal(20)) == Decimal("0.5")
    assert queries.reached(Decimal(30), Decimal(10), Decimal(8))
    assert not queries.reached(Decimal(30), Decimal(10), Decimal(11))
    assert queries.progress_ratio(Decimal(5), Decimal(5), Decimal(5)) is None


def test_programme_outcomes_distribution(dispatch, personas):
    kpi = kpi_of(dispatch)  # 12 → 80
    services.record_measurement(
        dispatch,
        actor=personas.host1,
        kpi_id=kpi.pk,
        point="start",
        value="46",
        measured_on=dispatch.started_on,
    )
    outcomes = queries.programme_outcomes()
    bands = {d["key"]: d["count"] for d in outcomes["distribution"]}
    assert bands["50-75"] == 1 and outcomes["kpis_reached"] == 0 and outcomes["kpis_measured"] == 1


def test_win_picture_with_too_many_pixels(dispatch, personas, monkeypatch):
    monkeypatch.setattr(services, "PICTURE_MAX_PIXELS", 100)
    with pytest.raises(ProgressError, match="too large in pixels"):
        services.post_win(
            dispatch,
            actor=personas.candidate2,
            title="t",
            body="b",
            picture=upload(png_bytes(size=(20, 20))),
            picture_alt="x",
        )


def test_overdue_on_literal_dates(dispatch):
    """A term from 2026-04-01 to 2027-03-31 (set on the object, nothing filed): the plan is due
    on 30 April, April's report on 10 May, May's on 10 June."""
    dispatch.started_on = dispatch.start_date = dt.date(2026, 4, 1)
    dispatch.end_date = dt.date(2027, 3, 31)

    def keys(day):
        return [i.key for i in queries.overdue_items(dispatch, day)]

    assert keys(dt.date(2026, 4, 30)) == []
    assert keys(dt.date(2026, 5, 1)) == ["plan"]
    assert keys(dt.date(2026, 5, 10)) == ["plan"]
    assert keys(dt.date(2026, 5, 11)) == ["plan", "report:2026-04"]
    assert keys(dt.date(2026, 6, 10)) == ["plan", "report:2026-04"]
    assert keys(dt.date(2026, 6, 11)) == ["plan", "report:2026-04", "report:2026-05"]
    assert queries.overdue_for(dispatch, dt.date(2026, 5, 11)) == [
        "The action plan was due on 2026-04-30.",
        "The monthly report for 2026-04 was due on 2026-05-10.",
    ]
