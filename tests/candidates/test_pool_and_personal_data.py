import csv
import io
import json

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from ciodispatch.accounts.models import User
from ciodispatch.audit.models import AuditEvent
from ciodispatch.candidates import services
from ciodispatch.candidates.models import Application
from ciodispatch.candidates.personal_data import personal_data, personal_data_pdf
from ciodispatch.candidates.pool import pool_export, search_pool
from ciodispatch.candidates.services import CandidateError, Decision
from tests.candidates.helpers import new_candidate, submitted_application

S = Application.State


def certified(personas, user, monkeypatch, **kwargs):
    monkeypatch.setattr(services, "public_sector_training_completed", lambda u: True)
    app = submitted_application(user, **kwargs)
    assignment = services.assign_reviewer(app, personas.reviewer, actor=personas.office)
    criteria = app.review_round.criteria.all()
    services.submit_scores(
        assignment, actor=personas.reviewer, scores={c.pk: (4, "良い") for c in criteria}
    )
    services.decide(app, actor=personas.office, decision=Decision.PASS, reason="合格")
    return services.certify(app, actor=personas.office)


@pytest.fixture
def pool(personas, monkeypatch):
    first = certified(personas, personas.candidate1, monkeypatch)
    second = certified(
        personas,
        personas.candidate2,
        monkeypatch,
        domains=("telework",),
        email="c2@example.jp",
        born=__import__("datetime").date(1980, 1, 1),
    )
    submitted_application(new_candidate("pending"))  # not certified: never in the pool
    return first, second


def test_search_finds_only_valid_certified_cios(pool):
    assert set(search_pool()) == set(pool)
    assert list(search_pool(domain="telework")) == [pool[1]]
    assert list(search_pool(role="engineer", min_level=4)) == list(search_pool())
    assert not search_pool(role="service_designer").exists()
    assert not search_pool(region="hokkaido").exists()
    assert search_pool(work_pattern="part_time").count() == 2


def test_csv_export_opens_in_excel_with_japanese(pool):
    data = b"".join(pool_export(search_pool(), "csv", filename="pool").streaming_content)
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(rows) == 3
    assert any("山田 花子" in row for row in rows[1:])
    assert "\r\n" in data.decode("utf-8-sig")


def test_excel_export_reads_back(pool):
    response = pool_export(search_pool(), "xlsx", filename="pool")
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = book.active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert len(values) == 3
    assert "山田 花子" in [row[0] for row in values]
    assert any("クラウド" in str(v) or "Cloud" in str(v) for v in values[1])


def test_personal_data_export_has_everything_but_reviewers(personas, pool):
    app = pool[0]
    data = personal_data(app)
    json.dumps(data, ensure_ascii=False)
    assert data["application"]["family_name"] == "山田"
    assert len(data["career"]) == 2 and data["skills"]
    assert "reviewer" not in json.dumps(data)
    text = "".join(
        page.extract_text() for page in PdfReader(io.BytesIO(personal_data_pdf(app))).pages
    )
    assert "山田 花子" in text


def test_deletion_on_request_keeps_only_what_the_audit_needs(personas, pool):
    app = pool[0]
    cv_path = app.cv.path
    request = services.request_deletion(app, actor=personas.candidate1)
    with pytest.raises(CandidateError, match="asked already"):
        services.request_deletion(app, actor=personas.candidate1)
    services.complete_deletion(request, actor=personas.office, note="本人申出")
    app.refresh_from_db()
    assert app.state == S.REVOKED and app.erased_at
    assert app.family_name == "" and app.email == "" and app.motivation == ""
    assert not app.career.exists() and not app.skills.exists() and not app.cv
    user = User.objects.get(pk=app.user_id)
    assert not user.is_active and user.username.startswith("erased-") and not user.email
    assert AuditEvent.objects.filter(
        object_type="candidates.application", object_id=str(app.pk)
    ).exists()
    assert not search_pool().filter(pk=app.pk).exists()
    import os

    # Deleted after commit, which this test never reaches (test_erasure.py commits).
    assert os.path.exists(cv_path)


def test_retention_purges_only_closed_files_past_the_period(personas, settings, monkeypatch):
    import datetime as dt

    from django.utils import timezone

    rejected = submitted_application(personas.candidate1)
    Application.objects.filter(pk=rejected.pk).update(state=S.REJECTED)
    active = submitted_application(personas.candidate2, email="c2@example.jp")
    settings.CANDIDATE_RETENTION_DAYS = 30
    later = timezone.localdate() + dt.timedelta(days=31)
    assert services.purge_past_retention(later) == 1
    rejected.refresh_from_db()
    active.refresh_from_db()
    assert rejected.erased_at and rejected.family_name == ""
    assert active.erased_at is None
    assert services.purge_past_retention(later) == 0


def test_periodic_commands_run(personas, monkeypatch):
    from django.core.management import call_command

    out = io.StringIO()
    call_command("expire_certifications", stdout=out)
    call_command("purge_candidate_data", stdout=out)
    assert "expired" in out.getvalue() and "erased" in out.getvalue()


def test_erasing_an_open_file_withdraws_it_from_the_pipeline(personas):
    app = submitted_application(personas.candidate1)
    request = services.request_deletion(app, actor=personas.candidate1)
    services.complete_deletion(request, actor=personas.office)
    app.refresh_from_db()
    assert app.state == S.WITHDRAWN and app.erased_at
    with pytest.raises(CandidateError):
        services.assign_reviewer(app, personas.reviewer, actor=personas.office)
    from ciodispatch.audit.models import AuditEvent

    reprs = set(
        AuditEvent.objects.filter(object_type="candidates.application").values_list(
            "object_repr", flat=True
        )
    )
    assert reprs == {f"Application {app.pk}"}


@pytest.mark.django_db(transaction=True)
def test_two_retention_runs_at_once_erase_and_audit_each_file_once(settings):
    """Two servers' cron start the purge at the same moment: each file is erased and audited
    once (each run re-reads a file under a lock before erasing it). PostgreSQL only: SQLite's
    in-memory test database cannot hold two connections' transactions."""
    import datetime as dt
    import threading

    from django.db import connection
    from django.utils import timezone

    from tests.conftest import load_registry, make_personas

    if connection.vendor != "postgresql":
        pytest.skip("needs two connections with row locks (PostgreSQL)")
    load_registry()
    personas = make_personas()
    for n, user in enumerate([personas.candidate1, personas.candidate2]):
        app = submitted_application(user, email=f"race{n}@example.jp")
        Application.objects.filter(pk=app.pk).update(state=S.REJECTED)
    settings.CANDIDATE_RETENTION_DAYS = 30
    later = timezone.localdate() + dt.timedelta(days=31)
    start, counts, errors = threading.Barrier(2), [], []

    def run():
        try:
            start.wait(10)
            counts.append(services.purge_past_retention(later))
        except Exception as exc:  # noqa: BLE001 - reported by the assertion
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert sorted(counts) in ([0, 2], [1, 1])
    assert AuditEvent.objects.filter(action="candidates.application.purged").count() == 2
