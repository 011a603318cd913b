"""A reviewer signs in with two-factor authentication and scores an assigned application."""

import re

from playwright.sync_api import expect

from ciodispatch.candidates import services
from tests.candidates.helpers import submitted_application
from tests.conftest import PASSWORD, current_token, enrol_totp


def test_reviewer_scores_an_assigned_application(journey, personas):
    # Given an application assigned to the reviewer
    app = submitted_application(personas.candidate1)
    services.assign_reviewer(app, personas.reviewer, actor=personas.office)
    device = enrol_totp(personas.reviewer)
    page = journey.page

    # When the reviewer signs in and opens their list
    journey.sign_in("reviewer", PASSWORD)
    page.locator("#id_token").fill(current_token(device))
    page.get_by_role("button", name=re.compile("^(確認する|Confirm)$")).click()
    page.locator("main").get_by_role(
        "link", name=re.compile("審査する応募|Applications to review")
    ).click()
    journey.check_accessibility()
    page.locator("main").get_by_role("link", name="山田 花子").click()
    expect(page.locator("main")).to_contain_text("クラウドワークス")
    journey.check_accessibility()

    # Saving without scores is refused with the criteria named
    page.get_by_role("button", name=re.compile("評価を保存|Save the scores")).click()
    expect(page.locator(".error-summary")).to_be_visible()
    journey.check_accessibility()

    # Then they score every criterion with a comment
    for fieldset in page.locator("fieldset.fieldset--boxed").all():
        fieldset.locator("input[type=radio][value='4']").check()
        fieldset.locator("textarea").fill("実績が具体的で、自治体での再現性が高い。")
    page.get_by_role("button", name=re.compile("評価を保存|Save the scores")).click()
    expect(page.locator(".notice--success")).to_be_visible()
    journey.check_accessibility()
    assignment = app.assignments.get()
    assert assignment.scores.count() == 6 and assignment.submitted_at is not None
