from django.db import migrations, models


def backfill_published_at(apps, schema_editor):
    """Offers open now, and withdrawn offers the audit log shows were published once."""
    SupportOffer = apps.get_model("outreach", "SupportOffer")
    AuditEvent = apps.get_model("audit", "AuditEvent")
    published = {
        event.object_id: event.at
        for event in AuditEvent.objects.filter(
            object_type="outreach.supportoffer", action="outreach.supportoffer.published"
        ).order_by("-at")
    }
    for offer in SupportOffer.objects.filter(state__in=("published", "withdrawn")):
        when = published.get(str(offer.pk))
        if when is None and offer.state == "published":
            when = offer.updated_at
        if when is not None:
            SupportOffer.objects.filter(pk=offer.pk).update(published_at=when)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
        ("outreach", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="supportoffer",
            name="published_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="published"),
        ),
        migrations.RunPython(backfill_published_at, migrations.RunPython.noop),
    ]
