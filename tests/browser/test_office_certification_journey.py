"""The office compares scores, decides, certifies after training, finds the CIO in the pool;
the CIO then downloads their data."""

import datetime as dt
import io
import json
import re
from pathlib import Path

from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from ciodispatch.candidates import services
from ciodispatch.candidates.models import Application
from ciodispatch.training import services as training
from ciodispatch.training.models import Track
from tests.browser.conftest import Journey
from tests.candidates.helpers import submitted_application
from tests.conftest import PASSWORD, current_token, enrol_totp


def _complete_public_sector_track(user):
    course = training.create_course(
        track=Track.PUBLIC_SECTOR, title="公共での仕事の進め方", has_assessment=True,
        pass_score=60, actor=None,
    )  # fmt: skip
    start = timezone.now() - dt.timedelta(days=3)
    session = training.schedule_session(
        course, starts_at=start, ends_at=start + dt.timedelta(hours=4), capacity=5,
        place="中央合同庁舎", actor=None,
    )  # fmt: skip
    enrolment = training.enrol(session, user, actor=None)
    training.record_attendance(enrolment, True, actor=None)
    training.record_completion(enrolment, 82, actor=None)


def test_office_decides_certifies_and_the_cio_downloads_their_data(
    journey, browser, live_server, personas
):
    # Given an application scored by two reviewers who disagree on every criterion
    app = submitted_application(personas.candidate1)
    from ciodispatch.accounts import services as accounts
    from ciodispatch.accounts.models import Organisation, Role

    reviewer2 = accounts.create_user(
        username="reviewer2", role=Role.REVIEWER, password=None, actor=None,
        organisation=Organisation.objects.get(kind=Organisation.Kind.PROGRAMME_OFFICE),
    )  # fmt: skip
    for reviewer, value in ((personas.reviewer, 5), (reviewer2, 3)):
        assignment = services.assign_reviewer(app, reviewer, actor=personas.office)
        services.submit_scores(
            assignment, actor=reviewer,
            scores={c.pk: (value, "所見") for c in app.review_round.criteria.all()},
        )  # fmt: skip
    device = enrol_totp(personas.office)
    page = journey.page

    # When the office officer signs in and opens the application
    journey.sign_in("office", PASSWORD)
    page.locator("#id_token").fill(current_token(device))
    page.get_by_role("button", name=re.compile("^(確認する|Confirm)$")).click()
    page.get_by_role("link", name=re.compile("^(応募一覧|Applications)$")).click()
    journey.check_accessibility()
    page.get_by_role("link", name="山田 花子").click()

    # Then the scores stand side by side, and the disagreement is flagged
    expect(page.locator("main table").first).to_contain_text("4.00")
    expect(page.locator(".text-warning").first).to_be_visible()
    journey.check_accessibility()

    # When they decide "pass" without a reason, they are told to give one
    page.locator("input[name=decision][value=pass]").check()
    page.get_by_role("button", name=re.compile("決定を記録する|Record the decision")).click()
    expect(page.locator("#id_reason")).to_be_visible()
    expect(page.locator(".error-summary")).to_be_visible()
    journey.check_accessibility()
    page.locator("#id_reason").fill("全ての審査基準を満たす。")
    page.get_by_role("button", name=re.compile("決定を記録する|Record the decision")).click()
    expect(page.locator(".notice--success")).to_be_visible()
    expect(page.locator(".notice--warning")).to_be_visible()  # training not yet completed
    journey.check_accessibility()

    # And once the public-sector track is completed, they certify
    _complete_public_sector_track(personas.candidate1)
    page.reload()
    page.get_by_role("button", name=re.compile("^(認定する|Certify)$")).click()
    expect(page.locator(".notice--success")).to_be_visible()
    journey.check_accessibility()
    app.refresh_from_db()
    assert app.state == Application.State.CERTIFIED

    # The CIO is in the pool, and the Excel export has them
    journey.open("/candidates/pool/")
    expect(page.locator("main tbody")).to_contain_text("山田 花子")
    journey.check_accessibility()
    with page.expect_download() as download:
        page.get_by_role("link", name="Excel (.xlsx)").click()
    rows = list(load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active.values)
    assert rows[1][0] == "山田 花子"

    # The CIO signs in and downloads their data
    context = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900})
    try:
        cio = Journey(context.new_page(), live_server.url)
        cio.sign_in("candidate1", PASSWORD)
        cio.open("/candidates/application/")
        expect(cio.page.locator("main")).to_contain_text(re.compile("認定済み|Certified|認定"))
        cio.check_accessibility()
        cio.open("/candidates/my-data/")
        cio.check_accessibility()
        with cio.page.expect_download() as download:
            cio.page.get_by_role("link", name=re.compile("JSON")).click()
        data = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
        assert data["application"]["state"] == "certified"
        with cio.page.expect_download() as download:
            cio.page.get_by_role("link", name=re.compile("PDF")).click()
        assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
        cio.open("/training/mine/")
        cio.check_accessibility()
        with cio.page.expect_download() as download:
            cio.page.get_by_role("link", name=re.compile(r"PS-\d{4}-\d{6}")).click()
        assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
    finally:
        context.close()
