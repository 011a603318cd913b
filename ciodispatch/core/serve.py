"""``make serve``: the production server on this machine (``python -m ciodispatch.core.serve``).

1. Refuses to start, in one line saying what to set, without ``SECRET_KEY``, without
   ``ALLOWED_HOSTS``, with ``DEBUG`` on, or on SQLite (``DATABASE_URL`` unset or sqlite://)
   unless ``SINGLE_MACHINE=true`` says this one machine is the whole install.
2. Refuses to start while a migration of this code is not applied: migrations run once,
   before the new code starts (``ciodispatch migrate``; docs/operations.md, "Upgrades"),
   not from each of several app servers at once.
3. Collects the static files (hashed and compressed, ``STATIC_MANIFEST=true``; whitenoise
   serves them with far-future caching) and fails runs whose worker stopped.
4. Starts gunicorn (``WEB_CONCURRENCY`` web processes, ``core/gunicorn_conf.py``) and one
   background worker (``ciodispatch db_worker``), and stops both when either stops or when
   it is told to stop (SIGTERM, SIGINT).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError

from ciodispatch.env import envbool, envlist, envstr


def refusal() -> str | None:
    """Why this environment may not serve production, in one line; None when it may."""
    if envbool("DEBUG", False):
        return "DEBUG is on: unset it (or set DEBUG=false); make serve runs with DEBUG off."
    if not envstr("SECRET_KEY", ""):
        return (
            "set SECRET_KEY (or SECRET_KEY_FILE) to a long random value, the same on every "
            "app server."
        )
    if not envlist("ALLOWED_HOSTS", []):
        return "set ALLOWED_HOSTS to the site's host names, comma-separated (e.g. cio.example.jp)."
    database_url = envstr("DATABASE_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")) and not envbool(
        "SINGLE_MACHINE", False
    ):
        return (
            "set DATABASE_URL to a postgres:// URL, or SINGLE_MACHINE=true to serve from "
            "SQLite on this one machine (no second app server or worker elsewhere)."
        )
    return None


def _manage(*arguments: str) -> list[str]:
    return [sys.executable, "-m", "ciodispatch.manage", *arguments]


def _prepare() -> str | None:
    """Check the schema, collect the static files, fail stalled runs; a refusal or None."""
    import django
    from django.core.management import call_command

    django.setup()
    from ciodispatch.core.probes import unapplied_migrations

    missing = unapplied_migrations()
    if missing:
        return (
            f"{len(missing)} migration(s) not applied ({missing[0]}, ...): run "
            "`ciodispatch migrate` once, before starting the new code (docs/operations.md)."
        )
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("fail_stalled_runs", verbosity=0)
    return None


def main() -> int:
    try:
        problem = refusal()
        if problem is None:
            os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ciodispatch.settings")
            os.environ["DEBUG"] = "false"
            os.environ.setdefault("STATIC_MANIFEST", "true")
            problem = _prepare()
    except ImproperlyConfigured as exc:
        problem = str(exc)
    except DatabaseError as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        problem = f"the database of DATABASE_URL cannot be reached: {reason}"
    if problem:
        print(f"make serve: {problem}", file=sys.stderr)
        return 2

    gunicorn = [
        sys.executable, "-m", "gunicorn", "-c", "python:ciodispatch.core.gunicorn_conf",
        "ciodispatch.wsgi:application",
    ]  # fmt: skip
    processes = [
        subprocess.Popen(gunicorn),
        subprocess.Popen(_manage("db_worker", "--no-reload")),
    ]
    told_to_stop = False

    def stop_all() -> None:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)

    def on_signal(_signum, _frame) -> None:
        nonlocal told_to_stop
        told_to_stop = True
        stop_all()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    while all(process.poll() is None for process in processes):
        time.sleep(0.5)
    if not told_to_stop:
        print("make serve: a process stopped by itself; stopping the other", file=sys.stderr)
    stop_all()
    for process in processes:
        try:
            process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            process.kill()
    codes = [process.returncode for process in processes]
    return 0 if told_to_stop and all(code in (0, -signal.SIGTERM) for code in codes) else 1


if __name__ == "__main__":
    sys.exit(main())
