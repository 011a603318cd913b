"""The full-text index over SearchEntry.tokens, per database.

SQLite: an FTS5 table with external content, kept in step by triggers.
PostgreSQL: a generated tsvector column ('simple' configuration: the tokens are plain ASCII
words, so neither stemming nor the locale changes them) with a GIN index.
"""

from django.db import migrations

SQLITE_UP = [
    "CREATE VIRTUAL TABLE knowhow_search_fts USING fts5("
    "tokens, content='knowhow_searchentry', content_rowid='id')",
    "CREATE TRIGGER knowhow_search_ai AFTER INSERT ON knowhow_searchentry BEGIN "
    "INSERT INTO knowhow_search_fts(rowid, tokens) VALUES (new.id, new.tokens); END",
    "CREATE TRIGGER knowhow_search_ad AFTER DELETE ON knowhow_searchentry BEGIN "
    "INSERT INTO knowhow_search_fts(knowhow_search_fts, rowid, tokens) "
    "VALUES ('delete', old.id, old.tokens); END",
    "CREATE TRIGGER knowhow_search_au AFTER UPDATE ON knowhow_searchentry BEGIN "
    "INSERT INTO knowhow_search_fts(knowhow_search_fts, rowid, tokens) "
    "VALUES ('delete', old.id, old.tokens); "
    "INSERT INTO knowhow_search_fts(rowid, tokens) VALUES (new.id, new.tokens); END",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS knowhow_search_au",
    "DROP TRIGGER IF EXISTS knowhow_search_ad",
    "DROP TRIGGER IF EXISTS knowhow_search_ai",
    "DROP TABLE IF EXISTS knowhow_search_fts",
]
POSTGRES_UP = [
    "ALTER TABLE knowhow_searchentry ADD COLUMN tsv tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, tokens)) STORED",
    "CREATE INDEX knowhow_searchentry_tsv ON knowhow_searchentry USING gin (tsv)",
]
POSTGRES_DOWN = [
    "DROP INDEX IF EXISTS knowhow_searchentry_tsv",
    "ALTER TABLE knowhow_searchentry DROP COLUMN IF EXISTS tsv",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        statements = statements_by_vendor.get(schema_editor.connection.vendor)
        if statements is None:
            raise RuntimeError(
                f"The know-how search index supports SQLite and PostgreSQL, "
                f"not {schema_editor.connection.vendor}."
            )
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("knowhow", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN}),
        )
    ]
