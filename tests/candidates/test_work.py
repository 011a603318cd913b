"""The work candidates' files create (candidates/work.py): each kind's count is what its
linked list shows, for the right people only."""

import datetime as dt
from contextlib import contextmanager
from unittest import mock

from django.utils import timezone

from ciodispatch.candidates import services
from ciodispatch.candidates.services import Decision
from ciodispatch.core.templatetags.jpdates import wareki
from ciodispatch.core.work import KINDS, Urgency
from tests.candidates.helpers import new_candidate, submitted_application
from tests.conftest import verified_client
from tests.matchround.helpers import certify, second_reviewer
from tests.work_lists import listed, task

REVIEW = r"/candidates/reviews/(\d+)/"
APPLICATION = r"/candidates/applications/(\d+)/"


def today():
    return timezone.localdate()


@contextmanager
def clock_at(when: dt.datetime):
    with mock.patch("django.utils.timezone.now", lambda: when):
        yield


def scored(app, reviewer, office):
    assignment = services.assign_reviewer(app, reviewer, actor=office)
    scores = {c.pk: (4, "良い") for c in app.review_round.criteria.all()}
    return services.submit_scores(assignment, actor=reviewer, scores=scores)


def test_a_reviewer_scores_the_files_assigned_to_them_under_screening(client, personas):
    office, reviewer = personas.office, personas.reviewer
    other = second_reviewer(personas)
    app1 = submitted_application(personas.candidate1)
    app2 = submitted_application(personas.candidate2)
    mine = services.assign_reviewer(app1, reviewer, actor=office)
    theirs = services.assign_reviewer(app1, other, actor=office)
    done = scored(app2, reviewer, office)

    found = task("candidates.score", reviewer, today())
    assert found.count == 1 and found.due is None
    verified_client(client, reviewer)
    assert listed(client, found.url, REVIEW) == [mine.pk]
    assert sorted(listed(client, "/candidates/reviews/", REVIEW)) == sorted([mine.pk, done.pk])
    verified_client(client, other)
    found = task("candidates.score", other, today())
    assert found.count == 1 and listed(client, found.url, REVIEW) == [theirs.pk]
    for person in (office, personas.candidate1, personas.host1):
        assert task("candidates.score", person, today()) is None

    # Once the office has decided, scoring is closed and the work is gone.
    services.submit_scores(
        theirs, actor=other, scores={c.pk: (3, "可") for c in app1.review_round.criteria.all()}
    )
    services.decide(app1, actor=office, decision=Decision.FAIL, reason="経験が不足")
    assert task("candidates.score", reviewer, today()) is None


def test_the_office_decides_scored_files_and_schedules_interviews(client, personas):
    office = personas.office
    reviewer = personas.reviewer
    screened = submitted_application(personas.candidate1)
    scored(screened, reviewer, office)
    unscored = submitted_application(personas.candidate2)
    services.assign_reviewer(unscored, reviewer, actor=office)
    to_meet = submitted_application(new_candidate("meet"))
    scored(to_meet, reviewer, office)
    services.decide(to_meet, actor=office, decision=Decision.INTERVIEW, reason="面接で確認")
    met = submitted_application(new_candidate("met"))
    scored(met, reviewer, office)
    services.decide(met, actor=office, decision=Decision.INTERVIEW, reason="面接で確認")
    # The interview was scheduled three days ago for yesterday: it is held.
    with clock_at(timezone.now() - dt.timedelta(days=3)):
        services.schedule_interview(
            met, actor=office, scheduled_at=timezone.now() + dt.timedelta(days=2), place="本庁"
        )

    client = verified_client(client, office)
    decide = task("candidates.decide", office, today())
    assert decide.count == 2
    assert sorted(listed(client, decide.url, APPLICATION)) == sorted([screened.pk, met.pk])
    interview = task("candidates.interview", office, today())
    assert interview.count == 1 and listed(client, interview.url, APPLICATION) == [to_meet.pk]

    services.schedule_interview(
        to_meet, actor=office, scheduled_at=timezone.now() + dt.timedelta(days=5), place="本庁"
    )
    assert task("candidates.interview", office, today()) is None
    assert task("candidates.decide", office, today()).count == 2
    for person in (reviewer, personas.candidate1, personas.host1, personas.pref1):
        assert task("candidates.decide", person, today()) is None
        assert task("candidates.interview", person, today()) is None


def certified_until(personas, user, monkeypatch, last_day: dt.date):
    """Certify ``user`` on the day that makes the certification end on ``last_day``."""
    years = services.settings.CERTIFICATION_VALID_YEARS
    start = last_day + dt.timedelta(days=1)
    start = start.replace(year=start.year - years)
    when = timezone.make_aware(dt.datetime.combine(start, dt.time(10)))
    with clock_at(when):
        app = certify(personas, user, monkeypatch, email=f"{user.username}@x.jp")
    assert app.certified_until == last_day
    return app


def test_a_certification_ending_within_60_days_is_work_for_its_cio_and_the_office(
    client, personas, monkeypatch
):
    soon = certified_until(personas, personas.candidate2, monkeypatch, today() + dt.timedelta(5))
    later = certified_until(
        personas, new_candidate("later"), monkeypatch, today() + dt.timedelta(29)
    )
    certified_until(personas, new_candidate("far"), monkeypatch, today() + dt.timedelta(61))
    certify(personas, personas.candidate1, monkeypatch)  # three years from today

    own = task("candidates.expiring", personas.candidate2, today())
    assert (own.count, own.due, own.urgency) == (1, soon.certified_until, Urgency.SOON)
    client.force_login(personas.candidate2)
    page = client.get(own.url)
    assert page.status_code == 200
    assert f"<dd>{wareki(soon.certified_until)}</dd>" in page.content.decode()
    other = task("candidates.expiring", later.user, today())
    assert (other.due, other.urgency) == (later.certified_until, Urgency.LATER)
    assert task("candidates.expiring", personas.candidate1, today()) is None

    office = task("candidates.renew", personas.office, today())
    assert (office.count, office.due, office.urgency) == (2, soon.certified_until, Urgency.SOON)
    client = verified_client(client, personas.office)
    assert sorted(listed(client, office.url, APPLICATION)) == sorted([soon.pk, later.pk])
    for person in (personas.reviewer, personas.host1, personas.candidate2):
        assert task("candidates.renew", person, today()) is None

    due = list(KINDS["candidates.expiring"].due_on(later.certified_until))
    assert [(d.user, d.pending.due) for d in due] == [(later.user, later.certified_until)]


def test_submitted_files_wait_for_the_office_to_assign_reviewers(client, personas):
    office = personas.office
    waiting = [submitted_application(new_candidate(f"new{i}")) for i in range(2)]
    screened = submitted_application(new_candidate("screened"))
    services.assign_reviewer(screened, personas.reviewer, actor=office)

    client = verified_client(client, office)
    assign = task("candidates.assign", office, today())
    assert assign.count == 2 and assign.due is None
    assert sorted(listed(client, assign.url, APPLICATION)) == sorted(a.pk for a in waiting)
    services.assign_reviewer(waiting[0], personas.reviewer, actor=office)
    assert task("candidates.assign", office, today()).count == 1
    for person in (personas.reviewer, personas.candidate1, personas.host1, personas.pref1):
        assert task("candidates.assign", person, today()) is None
