"""Abstract models shared by several apps, and core's own tables: the rate-limit windows and
the form tokens already sent."""

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


def actor_field(verbose_name=None, *, on_delete=models.PROTECT, **options) -> Any:
    """The person who did something to a row (created, filed, decided, recorded it): a
    reference to the user with no reverse relation, which keeps the user (``PROTECT``) unless
    ``on_delete`` says otherwise. ``options`` are the field's others (``null``, ``blank``)."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=on_delete,
        related_name="+",
        verbose_name=verbose_name,
        **options,
    )


def state_field(states: type[models.TextChoices], *, max_length: int, **options) -> Any:
    """A row's state, one of ``states``: the app's state machine (``core.states``) moves it.
    ``options`` are the field's others (``default``, ``db_index``)."""
    return models.CharField(_("state"), max_length=max_length, choices=states.choices, **options)


class StoredDocument(models.Model):
    """An uploaded document kept in private media: its type (checked from its first bytes by
    ``core.uploads.check_upload``), its size, who uploaded it and when. Subclasses add the
    owner, the title and the ``file`` field with their own folder."""

    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = actor_field()
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["id"]

    def __str__(self):
        return self.title  # type: ignore[attr-defined]

    @classmethod
    def store(cls, upload, *, name: str, content_type: str, actor, **fields):
        """Write the upload under ``name`` (the folder is the subclass's) and save its row."""
        document = cls(
            content_type=content_type, size=upload.size or 0, uploaded_by=actor, **fields
        )
        document.file.save(name, upload, save=False)  # type: ignore[attr-defined]
        document.save()
        return document

    @property
    def extension(self) -> str:
        name = self.file.name or ""  # type: ignore[attr-defined]
        return name.rsplit(".", 1)[-1].lower() if "." in name else ""


class BackgroundRun(models.Model):
    """A row a background task works on (a match run, a registry import), with the worker's
    last sign of life. The worker beats ``heartbeat_at`` while it works (``core.heartbeat``);
    a queued or running row whose worker stopped beating is failed by
    ``core.heartbeat.fail_stalled`` and ``worker_lost_at`` says when that was found.

    Subclasses have ``status`` with the values below, ``requested_at``, ``finished_at``,
    ``task_id`` and a state machine on ``status`` (``core.states``)."""

    QUEUED, RUNNING, FAILED = "queued", "running", "failed"
    # The subclass's own fields that core.heartbeat reads and writes.
    status: str
    requested_at: dt.datetime
    finished_at: dt.datetime | None
    task_id: str

    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    worker_lost_at = models.DateTimeField(_("worker found stopped"), null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def worker_lost_message(self) -> str:
        """Why the run failed when its worker stopped, in the active language ("" otherwise)."""
        if self.worker_lost_at is None:
            return ""
        if self.heartbeat_at is None:
            return gettext(
                "The worker stopped before it started this (queued at %(time)s); "
                "you can run it again."
            ) % {"time": _local(self.requested_at)}
        return gettext(
            "The worker stopped while running this (last sign of life at %(time)s); "
            "you can run it again."
        ) % {"time": _local(self.heartbeat_at)}


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S")


class RateLimitWindow(models.Model):
    """How many attempts one key made in its current window (``core.ratelimit``).

    ``scope`` names what is limited (a form and what it is counted by, or a kind of mail);
    ``key`` is a keyed hash of the client or e-mail address, so no address is stored. A row
    whose window has ended is reused by the next attempt, or deleted by
    ``ciodispatch purge_rate_limits``.
    """

    scope = models.CharField(max_length=120)
    key = models.CharField(max_length=64)
    window_ends_at = models.DateTimeField(db_index=True)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="ratelimit_one_row_per_key")
        ]

    def __str__(self):
        return f"{self.scope}: {self.count} until {self.window_ends_at:%Y-%m-%d %H:%M}"


class FormSubmission(models.Model):
    """One sending of a create form, by its one-time token (``core.once``).

    ``owner`` is who sent the token: the user (``user:<pk>``), else the visitor's session, else
    a keyed hash of their CSRF cookie or address; ``token`` is a hash of the form's token,
    unique per owner, so a second sending of the same form finds this row and gets
    ``location``, where the first answer sent the user. Rows older than a day are deleted by
    ``ciodispatch purge_form_tokens``.
    """

    owner = models.CharField(max_length=80)
    token = models.CharField(max_length=64)
    path = models.CharField(max_length=300)
    location = models.CharField(max_length=500, blank=True)
    sent_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "token"], name="form_token_sent_once")
        ]

    def __str__(self):
        return f"{self.path} sent at {self.sent_at:%Y-%m-%d %H:%M}"


class WorkerHeartbeat(models.Model):
    """A polling background worker's last sign of life (``core.workers``): one row per worker
    process, written when it starts and then every quarter of ``WORKER_SEEN_WITHIN_SECONDS``
    from a thread, deleted when it stops. ``/readyz`` asks whether one beat within that
    interval. Names the machine and process, nothing about people."""

    worker_id = models.CharField(max_length=64, unique=True)
    host = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField(db_index=True)

    def __str__(self):
        return f"{self.host}:{self.pid} seen at {self.seen_at:%Y-%m-%d %H:%M:%S}"
