"""The work queue's engine (core/work.py): urgency, order, a kind declared once."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser

from ciodispatch.core import work
from ciodispatch.core.work import Pending, Urgency, urgency_of

TODAY = dt.date(2027, 2, 10)


def test_urgency_by_due_date():
    assert urgency_of(None, TODAY) is Urgency.LATER
    assert urgency_of(TODAY - dt.timedelta(days=1), TODAY) is Urgency.OVERDUE
    assert urgency_of(TODAY, TODAY) is Urgency.SOON
    assert urgency_of(TODAY + dt.timedelta(days=7), TODAY) is Urgency.SOON
    assert urgency_of(TODAY + dt.timedelta(days=8), TODAY) is Urgency.LATER


@pytest.fixture
def kinds(monkeypatch):
    monkeypatch.setattr(work, "KINDS", {})
    return work.KINDS


class User:
    is_authenticated = True


def test_tasks_are_ordered_by_urgency_then_due_date_and_empty_work_is_left_out(kinds):
    answers = {
        "a.later": Pending(2, "/a/", None),
        "a.soon": Pending(1, "/b/", TODAY + dt.timedelta(days=3)),
        "a.sooner": Pending(4, "/c/", TODAY + dt.timedelta(days=1)),
        "a.overdue": Pending(1, "/d/", TODAY - dt.timedelta(days=2)),
        "a.none": Pending(0, "/e/", TODAY),
    }
    for key, answer in answers.items():
        work.kind(key, title=key, area="a")(lambda user, today, answer=answer: answer)
    work.kind("b.hidden", title="hidden", area="b")(lambda user, today: None)

    tasks = work.tasks_for(User(), TODAY)
    assert [task.kind for task in tasks] == ["a.overdue", "a.sooner", "a.soon", "a.later"]
    assert tasks[0].as_json() == {
        "kind": "a.overdue",
        "title": "a.overdue",
        "count": 1,
        "url": "/d/",
        "due": "2027-02-08",
        "urgency": "overdue",
    }
    assert work.counts_by_area(tasks) == {"a": 8}
    assert work.tasks_for(AnonymousUser(), TODAY) == []


def test_a_kind_is_declared_once_and_its_area_is_its_app(kinds):
    def pending(user, today):
        return None

    pending.__module__ = "ciodispatch.requests.work"
    work.kind("requests.sign", title="Sign")(pending)
    assert kinds["requests.sign"].area == "requests"
    with pytest.raises(ValueError, match="requests.sign"):
        work.kind("requests.sign", title="Sign")(pending)


def test_a_kind_with_deadlines_says_who_has_work_due_on_a_day(kinds):
    @work.kind("x.due", title="Due", area="x")
    def pending(user, today):
        return Pending(1, "/x/", today)

    @pending.due_on
    def due(day):
        return [work.Due(user="someone", pending=Pending(1, "/x/", day))]

    assert list(kinds["x.due"].due_on(TODAY))[0].pending.due == TODAY
