"""The page benchmark's in-process half (bench/pages): it finds its samples in a database built
through the services, signs its readers in, and every page it times answers them with 200, so
its page list cannot rot unnoticed. The server half (gunicorn, the clients) is not run here.
"""

import http.server
import threading

from django.contrib.sessions.models import Session
from django_otp.plugins.otp_totp.models import TOTPDevice

from bench.pages import catalogue, load, samples
from bench.pages.run import check_pages
from ciodispatch.matchround import services as matchround
from tests.dispatches.helpers import dispatch_at
from tests.matchround.helpers import build_round, run_now, to_hosts_phase


def programme(personas, monkeypatch):
    """A round in review (one candidate ranked, one succeeded run) and an active dispatch."""
    setup = build_round(personas, monkeypatch, extra_candidates=1)
    ranked_by = setup.extras[0].user
    posts = [setup.shingu.pk, setup.ureshino.pk]
    matchround.save_candidate_ranking(setup.round, posts, actor=ranked_by)
    to_hosts_phase(setup, personas)
    run = run_now(setup, personas)
    dispatch = dispatch_at(personas, monkeypatch, "active")
    return setup, ranked_by, run, dispatch


def test_the_samples_are_the_records_each_page_is_about(personas, monkeypatch):
    setup, ranked_by, run, dispatch = programme(personas, monkeypatch)

    found = samples.find_samples()

    assert found.missing == {}
    assert found.office == personas.office
    assert (found.host, found.host_dispatch) == (personas.host1, dispatch)
    assert found.host_request == dispatch.request
    # candidate2 is dispatched through the round's term, so the ranked candidate is chosen.
    assert (found.candidate, found.rank_round) == (ranked_by, setup.round)
    assert (found.match_round, found.match_run) == (setup.round, run)
    assert found.audit_actor == personas.office.username


def test_every_page_answers_its_reader_with_200(personas, monkeypatch):
    programme(personas, monkeypatch)
    found = samples.find_samples()
    sessions = samples.Sessions()

    checks = check_pages(found, sessions)

    assert [c.page for c in checks] == catalogue.PAGES
    refused = [
        (c.page.name, c.status, c.note)
        for c in checks
        if not c.page.not_built and (c.status != 200 or c.note)
    ]
    assert refused == []
    assert all(c.queries for c in checks if not c.page.not_built)
    searches = next(c for c in checks if c.page.name == "case search, 2-character words")
    assert len(searches.urls) == len(catalogue.TWO_CHARACTER_WORDS)
    not_built = {c.page.name: c.note for c in checks if c.page.not_built}
    assert not_built == {"public posts": "not built yet (issue #16)"}


def test_a_page_refused_to_its_reader_is_reported_not_timed(personas, monkeypatch):
    programme(personas, monkeypatch)
    found = samples.find_samples()
    applications = next(p for p in catalogue.PAGES if p.name == "applications")
    wrong = catalogue.Page("applications", catalogue.HOST, applications.urls)

    [check] = check_pages(found, samples.Sessions(), [wrong])

    assert (check.status, check.measurable) == (403, False)
    assert check.note == "HTTP 403 at /candidates/applications/"


def test_closing_removes_the_sessions_and_the_device_made_for_the_run(personas, monkeypatch):
    programme(personas, monkeypatch)
    before = Session.objects.count()
    sessions = samples.Sessions()
    for user in (personas.office, personas.host1, personas.candidate2):
        sessions.sign_in(user)
    assert Session.objects.count() == before + 3
    assert TOTPDevice.objects.filter(user=personas.office, name=samples.BENCH_DEVICE_NAME).exists()

    sessions.close()

    assert Session.objects.count() == before
    assert not TOTPDevice.objects.filter(name=samples.BENCH_DEVICE_NAME).exists()


def test_an_office_device_of_its_own_is_used_and_kept(personas, monkeypatch):
    own = TOTPDevice.objects.create(user=personas.office, name="phone", confirmed=True)
    sessions = samples.Sessions()
    key = sessions.sign_in(personas.office)

    assert Session.objects.get(session_key=key).get_decoded()["otp_device_id"] == (
        own.persistent_id
    )
    sessions.close()
    assert TOTPDevice.objects.filter(pk=own.pk).exists()
    assert not TOTPDevice.objects.filter(name=samples.BENCH_DEVICE_NAME).exists()


class _Pages(http.server.BaseHTTPRequestHandler):
    """A stand-in server: 200 with a cookie at /ok, 404 elsewhere; records the cookies sent."""

    protocol_version = "HTTP/1.1"  # keeps connections alive, as gthread does
    cookies_seen: list[str] = []

    def do_GET(self):
        self.cookies_seen.append(self.headers.get("Cookie", ""))
        body = b"page" if self.path == "/ok" else b"no"
        self.send_response(200 if self.path == "/ok" else 404)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Set-Cookie", "csrftoken=abc; Path=/")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_the_clients_time_every_request_and_count_the_refusals_apart():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Pages)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        port = server.server_address[1]
        common = dict(clients=3, warmup=3, budget=60, minimum=1, timeout=5)
        ok = load.measure(
            "127.0.0.1", port, ["/ok"], cookies={"sessionid": "k"}, requests=12, **common
        )
        mixed = load.measure(
            "127.0.0.1", port, ["/ok", "/missing"], cookies={}, requests=10, **common
        )
    finally:
        server.shutdown()
        server.server_close()

    assert (len(ok.seconds), ok.refusals, ok.size) == (12, {}, 4)
    assert ok.p50 <= ok.p95 and ok.per_second > 0
    assert (len(mixed.seconds), mixed.refusals) == (5, {404: 5})
    # Every request carries the session; after a client's first answer, the cookie set too.
    sent = [c for c in _Pages.cookies_seen if "sessionid" in c]
    assert len(sent) == 15
    assert sum("csrftoken=abc" in c for c in sent) >= 15 - common["clients"]
