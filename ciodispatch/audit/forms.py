from django import forms
from django.db import connection
from django.utils.translation import gettext_lazy as _

from ciodispatch.audit.models import AuditEvent
from ciodispatch.core.forms import with_all


def distinct_values(column: str) -> list[str]:
    """The distinct values of an indexed column of the audit log, in order, read by skipping
    through its index (one index probe per value) instead of reading every event: a few
    hundred actions over 450,000 events take about 1 ms instead of 30 ms a view."""
    if column not in ("action", "object_type"):  # a column name, never user input
        raise ValueError(column)
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    col = connection.ops.quote_name(column)
    sql = (
        f"WITH RECURSIVE seen(v) AS ("
        f"  SELECT * FROM (SELECT {col} FROM {table} ORDER BY {col} LIMIT 1) AS first_value"
        f"  UNION ALL"
        f"  SELECT (SELECT {col} FROM {table} WHERE {col} > seen.v ORDER BY {col} LIMIT 1)"
        f"  FROM seen WHERE seen.v IS NOT NULL"
        f") SELECT v FROM seen WHERE v IS NOT NULL"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [row[0] for row in cursor.fetchall()]


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"), required=False)
    actor = forms.CharField(label=_("Who (user name)"), required=False, max_length=150)
    object_type = forms.ChoiceField(label=_("Object type"), required=False)
    object_id = forms.CharField(label=_("Object id"), required=False, max_length=64)
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        actions = distinct_values("action")
        types = [t for t in distinct_values("object_type") if t]
        self.fields["action"].choices = with_all([(a, a) for a in actions])
        self.fields["object_type"].choices = with_all([(t, t) for t in types])

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end date must be on or after the start date."))
        return data
