import json

from django.db import models
from django.utils.translation import gettext_lazy as _

from ciodispatch.core.models import actor_field


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("Audit events are append-only.")

    def delete(self):
        raise PermissionError("Audit events are append-only.")


class AuditEvent(models.Model):
    """One state-changing service call: who, when, which object, what changed.

    Append-only: the model refuses updates and deletes; nobody edits it through the UI.
    """

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = actor_field(_("who"), null=True, blank=True)
    # Kept as text too, so the record reads the same after a user is renamed.
    actor_label = models.CharField(_("who (as recorded)"), max_length=150)
    action = models.CharField(_("action"), max_length=80, db_index=True)
    object_type = models.CharField(_("object type"), max_length=100, db_index=True, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, db_index=True, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit events are append-only.")

    @property
    def changes_text(self) -> str:
        text = json.dumps(self.changes, ensure_ascii=False, indent=1, default=str)
        return text if len(text) <= 2000 else text[:2000] + " …"
