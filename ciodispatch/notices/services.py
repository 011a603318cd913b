"""Writes to notices: telling people of an event (in the app, and by mail as they choose),
marking notices read, the mail preferences."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ciodispatch import policy
from ciodispatch.audit.services import record
from ciodispatch.core.mail import mail_after_commit
from ciodispatch.notices import kinds
from ciodispatch.notices.models import MailLanguage, Notice, NoticePreference

A = policy.Action


def _stored(params: Mapping[str, Any]) -> dict[str, Any]:
    # Parameters are data (titles, dates as ISO, codes), stored as JSON; anything else is
    # kept as its text. A translatable label belongs in the kind's ``prepare``, which renders
    # it in the reader's language, not here in the actor's.
    return json.loads(json.dumps(dict(params), default=str))


def _local_path(url: str) -> str:
    if not url.startswith("/") or url.startswith("//"):
        raise ValueError(f"A notice links to a page of the site, not {url!r}")
    return url


def notify(recipients: Iterable[Any], kind: str, url: str, **params: Any) -> list[Notice]:
    """Tell each active recipient (a user; None and repeats are skipped) of an event of
    ``kind``, linking to ``url`` (a path of the site).

    Writes one notice each in the caller's transaction, and mails each recipient whose
    preference for the kind is on (the kind's default without one): one message per person,
    in their language, after commit, so a rolled-back change tells no one.
    """
    found = kinds.KINDS.get(kind)
    if found is None:
        raise ValueError(f"Undeclared notice kind {kind!r}; declare it in the app's notices.py")
    url = _local_path(url)
    users: dict[int, Any] = {}
    for user in recipients:
        if user is not None and user.is_active and user.pk not in users:
            users[user.pk] = user
    if not users:
        return []
    stored = _stored(params)
    now = timezone.now()
    notices = Notice.objects.bulk_create(
        [
            Notice(recipient=user, kind=kind, params=stored, url=url, created_at=now)
            for user in users.values()
        ]
    )
    if found.mailed:
        _mail(found, list(users.values()), url, stored)
    return notices


def mail_wanted(users: list[Any], kind: kinds.NoticeKind) -> set[int]:
    """The users (pks) who get ``kind`` by mail."""
    chosen = dict(
        NoticePreference.objects.filter(user__in=users, kind=kind.key).values_list(
            "user_id", "mail"
        )
    )
    return {user.pk for user in users if chosen.get(user.pk, kind.mail_default)}


def languages_of(users: list[Any]) -> dict[int, str]:
    chosen = dict(MailLanguage.objects.filter(user__in=users).values_list("user_id", "language"))
    return {user.pk: chosen.get(user.pk, settings.LANGUAGE_CODE) for user in users}


def _mail(kind: kinds.NoticeKind, users: list[Any], url: str, params: dict[str, Any]) -> None:
    wanted = mail_wanted([u for u in users if u.email], kind)
    if not wanted:
        return
    languages = languages_of([u for u in users if u.pk in wanted])
    for user in users:
        if user.pk in wanted:
            with translation.override(languages[user.pk]):
                subject, body = compose(kind, url, params)
            mail_after_commit([user.email], subject, body)


def compose(kind: kinds.NoticeKind, url: str, params: Mapping[str, Any]) -> tuple[str, str]:
    """The subject and body of a notice's mail, in the active language: the sentence, the
    link straight to the page, the programme office's contact, where to change the mail."""
    subject = _("[CIO Dispatch] %s") % kind.label
    parts = [
        kind.render(params),
        _("Open the page: %s") % f"{settings.SITE_URL}{url}",
    ]
    contact = kinds.contact_lines()
    if contact:
        parts.append(_("The programme office (questions about this mail):") + "\n" + contact)
    parts.append(
        _("Choose which notices come to you by mail: %s")
        % f"{settings.SITE_URL}{reverse('notices:preferences')}"
    )
    return subject, "\n\n".join(parts) + "\n"


# --- reading -----------------------------------------------------------------------------
# Marking read is not audited: it changes nothing but the reader's own list of notices.


@transaction.atomic
def mark_read(notice: Notice, *, actor) -> Notice:
    policy.require(actor, A.READ_NOTICE, notice)
    if notice.read_at is None:
        now = timezone.now()
        Notice.objects.filter(pk=notice.pk, read_at__isnull=True).update(read_at=now)
        notice.read_at = now
    return notice


@transaction.atomic
def mark_all_read(*, actor) -> int:
    """Mark every unread notice of ``actor`` read; returns how many."""
    policy.require(actor, A.VIEW_NOTICES)
    return Notice.objects.filter(recipient=actor, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def unread_count(user: Any) -> int:
    return Notice.objects.filter(recipient=user, read_at__isnull=True).count()


# --- preferences ---------------------------------------------------------------------------


def mailable_kinds() -> list[kinds.NoticeKind]:
    """The kinds whose mail the user chooses (the others are mailed by their app anyway)."""
    return sorted((k for k in kinds.KINDS.values() if k.mailed), key=lambda k: k.position)


def preferences_of(user: Any) -> dict[str, bool]:
    """For each mailable kind, whether ``user`` gets it by mail."""
    chosen = dict(NoticePreference.objects.filter(user=user).values_list("kind", "mail"))
    return {k.key: chosen.get(k.key, k.mail_default) for k in mailable_kinds()}


def language_of(user: Any) -> str:
    return languages_of([user])[user.pk]


@transaction.atomic
def save_preferences(*, actor, mail: Mapping[str, bool], language: str) -> dict[str, bool]:
    """Record which kinds ``actor`` gets by mail and in which language; audited."""
    policy.require(actor, A.SET_NOTICE_PREFERENCES)
    if language not in dict(settings.LANGUAGES):
        raise ValueError(f"Unknown language {language!r}")
    before = preferences_of(actor)
    before_language = language_of(actor)
    after = {key: bool(mail.get(key, on)) for key, on in before.items()}
    for key, on in after.items():
        NoticePreference.objects.update_or_create(user=actor, kind=key, defaults={"mail": on})
    MailLanguage.objects.update_or_create(user=actor, defaults={"language": language})
    changes: dict[str, Any] = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    if language != before_language:
        changes["language"] = [before_language, language]
    if changes:
        record(actor=actor, action="notices.preferences_changed", target=actor, changes=changes)
    return after
