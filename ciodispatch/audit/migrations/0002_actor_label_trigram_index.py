"""The audit log's filter by who did it is a substring match (``actor_label__icontains``,
``UPPER(actor_label) LIKE UPPER('%…%')`` on PostgreSQL), which no B-tree index serves; a
trigram index does. PostgreSQL only (pg_trgm is a trusted extension from PostgreSQL 13, so
the database's owner may create it); SQLite scans, as its demo-sized tables allow."""

from django.db import migrations

INDEX = "audit_event_actor_label_trgm"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")
        if cursor.fetchone() is None:
            return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON audit_auditevent "
        "USING gin (UPPER(actor_label) gin_trgm_ops)"
    )
    # PostgreSQL keeps statistics of an expression index's expression only after ANALYZE;
    # until then it guesses a handful of rows for any pattern and, for a common name (the
    # office: half the log), reads every match through the index and sorts them, instead of
    # walking the log newest first (157 ms against 0.2 ms at 450,000 events).
    schema_editor.execute("ANALYZE audit_auditevent")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
