"""The reminder job: each reminder once, 7 days and 1 day before a deadline and on the day
after it, whatever the day's runs; in the recipient's language, with a link to the page."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from ciodispatch.core import work
from ciodispatch.notices import reminders
from ciodispatch.notices.models import DeadlineReminder, MailLanguage, Notice, NoticePreference

pytestmark = pytest.mark.django_db

DEADLINE = dt.date(2027, 2, 10)


@pytest.fixture
def deadlines(monkeypatch, personas):
    """Test kinds of work in place of the apps': host1 and host2 owe a report on DEADLINE;
    a kind without due dates is skipped."""
    monkeypatch.setattr(work, "KINDS", {})

    @work.kind(
        "tests.report", title=_("Monthly report"), reminder=_("Monthly report"), area="tests"
    )
    def pending(user, today):
        return work.Pending(1, "/progress/reports/7/", DEADLINE)

    @pending.due_on
    def due_on(day):
        if day != DEADLINE:
            return []
        return [
            work.Due(personas.host1, work.Pending(1, "/progress/reports/7/", day), "多久市"),
            work.Due(personas.host2, work.Pending(2, "/progress/reports/8/", day)),
        ]

    work.kind("tests.no_deadline", title="No deadline", area="tests")(lambda user, today: None)
    return work.KINDS


def run(day):
    out = io.StringIO()
    call_command("send_deadline_reminders", "--date", day.isoformat(), stdout=out)
    return out.getvalue()


def test_reminders_at_7_days_1_day_and_the_day_after_each_once(
    deadlines, personas, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for offset in range(-10, 4):  # every day around the deadline, each run twice
            day = DEADLINE + dt.timedelta(days=offset)
            run(day)
            run(day)
    stages = sorted(DeadlineReminder.objects.values_list("user__username", "stage", "due_on"))
    assert stages == sorted(
        (user, stage, DEADLINE)
        for user in ("host1", "host2")
        for stage in ("week_before", "day_before", "overdue")
    )
    kinds = Notice.objects.filter(recipient=personas.host1).values_list("kind", flat=True)
    assert sorted(kinds) == ["notices.due_in_7_days", "notices.due_tomorrow", "notices.overdue"]
    # One mail per person and stage, on the days of the stages only.
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        ["host1@example.jp"] * 3 + ["host2@example.jp"] * 3
    )
    assert len({(m.to[0], m.subject) for m in mailoutbox}) == 6


def test_nothing_on_other_days(deadlines, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for offset in (-8, -6, -2, 0, 2, 3):
            assert "reminders sent 0, already sent 0" in run(DEADLINE + dt.timedelta(days=offset))
    assert not DeadlineReminder.objects.exists() and not Notice.objects.exists()
    assert mailoutbox == []


def test_the_second_run_of_the_day_sends_nothing_and_says_so(deadlines):
    assert "reminders sent 2, already sent 0" in run(DEADLINE - dt.timedelta(days=1))
    assert "reminders sent 0, already sent 2" in run(DEADLINE - dt.timedelta(days=1))
    assert Notice.objects.count() == 2


def test_a_second_writer_at_the_same_moment_fails_on_the_constraint_and_sends_nothing(
    deadlines, monkeypatch, mailoutbox, django_capture_on_commit_callbacks
):
    """Two machines both look before either inserts: the constraint lets one through."""
    monkeypatch.setattr(reminders, "_recorded", lambda *args: False)
    day = DEADLINE + dt.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        first = reminders.send_deadline_reminders(today=day)
        second = reminders.send_deadline_reminders(today=day)
    assert first == {"sent": 2, "skipped": 0} and second == {"sent": 0, "skipped": 2}
    assert Notice.objects.count() == 2 and len(mailoutbox) == 2


def test_the_clock_decides_the_day_without_a_date(deadlines, monkeypatch):
    frozen = DEADLINE - dt.timedelta(days=7)
    monkeypatch.setattr(reminders.timezone, "localdate", lambda: frozen)
    call_command("send_deadline_reminders", stdout=io.StringIO())
    call_command("send_deadline_reminders", stdout=io.StringIO())
    assert set(DeadlineReminder.objects.values_list("stage", flat=True)) == {"week_before"}
    assert DeadlineReminder.objects.count() == 2


def test_the_mail_is_in_the_recipients_language_with_the_link_and_the_date(
    deadlines, personas, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://cio.example.jp"
    MailLanguage.objects.create(user=personas.host2, language="en")
    with django_capture_on_commit_callbacks(execute=True):
        run(DEADLINE - dt.timedelta(days=1))
    mails = {m.to[0]: m for m in mailoutbox}
    japanese, english = mails["host1@example.jp"], mails["host2@example.jp"]
    assert japanese.subject == "【認定CIO派遣】明日が期限です"
    assert "2027年2月10日" in japanese.body and "多久市" in japanese.body
    assert "https://cio.example.jp/progress/reports/7/" in japanese.body
    assert english.subject == "[CIO Dispatch] A deadline tomorrow"
    assert english.body.startswith("Due tomorrow, 10 February 2027 (Reiwa 9): Monthly report.")
    assert "https://cio.example.jp/progress/reports/8/" in english.body
    notice = Notice.objects.get(recipient=personas.host1)
    assert notice.url == "/progress/reports/7/"
    with translation.override("en"):
        assert notice.text == "Due tomorrow, 10 February 2027 (Reiwa 9): Monthly report (多久市)."


def test_a_reminder_turned_off_comes_as_a_notice_only(
    deadlines, personas, mailoutbox, django_capture_on_commit_callbacks
):
    NoticePreference.objects.create(user=personas.host1, kind="notices.overdue", mail=False)
    with django_capture_on_commit_callbacks(execute=True):
        run(DEADLINE + dt.timedelta(days=1))
    assert [m.to[0] for m in mailoutbox] == ["host2@example.jp"]
    assert Notice.objects.filter(recipient=personas.host1, kind="notices.overdue").exists()


@pytest.mark.django_db(transaction=True)
def test_two_machines_at_the_same_moment_send_each_reminder_once(deadlines, monkeypatch):
    """Two runs on their own connections, both past the look before either inserts (no job
    lock between them): PostgreSQL holds the second insert until the first commits, then
    refuses it."""
    import threading

    from django.core import mail
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need a database server")
    both_looked = threading.Barrier(2, timeout=30)

    def recorded(*args):
        both_looked.wait()
        return False

    monkeypatch.setattr(reminders, "_recorded", recorded)
    mail.outbox = []
    results = []

    def machine():
        try:
            results.append(reminders.send_deadline_reminders(today=DEADLINE - dt.timedelta(days=7)))
        finally:
            connection.close()

    threads = [threading.Thread(target=machine) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(results) == 2
    assert sum(r["sent"] for r in results) == 2 and sum(r["skipped"] for r in results) == 2
    assert DeadlineReminder.objects.count() == 2 and Notice.objects.count() == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["host1@example.jp", "host2@example.jp"]
