"""The search index becomes a table of bigram postings, the same on SQLite and PostgreSQL.

The FTS5 table (SQLite) and the tsvector column (PostgreSQL) of 0002 found candidates only:
every hit was then confirmed and ranked in Python, at most 5,000 of them. SearchPosting holds
each document's bigrams with their precomputed score, so the database counts and ranks every
hit (docs/search.md). Existing entries get their postings here.
"""

from django.db import migrations, models

from ciodispatch.knowhow import text as T

SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS knowhow_search_au",
    "DROP TRIGGER IF EXISTS knowhow_search_ad",
    "DROP TRIGGER IF EXISTS knowhow_search_ai",
    "DROP TABLE IF EXISTS knowhow_search_fts",
]
POSTGRES_DROP = [
    "DROP INDEX IF EXISTS knowhow_searchentry_tsv",
    "ALTER TABLE knowhow_searchentry DROP COLUMN IF EXISTS tsv",
]


def drop_full_text_index(apps, schema_editor):
    statements = {"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}.get(
        schema_editor.connection.vendor, []
    )
    for statement in statements:
        schema_editor.execute(statement)


def fill_postings(apps, schema_editor):
    SearchEntry = apps.get_model("knowhow", "SearchEntry")
    SearchPosting = apps.get_model("knowhow", "SearchPosting")
    LocalGovernment = apps.get_model("localgov", "LocalGovernment")
    known = frozenset(
        T.normalise(name).replace(T.SEPARATOR, "")
        for name in LocalGovernment.objects.values_list("name", flat=True)
    )
    for entry in SearchEntry.objects.iterator():
        weights = T.bigram_weights(entry.normalised_title, entry.normalised_text, known)
        SearchPosting.objects.bulk_create(
            SearchPosting(
                entry_id=entry.pk,
                gram=gram,
                kind=entry.kind,
                object_id=entry.object_id,
                weight=weight,
            )
            for gram, weight in weights.items()
        )


class Migration(migrations.Migration):
    dependencies = [
        ("knowhow", "0002_search_index"),
        ("localgov", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(drop_full_text_index, migrations.RunPython.noop),
        migrations.RemoveField(model_name="searchentry", name="tokens"),
        migrations.CreateModel(
            name="SearchPosting",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("gram", models.BigIntegerField()),
                ("kind", models.CharField(max_length=20)),
                ("object_id", models.PositiveBigIntegerField()),
                ("weight", models.FloatField()),
                (
                    "entry",
                    models.ForeignKey(
                        on_delete=models.deletion.CASCADE,
                        related_name="postings",
                        to="knowhow.searchentry",
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(
                        fields=["gram", "kind", "object_id", "weight"],
                        name="knowhow_posting_lookup",
                    )
                ],
            },
        ),
        migrations.RunPython(fill_postings, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                fields=["state", "-published_at", "-id"], name="knowhow_case_by_state"
            ),
        ),
    ]
