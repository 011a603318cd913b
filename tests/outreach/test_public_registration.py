"""Public event registration is double opt-in: a place is taken only when the address confirms
by the mailed link. A script typing addresses it does not read fills no place and floods no
mailbox; unconfirmed requests expire, count nowhere and are purged."""

import datetime as dt
import re
from unittest import mock

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.utils import timezone, translation

from ciodispatch.audit.models import AuditEvent
from ciodispatch.outreach import services
from ciodispatch.outreach.models import PendingRegistration, Registration
from ciodispatch.outreach.services import OutreachError
from ciodispatch.portal.statistics import event_statistics
from tests.conftest import verified_client
from tests.outreach.helpers import event, public_registration

R = Registration.State


def _ask(talk, email, name="青木 美咲"):
    return services.request_registration(talk, actor=AnonymousUser(), name=name, email=email)


def _post(client, talk, email, *, client_address="192.0.2.10", **extra):
    data = {"name": "青木 美咲", "email": email, "consent": "on"}
    return client.post(f"/events/{talk.pk}/register/", data, REMOTE_ADDR=client_address, **extra)


def _confirm_path(message) -> str:
    return re.search(r"https?://[^/\s]+(/events/confirm/\S+/)", message.body).group(1)


def test_a_script_registering_many_addresses_fills_no_place(
    client, personas, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.ANONYMOUS_POSTS_PER_CLIENT = 1000
    talk = event(personas.office, capacity=5)
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(12):
            assert _post(client, talk, f"bot{n}@example.jp").status_code == 302
    # Twelve requests, none confirmed: every place is still free, and nothing is on the roster.
    assert talk.confirmed_count() == 0 and talk.waiting_count() == 0
    assert not Registration.objects.exists()
    assert PendingRegistration.objects.filter(event=talk).count() == 12
    page = client.get(f"/events/{talk.pk}/").content.decode()
    assert re.search(r'id="places">(定員5名中0名確定|0 of 5 taken)', page)
    # Only someone who reads the mail takes a place.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_confirm_path(mailoutbox[3]))
    assert list(Registration.objects.values_list("email", "state")) == [
        ("bot3@example.jp", R.CONFIRMED)
    ]


def test_thirty_registrations_to_one_victim_send_one_mail_in_the_hour(
    client, personas, settings, mailoutbox, django_capture_on_commit_callbacks
):
    # The form's own limits are lifted here: the mail limit alone protects the mailbox.
    settings.ANONYMOUS_POSTS_PER_CLIENT = settings.ANONYMOUS_POSTS_PER_EMAIL = 1000
    talk = event(personas.office, capacity=95)
    start = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(30):
            response = _post(client, talk, "victim@example.jp", client_address=f"198.51.100.{n}")
            assert response.status_code == 302
    assert [m.to for m in mailoutbox] == [["victim@example.jp"]]
    assert PendingRegistration.objects.filter(email="victim@example.jp").count() == 1
    # An hour later the address may be mailed again (the same link, with a new deadline).
    later = start + dt.timedelta(minutes=61)
    with (
        mock.patch("django.utils.timezone.now", return_value=later),
        django_capture_on_commit_callbacks(execute=True),
    ):
        _post(client, talk, "victim@example.jp", client_address="203.0.113.1")
    assert len(mailoutbox) == 2 and _confirm_path(mailoutbox[0]) == _confirm_path(mailoutbox[1])


def test_the_limit_is_per_kind_and_per_event(
    personas, mailoutbox, django_capture_on_commit_callbacks
):
    talk, lecture = event(personas.office), event(personas.office, title="講演会：DX人材")
    with django_capture_on_commit_callbacks(execute=True):
        pending = _ask(talk, "aoki@example.jp")
        _ask(talk, "aoki@example.jp")  # the same kind, the same event: not mailed again
        _ask(lecture, "aoki@example.jp")  # another event: its own confirmation link
        services.confirm_registration(pending.token, actor=AnonymousUser())  # another kind
        _ask(talk, "aoki@example.jp")  # registered now: its link was mailed a moment ago
    subjects = [m.subject for m in mailoutbox]
    assert len(subjects) == 3
    assert lecture.title in subjects[1] and "confirmed" in subjects[2]


def _answer(client, talk, email):
    response = _post(client, talk, email, follow=True)
    notice = re.search(r'class="notice notice--success"[^>]*>(.*?)<', response.content.decode())
    notice = notice.group(1) if notice else None
    return response.status_code, tuple(response.redirect_chain), notice


def test_the_page_answers_the_same_whether_the_address_is_new_or_not(
    client, personas, django_capture_on_commit_callbacks
):
    talk = event(personas.office, capacity=1)
    public_registration(talk, "登録 済子", "registered@example.jp")
    _ask(talk, "waiting@example.jp")
    now = timezone.now()
    with (
        mock.patch("django.utils.timezone.now", return_value=now),
        django_capture_on_commit_callbacks(execute=True),
    ):
        answers = {
            email: _answer(client, talk, email)
            for email in (
                "new@example.jp",  # never seen
                "registered@example.jp",  # has a place
                "waiting@example.jp",  # awaiting confirmation
                "new@example.jp",  # its mail was just sent: none goes now
            )
        }
    assert len(set(answers.values())) == 1
    status, chain, notice = answers["new@example.jp"]
    assert status == 200 and chain == ((f"/events/{talk.pk}/", 302),) and notice


def test_confirming_takes_the_place_once(
    client, personas, mailoutbox, django_capture_on_commit_callbacks
):
    talk = event(personas.office, capacity=2)
    with django_capture_on_commit_callbacks(execute=True):
        pending = _ask(talk, "aoki@example.jp", name="青木 美咲")
    assert pending.expires_at > timezone.now() + dt.timedelta(hours=23)
    page = client.get(_confirm_path(mailoutbox[0]))
    assert page.status_code == 200 and "青木 美咲" in page.content.decode()
    registration = services.confirm_registration(pending.token, actor=AnonymousUser())
    assert (registration.name, registration.email, registration.state) == (
        "青木 美咲",
        "aoki@example.jp",
        R.CONFIRMED,
    )
    assert not PendingRegistration.objects.exists()
    with translation.override("en"), pytest.raises(OutreachError, match="not valid any more"):
        services.confirm_registration(pending.token, actor=AnonymousUser())
    assert AuditEvent.objects.filter(action="outreach.registration.requested").exists()
    assert AuditEvent.objects.get(
        action="outreach.registration.confirmed", object_id=str(registration.pk)
    ).changes == {"event": talk.pk, "state": "confirmed", "public": True}


def test_a_request_expires_unconfirmed(
    client, personas, mailoutbox, django_capture_on_commit_callbacks
):
    talk = event(personas.office)
    with django_capture_on_commit_callbacks(execute=True):
        pending = _ask(talk, "aoki@example.jp")
    later = timezone.now() + dt.timedelta(hours=25)
    with mock.patch("django.utils.timezone.now", return_value=later):
        with translation.override("en"), pytest.raises(OutreachError, match="expired"):
            services.confirm_registration(pending.token, actor=AnonymousUser())
        page = client.get(_confirm_path(mailoutbox[0]))
        assert page.status_code == 404 and 'id="confirm-error"' in page.content.decode()
        # Asking again after the expiry starts afresh, with a new link.
        with django_capture_on_commit_callbacks(execute=True):
            again = _ask(talk, "aoki@example.jp")
    assert again.token != pending.token and len(mailoutbox) == 2
    assert not Registration.objects.exists()


def test_the_event_full_at_confirmation_is_refused_with_what_to_do(
    client, personas, mailoutbox, django_capture_on_commit_callbacks
):
    talk = event(personas.office, capacity=1)
    with django_capture_on_commit_callbacks(execute=True):
        _ask(talk, "late@example.jp")
    late_link = _confirm_path(mailoutbox[0])
    assert 'name="waiting_list"' not in client.get(late_link).content.decode()  # places free
    public_registration(talk, "早い 人", "early@example.jp")  # takes the last place meanwhile
    # Pressing "Confirm my place" on the page loaded before: refused, and told what to do.
    refused = client.post(late_link)
    body = refused.content.decode()
    assert refused.status_code == 200 and 'id="confirm-error"' in body
    assert re.search("became full|定員に達しました", body)
    assert 'name="waiting_list"' in body
    assert not Registration.objects.filter(email="late@example.jp").exists()
    client.post(late_link, {"waiting_list": "yes"})
    assert Registration.objects.get(email="late@example.jp").state == R.WAITLISTED


def test_no_confirmation_once_the_event_is_cancelled(personas):
    talk = event(personas.office)
    pending = _ask(talk, "aoki@example.jp")
    services.cancel_event(talk, actor=personas.office, reason="台風")
    with translation.override("en"), pytest.raises(OutreachError, match="closed"):
        services.confirm_registration(pending.token, actor=AnonymousUser())


def test_unconfirmed_requests_count_nowhere(client, personas):
    talk = event(personas.office, capacity=3, days_ahead=-1)  # held yesterday
    with mock.patch(
        "django.utils.timezone.now", return_value=talk.starts_at - dt.timedelta(days=2)
    ):
        public_registration(talk, "来た 人", "came@example.jp")
        _ask(talk, "never@example.jp")
    assert event_statistics()["participants"] == 1
    office = verified_client(client, personas.office)
    roster = office.get(f"/events/{talk.pk}/roster/").content.decode()
    csv = office.get(f"/events/{talk.pk}/roster/?format=csv").content.decode("utf-8-sig")
    assert "came@example.jp" in csv and "never@example.jp" not in csv + roster


def test_the_daily_purge_deletes_expired_requests_only(personas, capsys):
    talk = event(personas.office)
    old = _ask(talk, "old@example.jp")
    fresh = _ask(talk, "fresh@example.jp")
    PendingRegistration.objects.filter(pk=old.pk).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    call_command("purge_registration_holds")
    assert "1 unconfirmed" in capsys.readouterr().out
    assert list(PendingRegistration.objects.values_list("pk", flat=True)) == [fresh.pk]
    purge = AuditEvent.objects.get(action="outreach.registration.unconfirmed_purged")
    assert purge.changes == {"count": 1}
