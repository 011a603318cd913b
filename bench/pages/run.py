"""Time the pages of the catalogue under gunicorn and print one Markdown table.

Steps: find the samples and write their sessions; read every page once in-process through
Django's test client (its status, and its query count with ``CaptureQueriesContext``, which
the server does not report); collect static files and start gunicorn on the same database;
time the baseline (``/healthz`` if the server has it, else a static file through whitenoise)
and then each page with several concurrent clients. Ratios are each page's p50 over the
baseline's p50, measured in the same run.
"""

import argparse
import gzip
import os
import secrets
import tempfile
import time
from dataclasses import dataclass, field

from bench.pages import catalogue, cpu, load, samples, server

DEFAULTS = {
    "requests": 40,
    "clients": 4,
    # make serve's default (WEB_CONCURRENCY) on this 2-core machine.
    "workers": int(os.environ.get("WEB_CONCURRENCY") or 2),
    "threads": 1,
    "budget": 10.0,
    "minimum": 8,
    "timeout": 30,
}
# In-process, the query count is taken on at most this many of a page's URLs.
COUNTED_URLS = 3
TARGET_P95 = 0.200


def options(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.pages",
        description="Time the pages each role uses most under gunicorn, on DATABASE_URL.",
    )
    add = parser.add_argument
    add("--requests", type=int, default=DEFAULTS["requests"], help="timed requests a page")
    add("--clients", type=int, default=DEFAULTS["clients"], help="concurrent clients")
    add("--workers", type=int, default=DEFAULTS["workers"], help="gunicorn worker processes")
    add("--threads", type=int, default=DEFAULTS["threads"], help=">1: gthread workers")
    add(
        "--budget",
        type=float,
        default=DEFAULTS["budget"],
        help="seconds a page may take once --minimum requests are timed",
    )
    add("--minimum", type=int, default=DEFAULTS["minimum"], help="timed requests at least")
    add("--timeout", type=int, default=DEFAULTS["timeout"], help="gunicorn's worker timeout")
    add("--only", action="append", default=[], help="a page's name (repeat; default: all)")
    parsed = parser.parse_args(argv or [])
    if min(parsed.requests, parsed.clients, parsed.workers, parsed.threads, parsed.minimum) < 1:
        parser.error("--requests, --clients, --workers, --threads and --minimum must be ≥ 1")
    return parsed


@dataclass
class PageCheck:
    """One page read in-process: its reader, URLs, status and query count, or why not."""

    page: catalogue.Page
    cookies: dict[str, str] = field(default_factory=dict)
    urls: list[str] = field(default_factory=list)
    status: int | None = None
    queries: int | None = None
    note: str = ""
    measurement: load.Measurement | None = None

    @property
    def measurable(self) -> bool:
        return self.status == 200


def check_pages(found: samples.Samples, sessions: samples.Sessions, pages=None) -> list[PageCheck]:
    """Read each page's first URLs once through the test client as its reader."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    cookie_of: dict[str, dict[str, str]] = {}
    checks = []
    for page in pages if pages is not None else catalogue.PAGES:
        check = PageCheck(page)
        checks.append(check)
        if page.not_built:
            check.note = f"not built yet ({page.not_built})"
            continue
        try:
            user = catalogue.reader(found, page.role)
            check.urls = page.urls(found)
        except samples.NoSample as missing:
            check.note = f"no sample in this database: {missing}"
            continue
        if page.role not in cookie_of:
            cookie_of[page.role] = (
                {settings.SESSION_COOKIE_NAME: sessions.sign_in(user)} if user else {}
            )
        check.cookies = cookie_of[page.role]
        client = Client(HTTP_HOST=_allowed_host())
        client.cookies.load(check.cookies)
        for url in check.urls[:COUNTED_URLS]:
            try:
                with CaptureQueriesContext(connection) as queries:
                    response = client.get(url, secure=bool(settings.SECURE_SSL_REDIRECT))
            except Exception as exc:  # a page that crashes is reported, not hidden
                check.status, check.note = 500, f"crashed in-process: {exc!r}"[:200]
                break
            check.queries = max(check.queries or 0, len(queries.captured_queries))
            check.status = response.status_code
            if response.status_code != 200:
                where = response.get("Location")
                check.note = f"HTTP {response.status_code} at {url}" + (
                    f" (to {where})" if where else ""
                )
                break
        if page.name in found.missing:
            check.note = "; ".join(n for n in (found.missing[page.name], check.note) if n)
    return checks


def _allowed_host() -> str:
    from django.conf import settings

    hosts = settings.ALLOWED_HOSTS
    if "testserver" in hosts:
        return "testserver"
    return next((h for h in hosts if h != "*" and not h.startswith(".")), "127.0.0.1")


def data_size() -> str:
    from django.db import connection

    from ciodispatch.audit.models import AuditEvent
    from ciodispatch.candidates.models import Application
    from ciodispatch.dispatches.models import Dispatch
    from ciodispatch.knowhow.models import SearchEntry
    from ciodispatch.matchround.models import Post
    from ciodispatch.requests.models import DispatchRequest

    counts = [
        (Application.objects.count(), "applications"),
        (DispatchRequest.objects.count(), "requests"),
        (Post.objects.count(), "posts"),
        (Dispatch.objects.count(), "dispatches"),
        (AuditEvent.objects.count(), "audit events"),
        (SearchEntry.objects.count(), "search entries"),
    ]
    vendor = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}.get(
        connection.vendor, connection.vendor
    )
    return f"{vendor}: " + ", ".join(f"{n:,} {what}" for n, what in counts)


def run(argv: list[str] | None = None) -> str:
    from django.test import override_settings

    from ciodispatch.dispatches.models import Dispatch

    opts = options(argv)
    if not Dispatch.objects.exists():
        return (
            "### Pages\n\nSkipped: the database has no dispatches. Run it on a loaded database: "
            "`DATABASE_URL=... python -m bench pages` after `ciodispatch load_demo`.\n"
        )
    pages = catalogue.PAGES
    unknown = set(opts.only) - {p.name for p in pages}
    if unknown:
        raise SystemExit(f"unknown page(s) {sorted(unknown)}; see bench/pages/catalogue.py")
    if opts.only:
        pages = [p for p in pages if p.name in opts.only]
    secret_key = secrets.token_urlsafe(50)
    # The sessions are written under the key the server is given.
    with override_settings(SECRET_KEY=secret_key), tempfile.TemporaryDirectory() as var_dir:
        sessions = samples.Sessions()
        try:
            started, load_before = time.perf_counter(), os.getloadavg()[0]
            found = samples.find_samples()
            checks = check_pages(found, sessions, pages)
            app = server.Server(
                server.server_environment(
                    database_url=os.environ["DATABASE_URL"],
                    secret_key=secret_key,
                    var_dir=var_dir,
                ),
                workers=opts.workers,
                threads=opts.threads,
                timeout=opts.timeout,
                var_dir=var_dir,
            )
            app.collect_static()
            app.start()
            try:
                baseline_name, baseline = _baseline(app, opts)
                for check in checks:
                    if check.measurable and _served_as_reader(app, check):
                        check.measurement = _measure(app, opts, check.urls, check.cookies)
            finally:
                app.stop()
            elapsed = time.perf_counter() - started
            machine = (
                f"{elapsed:.0f} s in all; load average {load_before:.1f} at the start, "
                f"{os.getloadavg()[0]:.1f} at the end, {os.cpu_count()} CPUs"
            )
        finally:
            sessions.close()
    return _table(opts, app, data_size(), baseline_name, baseline, checks, machine)


def _measure(app: server.Server, opts, urls: list[str], cookies: dict, *, requests=None):
    return load.measure(
        server.HOST,
        app.port,
        urls,
        cookies=cookies,
        clients=opts.clients,
        requests=requests or opts.requests,
        warmup=max(opts.workers, opts.clients),
        budget=opts.budget,
        minimum=opts.minimum,
        timeout=opts.timeout + 5,
        cpu=cpu.Clock(app.process.pid),
    )


def _served_as_reader(app: server.Server, check: PageCheck) -> bool:
    """Does the server answer the page's first URL with 200, to its reader (a signed-in page
    has the sign-out form; an anonymous one has not; a signed-in user's JSON is answered
    only to them)?"""
    from django.urls import reverse

    client = load.Client(server.HOST, app.port, check.cookies, timeout=app.timeout + 5)
    try:
        status, body, _seconds = client.fetch(check.urls[0])
    finally:
        client.close()
    if body.startswith(b"\x1f\x8b"):  # gzip, should the app compress its pages one day
        body = gzip.decompress(body)
    signed_in = f'action="{reverse("accounts:logout")}"'.encode() in body
    if body[:1] in (b"[", b"{"):  # JSON of the signed-in user's own (401 to a stranger)
        signed_in = status == 200
    if status != 200:
        check.note = f"the server answered {status} at {check.urls[0]}"
    elif signed_in != (check.page.role != catalogue.PUBLIC):
        check.note = "the server did not read the page as its reader (session not taken?)"
    else:
        return True
    return False


def _baseline(app: server.Server, opts) -> tuple[str, load.Measurement]:
    for path in ("/healthz", "/healthz/"):
        if app.status(path) == 200:
            name, url = f"`{path}`", path
            break
    else:
        name = f"static file `{server.STATIC_BASELINE}` (whitenoise)"
        url = app.static_url(server.STATIC_BASELINE)
    # Fast, so many more requests: its p50 is the denominator of every ratio.
    return name, _measure(app, opts, [url], {}, requests=max(200, opts.requests * 5))


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f}"


def _table(opts, app, size, baseline_name, baseline, checks, machine: str) -> str:
    base = baseline.p50
    lines = [
        "### Pages",
        "",
        f"{size}. {app.describe()}; {opts.clients} concurrent clients; up to "
        f"{opts.requests} timed requests a page (at least {opts.minimum}, then stopping after "
        f"{opts.budget:g} s) after a warm-up; {machine}.",
        "",
        "| page | role | p50 (ms) | p95 (ms) | p50 / baseline p50 | app CPU (ms/req) "
        "| db CPU (ms/req) | req/s | size (kB) | queries | n | note |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
        f"| {baseline_name} (baseline) | — | {_ms(base)} | {_ms(baseline.p95)} | 1.0 "
        f"| {_cpu(baseline)} | {baseline.per_second:,.0f} | {baseline.size / 1000:,.1f} | — "
        f"| {len(baseline.seconds)} | {_refusals(baseline)} |",
    ]
    over = []
    for check in checks:
        page, m = check.page, check.measurement
        queries = "—" if check.queries is None else str(check.queries)
        if m is None or not m.seconds:
            note = check.note or (_refusals(m) if m else "")
            dashes = " | ".join(["—"] * 7)
            lines.append(f"| {page.name} | {page.role} | {dashes} | {queries} | — | {note} |")
            continue
        note = "; ".join(n for n in (check.note, _refusals(m)) if n)
        if m.p95 >= TARGET_P95:
            over.append(page.name)
            note = "; ".join(n for n in ("**p95 ≥ 200 ms**", note) if n)
        variants = f" ({len(check.urls)} URLs in turn)" if len(check.urls) > 1 else ""
        lines.append(
            f"| {page.name}{variants} | {page.role} | {_ms(m.p50)} | {_ms(m.p95)} "
            f"| {m.p50 / base:,.1f} | {_cpu(m)} | {m.per_second:,.1f} | {m.size / 1000:,.1f} "
            f"| {queries} | {len(m.seconds)} | {note} |"
        )
    lines.append("")
    lines.append(
        "p95 at or over 200 ms: " + ("; ".join(over) if over else "none") + ". Queries: "
        "counted in-process through Django's test client on the same database (the most of "
        f"the page's first {COUNTED_URLS} URLs). CPU: user and system time over the timed "
        "requests, divided by their number, of gunicorn's workers (app) and of the local "
        "PostgreSQL's backends of this database (db; on SQLite it is in the app's), which "
        "waiting for a busy machine's cores does not inflate as it does the latencies."
    )
    return "\n".join(lines) + "\n"


def _cpu(m: load.Measurement) -> str:
    """The app's and the database's CPU a request, as two cells."""
    cells = [m.cpu_per_request(kind) for kind in ("app", "db")]
    return " | ".join("—" if c is None else _ms(c) for c in cells)


def _refusals(m: load.Measurement | None) -> str:
    if m is None or not m.refusals:
        return ""
    return "not 200: " + ", ".join(f"{k} ×{n}" for k, n in sorted(m.refusals.items(), key=str))
