from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ciodispatch.notices.kinds import kind_of


class Notice(models.Model):
    """One event that concerns one user, with the page it is about. The sentence is the
    kind's, rendered in the reader's language each time it is read."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notices",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=64)
    params = models.JSONField(_("details"), default=dict, blank=True)
    url = models.CharField(_("link"), max_length=500)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        indexes = [
            # The list, newest first.
            models.Index(fields=["recipient", "-created_at"], name="notice_by_recipient"),
            # The unread count on every page: only the unread rows are in it.
            models.Index(
                fields=["recipient"],
                condition=models.Q(read_at__isnull=True),
                name="notice_unread",
            ),
        ]

    def __str__(self):
        return self.text

    @property
    def kind_info(self):
        return kind_of(self.kind)

    @property
    def label(self) -> str:
        return str(self.kind_info.label)

    @property
    def text(self) -> str:
        return self.kind_info.render(self.params)

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NoticePreference(models.Model):
    """Whether one user gets one kind of notice by mail (in-app notices are always shown);
    without a row, the kind's default holds."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notice_preferences"
    )
    kind = models.CharField(_("kind"), max_length=64)
    mail = models.BooleanField(_("by mail"))

    class Meta:
        verbose_name = _("notice preference")
        verbose_name_plural = _("notice preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_notice_preference_per_kind")
        ]

    def __str__(self):
        return f"{self.user_id} {self.kind}: {self.mail}"


class MailLanguage(models.Model):
    """The language a user's notice mails are written in (without a row, LANGUAGE_CODE)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="mail_language",
    )
    language = models.CharField(_("language of mail"), max_length=8, choices=settings.LANGUAGES)

    class Meta:
        verbose_name = _("mail language")
        verbose_name_plural = _("mail languages")

    def __str__(self):
        return f"{self.user_id}: {self.language}"


class DeadlineReminder(models.Model):
    """A reminder sent: one per user, kind of work, due date and stage, ever. The row is
    written in the reminder's transaction before its notice, so a second run (or a second
    machine at the same moment) fails on the constraint and sends nothing."""

    class Stage(models.TextChoices):
        WEEK_BEFORE = "week_before", _("7 days before")
        DAY_BEFORE = "day_before", _("1 day before")
        OVERDUE = "overdue", _("The day after")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="deadline_reminders"
    )
    kind = models.CharField(_("kind of work"), max_length=64)
    due_on = models.DateField(_("due"))
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices)
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        verbose_name = _("deadline reminder")
        verbose_name_plural = _("deadline reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "due_on", "stage"], name="one_reminder_per_stage"
            )
        ]

    def __str__(self):
        return f"{self.user_id} {self.kind} {self.due_on} {self.stage}"
