"""Notification mail, sent once the writing transaction commits (a mail never blocks a write
and a rolled-back change mails no one)."""

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction


def mail_after_commit(recipients: Iterable[str | None], subject: str, body: str) -> None:
    """Send one message to each distinct, non-empty address after commit."""
    addresses = sorted({address for address in recipients if address})
    if not addresses:
        return
    messages = [(subject, body, settings.DEFAULT_FROM_EMAIL, [address]) for address in addresses]
    transaction.on_commit(lambda: send_mass_mail(messages, fail_silently=True))
