"""The search reads one page without ranking every hit (docs/search.md, issue #18).

- ``knowhow_posting_top`` (gram, kind, weight, object_id): a two-character word's best
  documents are the end of its range, read backwards; built here from the existing postings.
- ``SearchTerm`` / ``SearchTermPosting``: the postings of words longer than two characters,
  made on a word's first search (empty until then) and kept up to date by indexing.
- PostgreSQL: no parallel workers for scans of the posting tables. A search reads a few
  index ranges; starting workers cost more than they save (予算 人材, a merge join of 49,903
  and 54,983 postings: 35 ms with two workers, 25 ms without, at 100,000 documents).
"""

import django.db.models.deletion
from django.db import migrations, models

POSTING_TABLES = ["knowhow_searchposting", "knowhow_searchtermposting"]


def serial_scans(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table in POSTING_TABLES:
            schema_editor.execute(f"ALTER TABLE {table} SET (parallel_workers = 0)")


def parallel_scans(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table in POSTING_TABLES:
            schema_editor.execute(f"ALTER TABLE {table} RESET (parallel_workers)")


class Migration(migrations.Migration):
    dependencies = [
        ("knowhow", "0003_search_postings"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchTerm",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("kind", models.CharField(max_length=20)),
                ("term", models.CharField(max_length=100)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
            ],
        ),
        migrations.CreateModel(
            name="SearchTermPosting",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("object_id", models.PositiveBigIntegerField()),
                ("weight", models.FloatField()),
            ],
        ),
        migrations.AddIndex(
            model_name="searchposting",
            index=models.Index(
                fields=["gram", "kind", "weight", "object_id"], name="knowhow_posting_top"
            ),
        ),
        migrations.AddConstraint(
            model_name="searchterm",
            constraint=models.UniqueConstraint(
                fields=("kind", "term"), name="one_search_term_per_kind"
            ),
        ),
        migrations.AddField(
            model_name="searchtermposting",
            name="entry",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="term_postings",
                to="knowhow.searchentry",
            ),
        ),
        migrations.AddField(
            model_name="searchtermposting",
            name="term",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="postings",
                to="knowhow.searchterm",
            ),
        ),
        migrations.AddIndex(
            model_name="searchtermposting",
            index=models.Index(fields=["term", "object_id", "weight"], name="knowhow_term_lookup"),
        ),
        migrations.AddIndex(
            model_name="searchtermposting",
            index=models.Index(fields=["term", "weight", "object_id"], name="knowhow_term_top"),
        ),
        migrations.RunPython(serial_scans, parallel_scans),
    ]
