"""The backup of docs/operations.md, performed: ``pg_dump -Fc`` of a database with data in it,
``pg_restore`` into a new database, and the rows are all there (and the restored database
has every migration applied, so the restored site starts)."""

import os
import shutil
import subprocess
import uuid

import psycopg
import pytest
from django.db import connection

from ciodispatch.accounts.models import User
from ciodispatch.audit.models import AuditEvent
from ciodispatch.candidates.models import Application
from ciodispatch.localgov.models import LocalGovernment
from tests.candidates.helpers import new_candidate
from tests.conftest import load_registry, make_personas

pytestmark = pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").split(":", 1)[0] not in ("postgres", "postgresql"),
    reason="the backup procedure is PostgreSQL's (pg_dump, pg_restore); an SQLite install is "
    "backed up by copying its file (docs/operations.md)",
)

TABLES = {
    "localgov_localgovernment": LocalGovernment,
    "accounts_user": User,
    "candidates_application": Application,
    "audit_auditevent": AuditEvent,
}


def _client_env(db: dict) -> tuple[dict, list[str]]:
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    options = ["-h", db.get("HOST") or "127.0.0.1", "-p", str(db.get("PORT") or 5432)]
    if db.get("USER"):
        options += ["-U", db["USER"]]
    return env, options


def test_a_pg_dump_restores_into_a_new_database_with_every_row(transactional_db, tmp_path):
    for tool in ("pg_dump", "pg_restore", "createdb", "dropdb"):
        assert shutil.which(tool), f"{tool} is not on PATH (Debian's postgresql-client)"
    load_registry()
    make_personas()
    new_candidate("backup-candidate")
    expected = {table: model.objects.count() for table, model in TABLES.items()}
    assert all(expected.values()), expected

    db = connection.settings_dict
    env, options = _client_env(db)
    dump = tmp_path / "ciodispatch.dump"
    subprocess.run(
        ["pg_dump", *options, "-Fc", "--no-owner", "-f", str(dump), db["NAME"]],
        env=env, check=True, timeout=120,
    )  # fmt: skip
    restored = f"{db['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    subprocess.run(["createdb", *options, restored], env=env, check=True, timeout=60)
    try:
        subprocess.run(
            ["pg_restore", *options, "--no-owner", "--exit-on-error", "-d", restored, str(dump)],
            env=env, check=True, timeout=300,
        )  # fmt: skip
        with psycopg.connect(
            host=options[1], port=int(options[3]), user=db.get("USER") or None,
            password=db.get("PASSWORD") or None, dbname=restored,
        ) as restored_db:  # fmt: skip
            counts = {
                table: restored_db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                for table in TABLES
            }
            user = restored_db.execute(
                "SELECT email FROM accounts_user WHERE username = 'backup-candidate'"
            ).fetchone()
            applied = restored_db.execute("SELECT count(*) FROM django_migrations").fetchone()[0]
        assert counts == expected
        assert user == ("backup-candidate@example.jp",)
        from django.db.migrations.recorder import MigrationRecorder

        assert applied == MigrationRecorder.Migration.objects.count()
    finally:
        subprocess.run(["dropdb", *options, "--if-exists", restored], env=env, timeout=60)
