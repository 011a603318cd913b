"""Every message the system sends goes to one person: one address in To, none in Cc or Bcc."""

from django.contrib.auth.models import AnonymousUser
from django.core import mail

from ciodispatch.outreach import services as outreach
from tests.outreach.helpers import event


def test_cancelling_an_event_mails_each_registrant_separately(
    personas, django_capture_on_commit_callbacks
):
    talk = event(personas.office, capacity=5)
    for number in range(3):
        outreach.register(
            talk, actor=AnonymousUser(), name=f"参加者{number}", email=f"p{number}@example.jp"
        )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        outreach.cancel_event(talk, actor=personas.office, reason="台風のため")
    assert sorted(tuple(m.to) for m in mail.outbox) == [
        ("p0@example.jp",),
        ("p1@example.jp",),
        ("p2@example.jp",),
    ]
    assert all(not m.cc and not m.bcc for m in mail.outbox)
