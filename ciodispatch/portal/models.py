from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _


class StatisticsSnapshot(models.Model):
    """The programme's public statistics as last computed, one row per kind and language.

    Kept in the database so every app server shares it; ``fingerprint`` says which state of
    the data it was computed from (``portal.statistics.data_fingerprint``), and a row whose
    fingerprint no longer matches is computed again by the next reader.
    """

    kind = models.CharField(_("kind"), max_length=40, unique=True)
    fingerprint = models.CharField(_("fingerprint"), max_length=100)
    data = models.JSONField(_("figures"), encoder=DjangoJSONEncoder)
    computed_at = models.DateTimeField(_("computed"))

    class Meta:
        verbose_name = _("statistics snapshot")
        verbose_name_plural = _("statistics snapshots")

    def __str__(self):
        return f"{self.kind} @ {self.fingerprint}"
