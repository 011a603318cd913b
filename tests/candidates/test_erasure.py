"""Erasing a candidate removes every trace that names the person: files, registrations,
rows in other apps; only pseudonymous audit entries remain."""

import datetime as dt
import json
import os
from pathlib import Path

from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.db import models
from django.utils import timezone

from ciodispatch.accounts.models import User
from ciodispatch.audit.models import AuditEvent
from ciodispatch.candidates import services
from ciodispatch.candidates.models import Application
from ciodispatch.candidates.services import Decision
from ciodispatch.core.personal_data import INVENTORY, Erasure, Subject
from ciodispatch.knowhow.models import Case
from ciodispatch.knowhow.search import search
from ciodispatch.matchround import services as matchround
from ciodispatch.outreach import services as outreach
from ciodispatch.outreach.models import PendingRegistration, Registration
from ciodispatch.training import services as training
from ciodispatch.training.models import CalendarFeed
from tests.candidates.helpers import submitted_application
from tests.knowhow.helpers import published as published_case
from tests.matchround.helpers import build_round, second_reviewer
from tests.outreach.helpers import event, public_registration


def _erase(app, office, django_capture_on_commit_callbacks):
    request = services.request_deletion(app, actor=app.user)
    with django_capture_on_commit_callbacks(execute=True):
        services.complete_deletion(request, actor=office, note="本人申出")
    app.refresh_from_db()
    return app


def test_erasure_deletes_the_cv_from_storage(personas, django_capture_on_commit_callbacks):
    app = submitted_application(personas.candidate1)
    cv_path = app.cv.path
    assert os.path.exists(cv_path)
    _erase(app, personas.office, django_capture_on_commit_callbacks)
    assert not os.path.exists(cv_path)
    assert not app.cv


def test_retention_purge_deletes_the_cv_from_storage(
    personas, settings, django_capture_on_commit_callbacks
):
    import datetime as dt

    from django.utils import timezone

    from ciodispatch.candidates.models import Application

    app = submitted_application(personas.candidate1)
    Application.objects.filter(pk=app.pk).update(state=Application.State.REJECTED)
    cv_path = app.cv.path
    settings.CANDIDATE_RETENTION_DAYS = 30
    with django_capture_on_commit_callbacks(execute=True):
        services.purge_past_retention(timezone.localdate() + dt.timedelta(days=31))
    assert not os.path.exists(cv_path)


def test_erasure_removes_the_candidates_event_registrations(
    personas, django_capture_on_commit_callbacks
):
    app = submitted_application(personas.candidate1)
    talk = event(personas.office, capacity=5)
    # One with the account, one as a member of the public with the file's address.
    outreach.register(talk, actor=personas.candidate1)
    other = event(personas.office, capacity=5, title="講演会：ベンダー対峙")
    public_registration(other, "山田 花子", app.email)
    # And one still waiting for its confirmation link.
    third = event(personas.office, capacity=5, title="講演会：調達改革")
    outreach.request_registration(third, actor=AnonymousUser(), name="山田 花子", email=app.email)
    assert Registration.objects.filter(email=app.email).count() == 2
    assert PendingRegistration.objects.filter(email=app.email).count() == 1
    email = app.email
    _erase(app, personas.office, django_capture_on_commit_callbacks)
    assert not Registration.objects.filter(email__iexact=email).exists()
    assert not Registration.objects.filter(user=app.user).exists()
    assert not PendingRegistration.objects.filter(email__iexact=email).exists()
    assert not Registration.objects.filter(name__contains="山田").exists()
    mail.outbox.clear()


# --- end to end: nothing names the person after erasure ------------------------------------

TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField, models.FileField)


def _hits(terms) -> dict[str, list[str]]:
    """Every text column of every table (JSON decoded) that contains one of ``terms``."""
    found: dict[str, list[str]] = {}
    for model in apps.get_models():
        columns = [f.attname for f in model._meta.concrete_fields if isinstance(f, TEXT_FIELDS)]
        if not columns:
            continue
        manager = model._base_manager
        for row in manager.values("pk", *columns):
            for column in columns:
                value = row[column]
                if value is None:
                    continue
                text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
                for term in terms:
                    if term.lower() in text.lower():
                        found.setdefault(model._meta.label, []).append(f"{column}: {text[:80]}")
    return found


def _stored_files(root: Path) -> list[str]:
    return [p.name for p in root.rglob("*") if p.is_file()] if root.exists() else []


def _everything_about_the_candidate(personas, monkeypatch):
    """candidate2 with a full file: screening with a conflict, scores and an interview,
    certified, ranking a post a host interviewed them for, on two events, with a calendar."""
    monkeypatch.setattr(services, "public_sector_training_completed", lambda u: True)
    office, user = personas.office, personas.candidate2
    app = submitted_application(user, email="hanako.yamada@x.jp", vendors=("富士通株式会社",))
    other = second_reviewer(personas)
    services.assign_reviewer(app, other, actor=office)
    services.declare_conflict(app, other, actor=other, reason="山田 花子さんは元同僚")
    assignment = services.assign_reviewer(app, personas.reviewer, actor=office)
    scores = {c.pk: (4, "山田花子さんの実績は十分") for c in app.review_round.criteria.all()}
    services.submit_scores(assignment, actor=personas.reviewer, scores=scores)
    services.decide(
        app, actor=office, decision=Decision.INTERVIEW, reason="山田 花子さんに面接を行う"
    )
    services.schedule_interview(
        app,
        actor=office,
        scheduled_at=timezone.now() + dt.timedelta(days=2),
        place="事務局 会議室A",
        interviewers="委員長",
    )
    services.decide(app, actor=office, decision=Decision.PASS, reason="合格")
    app = services.certify(app, actor=office)
    monkeypatch.setattr("tests.matchround.helpers.certify", lambda personas, u, *a, **k: app)
    setup = build_round(personas, monkeypatch)
    matchround.save_candidate_ranking(setup.round, [setup.ureshino.pk], actor=user)
    matchround.record_interview(
        setup.ureshino, app, actor=personas.host2, held_on=timezone.localdate(),
        interviewers="総務課長", notes="山田 花子さんは意欲が高い",
    )  # fmt: skip
    outreach.register(event(office, capacity=5), actor=user)
    public_registration(
        event(office, capacity=5, title="講演会"), "山田 花子", "Hanako.Yamada@x.jp"
    )
    outreach.request_registration(
        event(office, capacity=5, title="研修会"),
        actor=AnonymousUser(),
        name="山田 花子",
        email="hanako.yamada@x.jp",
    )
    training.reset_calendar_token(user, actor=user)
    # Others' free text that names them: a published case (text, JSON and the search index).
    published_case(
        office,
        title="山田花子CIOとの基幹系刷新",
        body="外部CIOの山田 花子氏が調達を見直した。",
        roles={"leader": "山田 花子（外部CIO）"},
    )
    app.refresh_from_db()
    return app


def test_after_erasure_nothing_names_the_person_but_the_pseudonymous_audit(
    personas, monkeypatch, settings, django_capture_on_commit_callbacks
):
    app = _everything_about_the_candidate(personas, monkeypatch)
    user = app.user
    cv_file = app.cv.name.rsplit("/", 1)[-1]
    terms = [
        "山田 花子", "山田花子", "ヤマダ ハナコ", "ヤマダハナコ", "hanako.yamada@x.jp",
        "090-0000-0000", user.username, user.email, cv_file,
    ]  # fmt: skip
    before = _hits(terms)
    # The scan sees the person where they are named, and every candidate table of the
    # inventory has a row about them: the erasure below is tested against all of it.
    assert {
        "candidates.Application", "accounts.User", "candidates.Score",
        "candidates.ConflictDeclaration", "matchround.Interview", "outreach.Registration",
        "audit.AuditEvent", "knowhow.Case", "knowhow.SearchEntry",
    } <= set(before)  # fmt: skip
    candidate_models = {f.model for f in INVENTORY if f.subject == Subject.CANDIDATE}
    for label in candidate_models | {"outreach.Registration"}:
        model = apps.get_model(label)
        assert model._base_manager.exists(), label
    assert cv_file in _stored_files(settings.MEDIA_ROOT)

    _erase(app, personas.office, django_capture_on_commit_callbacks)

    assert _hits(terms) == {}
    # Every candidate field of the inventory has had done to it what the inventory says.
    for entry in INVENTORY:
        if entry.subject not in (Subject.CANDIDATE, Subject.REGISTRANT):
            continue
        model = apps.get_model(entry.model)
        rows = model._base_manager.all()
        if model is Application:
            rows = rows.filter(pk=app.pk)
        elif model is User:
            rows = rows.filter(pk=user.pk)
        values = list(rows.values_list(entry.field, flat=True))
        where = f"{entry.model}.{entry.field}"
        if entry.erasure == Erasure.DELETE_ROW:
            assert values == [], where
        elif entry.erasure == Erasure.PSEUDONYMISE:
            assert values == [f"erased-{user.pk}"], where
        else:
            assert values and all(v in (None, "", [], {}) for v in values), where
    assert cv_file not in _stored_files(settings.MEDIA_ROOT)
    for label in ("candidates.CareerEntry", "candidates.SkillClaim", "candidates.Score"):
        assert not apps.get_model(label).objects.exists(), label
    assert not CalendarFeed.objects.filter(user=user).exists()
    assert not Registration.objects.exists()
    # The trail stays, pseudonymous: the candidate's own acts under erased-<id>.
    pseudonym = f"erased-{user.pk}"
    assert AuditEvent.objects.filter(actor=user, actor_label=pseudonym).exists()
    assert (
        AuditEvent.objects.filter(
            object_type="candidates.application", object_id=str(app.pk)
        ).count()
        > 5
    )
    assert AuditEvent.objects.filter(reason__contains=pseudonym).exists()
    # Others' text keeps what it says, with the pseudonym in place of the name.
    case = Case.objects.get()
    assert case.roles == {"leader": f"{pseudonym}（外部CIO）"} and pseudonym in case.body
    assert search("基幹系刷新", kind="case").ids == [case.pk]
