"""``/healthz`` and ``/readyz``, for a load balancer.

- ``GET /healthz``: the process answers (no database); 200.
- ``GET /readyz``: 200 when the database answers, every migration of this code is applied
  and a background worker beat within ``WORKER_SEEN_WITHIN_SECONDS`` (``core.workers``);
  otherwise 503. The JSON body names each check and what failed.

The middleware answers them before any other (first in ``MIDDLEWARE``): a probe carries no
session or CSRF token, may come over plain http to the server's own address (not one of
``ALLOWED_HOSTS``), must not count against sign-in or rate limits, and is not worth a line in
the request log every few seconds. The answers hold no personal data (not even host names).
"""

from __future__ import annotations

from django.db import DatabaseError, connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.http import JsonResponse

from ciodispatch.core.workers import worker_seen

HEALTH_PATH, READY_PATH = "/healthz", "/readyz"
IDLE = ("ok", "not checked")

_code_migrations: set[tuple[str, str]] | None = None


def code_migrations() -> set[tuple[str, str]]:
    """The migrations this code has (read from disk once per process)."""
    global _code_migrations
    if _code_migrations is None:
        loader = MigrationLoader(None, ignore_no_migrations=True)
        _code_migrations = set(loader.graph.nodes)
    return _code_migrations


def unapplied_migrations() -> list[str]:
    applied = set(MigrationRecorder(connection).applied_migrations())
    return sorted(f"{app}.{name}" for app, name in code_migrations() - applied)


def readiness() -> dict[str, str]:
    """Each check and its outcome: "ok", or a short reason."""
    checks = {"database": "ok", "migrations": "ok", "worker": "ok"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        try:
            connection.close()  # let the next probe connect afresh
        except DatabaseError:
            pass
        return {"database": "unreachable", "migrations": "not checked", "worker": "not checked"}
    try:
        missing = unapplied_migrations()
    except DatabaseError:
        missing = ["(the migration table cannot be read)"]
    if missing:
        checks["migrations"] = f"{len(missing)} not applied"
    try:
        if not worker_seen():
            checks["worker"] = "none seen within WORKER_SEEN_WITHIN_SECONDS"
    except DatabaseError:
        checks["worker"] = "cannot be read (migrations not applied?)"
    return checks


def _answer(status: int, body: dict) -> JsonResponse:
    response = JsonResponse(body, status=status)
    response["Cache-Control"] = "no-store"
    # Not an error of this request: an unready server is said by the 503 itself, not by an
    # ERROR line in django.request for every probe.
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response


class ProbeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info.rstrip("/")
        if path not in (HEALTH_PATH, READY_PATH):
            return self.get_response(request)
        if request.method not in ("GET", "HEAD"):
            return _answer(405, {"status": "method not allowed"})
        if path == HEALTH_PATH:
            return _answer(200, {"status": "ok"})
        checks = readiness()
        failed = sorted(name for name, outcome in checks.items() if outcome not in IDLE)
        if failed:
            return _answer(503, {"status": "unavailable", "failed": failed, "checks": checks})
        return _answer(200, {"status": "ok", "checks": checks})
