"""The work progress gives people (progress/work.py): the CIO's plan and reports, due and
overdue, by the deadlines of progress/models.py; the office's overdue dispatches and help
requests. Each count is the number of items its link shows, for the right people only."""

import datetime as dt
import re

import pytest

from ciodispatch.core.work import KINDS, urgency_of
from ciodispatch.progress import queries, services
from ciodispatch.progress.models import plan_due, report_due_for
from tests.conftest import verified_client
from tests.dispatches.helpers import dispatch_at, today
from tests.progress.helpers import write_plan, write_report

pytestmark = pytest.mark.django_db

FORM_LINK = r'href="(/progress/dispatches/\d+/(?:plan|report)/[^"]*)"'


def task(key, user):
    return KINDS[key].task_for(user, today())


def page(client, user, url) -> str:
    response = verified_client(client, user).get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def listed_forms(client, user, url) -> list[str]:
    """The plans and reports the CIO's filtered list shows (links to their forms)."""
    html = page(client, user, url)
    table = html.split('id="todo-table"', 1)[1].split("</table>", 1)[0]
    return [link.replace("&amp;", "&") for link in re.findall(FORM_LINK, table)]


def test_the_action_plan_waits_for_its_cio_until_submitted(personas, monkeypatch, client):
    dispatch = dispatch_at(personas, monkeypatch, "active", started_days_ago=10)
    found = task("progress.plan", personas.candidate2)
    due = plan_due(dispatch)
    assert found.count == 1 and found.due == due and found.urgency == urgency_of(due, today())
    # One plan: the link is its form.
    assert found.url == f"/progress/dispatches/{dispatch.pk}/plan/"
    page(client, personas.candidate2, found.url)
    assert listed_forms(client, personas.candidate2, "/progress/mine/?todo=plan") == [found.url]
    for user in (personas.candidate1, personas.host1, personas.office):
        assert task("progress.plan", user) is None
    reminded = KINDS["progress.plan"].due_on(due)
    assert [d.user for d in reminded] == [personas.candidate2]
    assert dispatch.host_name in reminded[0].detail
    write_plan(dispatch, personas.candidate2)
    assert task("progress.plan", personas.candidate2) is None
    assert KINDS["progress.plan"].due_on(due) == []


def test_monthly_reports_due_and_overdue_by_the_rule_of_the_overdue_items(
    personas, monkeypatch, client
):
    dispatch = dispatch_at(personas, monkeypatch, "active", started_days_ago=100)
    write_plan(dispatch, personas.candidate2)
    now = today()
    months = queries.term_months(dispatch, now)
    late = [m for m in months if now > report_due_for(dispatch, m)]
    open_ = [m for m in months if m not in late]
    assert late and open_
    # The same items as the dispatch's overdue list (the rule is written once).
    assert [f"report:{m:%Y-%m}" for m in late] == [
        item.key for item in queries.overdue_items(dispatch, now)
    ]

    def check(key, todo, expected):
        found = task(key, personas.candidate2)
        assert found.count == len(expected)
        assert found.due == min(report_due_for(dispatch, m) for m in expected)
        forms = listed_forms(client, personas.candidate2, f"/progress/mine/?todo={todo}")
        assert forms == [
            f"/progress/dispatches/{dispatch.pk}/report/?month={m:%Y-%m}"
            for m in sorted(expected, key=lambda m: report_due_for(dispatch, m))
        ]
        assert found.url == (forms[0] if len(forms) == 1 else f"/progress/mine/?todo={todo}")
        return found

    assert check("progress.report_overdue", "overdue", late).urgency.value == "overdue"
    check("progress.report_due", "reports", open_)
    for user in (personas.candidate1, personas.host1, personas.host1_head, personas.office):
        assert task("progress.report_due", user) is None
        assert task("progress.report_overdue", user) is None

    # The office follows the dispatch with something late: the section of its page.
    office = task("progress.overdue", personas.office)
    assert office.count == 1 == len(queries.overdue_dispatch_ids(personas.office, now))
    assert office.due == report_due_for(dispatch, late[0])
    html = page(client, personas.office, office.url)
    section = html.split('id="overdue-title"', 1)[1].split("</section>", 1)[0]
    assert re.findall(r'href="/progress/dispatches/(\d+)/"', section) == [str(dispatch.pk)]
    assert task("progress.overdue", personas.host1) is None

    for month in late:
        write_report(dispatch, personas.candidate2, month)
    assert task("progress.report_overdue", personas.candidate2) is None
    assert task("progress.overdue", personas.office) is None
    due = report_due_for(dispatch, open_[0])
    reminded = KINDS["progress.report_due"].due_on(due)
    assert [(d.user, d.pending.due) for d in reminded] == [(personas.candidate2, due)]
    assert f"{open_[0]:%Y-%m}" in reminded[0].detail


def test_help_asked_of_the_office_waits_for_its_answer(personas, monkeypatch, client):
    dispatch = dispatch_at(personas, monkeypatch, "active", started_days_ago=70)
    write_plan(dispatch, personas.candidate2)
    report = write_report(dispatch, personas.candidate2, help_needed=True)
    write_report(dispatch, personas.candidate2, queries.term_months(dispatch, today())[1])
    found = task("progress.help", personas.office)
    assert found.count == 1 and found.due is None
    html = page(client, personas.office, found.url)
    listed = html.split('id="help-list"', 1)[1].split("</ul>", 1)[0]
    assert re.findall(r'href="/progress/reports/(\d+)/"', listed) == [str(report.pk)]
    for user in (personas.host1, personas.candidate2, personas.reviewer):
        assert task("progress.help", user) is None
    services.comment(actor=personas.host1, body="確認しました", report=report)
    assert task("progress.help", personas.office).count == 1
    services.comment(actor=personas.office, body="事例を紹介します", report=report)
    assert task("progress.help", personas.office) is None


def test_counting_reads_a_fixed_number_of_queries(
    personas, monkeypatch, django_assert_max_num_queries
):
    for year in range(3):
        dispatch_at(personas, monkeypatch, "active", started_days_ago=100, fiscal_year=2030 + year)
    with django_assert_max_num_queries(2):
        assert task("progress.overdue", personas.office).count == 3
    with django_assert_max_num_queries(2):
        assert task("progress.report_overdue", personas.candidate2).count >= 1


def test_the_offices_comment_on_a_report_waits_for_the_host_side_to_answer(
    personas, monkeypatch, client
):
    dispatch = dispatch_at(personas, monkeypatch, "active", started_days_ago=100)
    write_plan(dispatch, personas.candidate2)
    first = write_report(dispatch, personas.candidate2)
    month = first.month.replace(day=28) + dt.timedelta(days=4)
    second = write_report(dispatch, personas.candidate2, month.replace(day=1))
    assert task("progress.questions", personas.host1) is None

    # The office asks about the first report: one report to answer, its page is the link.
    services.comment(actor=personas.office, body="KPIの根拠を教えてください", report=first)
    one = task("progress.questions", personas.host1)
    assert (one.count, one.url, one.due) == (1, f"/progress/reports/{first.pk}/", None)
    assert "KPIの根拠" in page(client, personas.host1, one.url)
    assert task("progress.questions", personas.host1_head).count == 1

    # A second: the link lists both reports; the office sees no such work, nor other hosts.
    services.comment(actor=personas.office, body="予算の見通しは？", report=second)
    both = task("progress.questions", personas.host1)
    assert both.count == 2 and both.url == "/progress/mine/?questions=1"
    links = re.findall(r'href="/progress/reports/(\d+)/"', page(client, personas.host1, both.url))
    assert sorted(map(int, links)) == sorted([first.pk, second.pk])
    for person in (personas.office, personas.host2, personas.candidate2, personas.pref1):
        assert task("progress.questions", person) is None

    # host1 answers on the first report's page: only the second is left.
    services.comment(actor=personas.host1, body="議会資料を添付します", report=first)
    left = task("progress.questions", personas.host1)
    assert (left.count, left.url) == (1, f"/progress/reports/{second.pk}/")
