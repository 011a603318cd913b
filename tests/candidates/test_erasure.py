"""Erasing a candidate removes every trace that names the person: files, registrations,
rows in other apps; only pseudonymous audit entries remain."""

import os

from django.contrib.auth.models import AnonymousUser
from django.core import mail

from ciodispatch.candidates import services
from ciodispatch.outreach import services as outreach
from ciodispatch.outreach.models import Registration
from tests.candidates.helpers import submitted_application
from tests.outreach.helpers import event


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
    outreach.register(other, actor=AnonymousUser(), name="山田 花子", email=app.email)
    assert Registration.objects.filter(email=app.email).count() == 2
    email = app.email
    _erase(app, personas.office, django_capture_on_commit_callbacks)
    assert not Registration.objects.filter(email__iexact=email).exists()
    assert not Registration.objects.filter(user=app.user).exists()
    assert not Registration.objects.filter(name__contains="山田").exists()
    mail.outbox.clear()
