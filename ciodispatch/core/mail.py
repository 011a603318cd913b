"""Notification mail, sent once the writing transaction commits (a mail never blocks a write
and a rolled-back change mails no one)."""

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction

from ciodispatch.core.ratelimit import consume


def mail_after_commit(recipients: Iterable[str | None], subject: str, body: str) -> None:
    """Send one message to each distinct, non-empty address after commit."""
    addresses = sorted({address for address in recipients if address})
    if not addresses:
        return
    messages = [(subject, body, settings.DEFAULT_FROM_EMAIL, [address]) for address in addresses]
    transaction.on_commit(lambda: send_mass_mail(messages, fail_silently=True))


def mail_once_after_commit(address: str, *, kind: str, subject: str, body: str) -> bool:
    """Send one message to ``address`` after commit, unless a mail of this ``kind`` went to it
    less than ``MAIL_REPEAT_MINUTES`` ago; returns whether it will be sent.

    For mail that a stranger can set off (an anonymous form): however often the form is sent
    with someone's address, that address gets at most one mail of each kind in the interval.
    The claim is written in the caller's transaction, so a rolled-back change neither mails
    nor uses up the interval.
    """
    address = (address or "").strip()
    if not address:
        return False
    window = dt.timedelta(minutes=settings.MAIL_REPEAT_MINUTES)
    if consume(f"mail:{kind}", address.lower(), limit=1, window=window) is not None:
        return False
    mail_after_commit([address], subject, body)
    return True
