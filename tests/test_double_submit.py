"""A create form is saved once however often it is sent: a double (or fivefold) click, or two
sendings at the same moment, make one row (core/once.py, docs/security.md)."""

import datetime as dt
import json
import re
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.management import call_command
from django.db import connection
from django.http import HttpResponse
from django.shortcuts import redirect
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

import ciodispatch
from ciodispatch.core.models import FormSubmission, RateLimitWindow
from ciodispatch.core.once import FIELD, once_per_form_token
from ciodispatch.progress.models import Comment, SmallWin
from tests.conftest import verified_client
from tests.dispatches.helpers import dispatch_at
from tests.progress.helpers import write_plan, write_report

ALREADY_SENT = "This form was already sent; it was saved once."
TOKEN_INPUT = re.compile(r'<input type="hidden" name="form_token" value="([^"]+)">')


# --- the mechanism, on a view that writes a row --------------------------------------------


def _saving_view(*, answer="redirect", delay: threading.Event | None = None):
    """A create view: one RateLimitWindow row per run (any small table would do)."""

    @once_per_form_token
    def view(request):
        RateLimitWindow.objects.create(
            scope="test", key=uuid.uuid4().hex, window_ends_at=timezone.now()
        )
        if delay is not None:
            delay.wait(0.5)  # keep the transaction open while the twin arrives
        if answer == "invalid":
            return HttpResponse("the form again, with its errors", status=400)
        if answer == "refused":
            from django.contrib import messages

            messages.error(request, "Refused.")
        return redirect(f"/saved/{RateLimitWindow.objects.filter(scope='test').count()}/")

    return view


def _post(data, *, owner="k1"):
    request = RequestFactory().post("/create/", data)
    request.user = AnonymousUser()
    request.session = type("Session", (), {"session_key": owner})()
    request._messages = CookieStorage(request)
    return request


def _rows():
    return RateLimitWindow.objects.filter(scope="test").count()


def _texts(request):
    return [str(m) for m in get_messages(request)]


@pytest.mark.django_db
def test_second_post_of_a_token_makes_no_row_and_gets_the_first_redirect():
    view = _saving_view()
    first = view(_post({FIELD: "t-1"}))
    assert first.status_code == 302 and first["Location"] == "/saved/1/"
    again = _post({FIELD: "t-1"})
    second = view(again)
    assert _rows() == 1
    assert second.status_code == 302 and second["Location"] == "/saved/1/"
    assert _texts(again) == [ALREADY_SENT]
    # Another form (a new token) is a new row.
    assert view(_post({FIELD: "t-2"}))["Location"] == "/saved/2/"
    assert _rows() == 2


@pytest.mark.django_db
def test_the_token_belongs_to_its_sender():
    view = _saving_view()
    view(_post({FIELD: "t-1"}, owner="k1"))
    view(_post({FIELD: "t-1"}, owner="k2"))
    assert _rows() == 2


@pytest.mark.django_db
def test_visitors_without_a_session_are_told_apart_by_their_browser():
    """A public page a cache served to two visitors carries one token for both."""
    view = _saving_view()
    for browser in ("csrf-a", "csrf-a", "csrf-b"):
        request = _post({FIELD: "cached"}, owner=None)
        request.COOKIES["csrftoken"] = browser
        view(request)
    assert _rows() == 2


@pytest.mark.django_db
def test_no_token_is_processed_as_before():
    view = _saving_view()
    assert view(_post({}))["Location"] == "/saved/1/"
    assert view(_post({}))["Location"] == "/saved/2/"
    assert not FormSubmission.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("answer", ["invalid", "refused"])
def test_a_form_shown_again_or_refused_releases_its_token(answer):
    """The view's own writes stay as they are (the service rolls back a refusal itself); only
    the token is released, so the corrected form may be sent."""
    _saving_view(answer=answer)(_post({FIELD: "t-1"}))
    assert not FormSubmission.objects.exists()
    corrected = _saving_view()(_post({FIELD: "t-1"}))
    assert corrected.status_code == 302
    assert FormSubmission.objects.get().location == corrected["Location"]


def race(senders: int = 3) -> dict:
    """Send one token from ``senders`` threads at once; each keeps its transaction open a
    moment, so they overlap. Returns the rows made, the answers and any errors."""
    view = _saving_view(delay=threading.Event())
    answers, errors = [], []

    def send():
        try:
            answers.append(view(_post({FIELD: "same"}))["Location"])
        except Exception as exc:  # noqa: BLE001 - reported by the assertion
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(senders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return {"rows": _rows(), "answers": answers, "errors": errors}


# SQLite's in-memory test database shares one cache between threads and answers "table is
# locked" at once instead of waiting, so on SQLite the race runs in a child process on a
# database file with the deployed settings (a lock timeout, BEGIN IMMEDIATE, WAL).
SQLITE_RACE = """
import json, os, sys
os.environ.setdefault("SECRET_KEY", "test-only")
os.environ["DJANGO_SETTINGS_MODULE"] = "ciodispatch.settings"
os.environ.pop("DATABASE_URL", None)
import ciodispatch.settings as settings
settings.DATABASES["default"]["NAME"] = sys.argv[1]
import django
django.setup()
from django.db import connection
from ciodispatch.core.models import FormSubmission, RateLimitWindow
with connection.schema_editor() as editor:
    editor.create_model(RateLimitWindow)
    editor.create_model(FormSubmission)
from tests.test_double_submit import race
print(json.dumps(race()))
"""


@pytest.mark.django_db(transaction=True)
def test_sendings_at_the_same_moment_make_one_row(tmp_path):
    """The second INSERT of the token waits for the first transaction (SQLite: the write
    lock; PostgreSQL: the uncommitted unique key), then fails and finds the first's row."""
    if connection.vendor == "sqlite":
        done = subprocess.run(
            [sys.executable, "-c", SQLITE_RACE, str(tmp_path / "race.sqlite3")],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=Path(ciodispatch.__file__).parent.parent,
        )
        assert done.returncode == 0, done.stderr
        result = json.loads(done.stdout.strip().splitlines()[-1])
    else:
        result = race()
    assert result == {"rows": 1, "answers": ["/saved/1/"] * 3, "errors": []}


@pytest.mark.django_db
def test_old_tokens_are_purged(capsys):
    FormSubmission.objects.create(owner="user:1", token="a", path="/x/", location="/y/")
    old = FormSubmission.objects.create(owner="user:1", token="b", path="/x/", location="/y/")
    FormSubmission.objects.filter(pk=old.pk).update(
        sent_at=timezone.now() - dt.timedelta(days=1, minutes=1)
    )
    call_command("purge_form_tokens")
    assert list(FormSubmission.objects.values_list("token", flat=True)) == ["a"]
    assert "1 form tokens" in capsys.readouterr().out


# --- over HTTP: the two forms the issue names ----------------------------------------------


@pytest.fixture
def dispatch(personas, monkeypatch):
    return dispatch_at(personas, monkeypatch, "active", started_days_ago=40)


def _token_of(page) -> str:
    tokens = TOKEN_INPUT.findall(page.content.decode())
    assert tokens, "the form renders its one-time token"
    return tokens[0]


@pytest.mark.django_db
def test_five_clicks_on_a_small_win_post_one_win(client, dispatch, personas):
    client.cookies["django_language"] = "en"
    verified_client(client, personas.host1)
    url = reverse("progress:win_new", args=[dispatch.pk])
    token = _token_of(client.get(url))
    data = {"title": "窓口のキャッシュレス化", "body": "3課で導入", FIELD: token}
    answers = [client.post(url, data) for _ in range(5)]
    assert SmallWin.objects.filter(dispatch=dispatch).count() == 1
    assert {a.status_code for a in answers} == {302}
    assert len({a["Location"] for a in answers}) == 1
    page = client.get(answers[-1]["Location"]).content.decode()
    assert ALREADY_SENT in page


@pytest.mark.django_db
def test_five_clicks_on_a_comment_add_one_comment(client, dispatch, personas):
    client.cookies["django_language"] = "en"
    write_plan(dispatch, personas.candidate2)
    report = write_report(dispatch, personas.candidate2)
    verified_client(client, personas.host1)
    token = _token_of(client.get(reverse("progress:report", args=[report.pk])))
    url = reverse("progress:report_comment", args=[report.pk])
    answers = [client.post(url, {"body": "確認しました", FIELD: token}) for _ in range(5)]
    assert Comment.objects.filter(report=report).count() == 1
    assert len({a["Location"] for a in answers}) == 1
    # Japanese by default.
    client.cookies["django_language"] = "ja"
    client.post(url, {"body": "確認しました", FIELD: token})
    page = client.get(reverse("progress:report", args=[report.pk])).content.decode()
    assert "このフォームは送信済みです。登録は1回だけ行われました。" in page
    # An empty comment is refused with a message and releases its token: sent again, it is saved.
    fresh = _token_of(client.get(reverse("progress:report", args=[report.pk])))
    client.post(url, {"body": "", FIELD: fresh})
    client.post(url, {"body": "追記します", FIELD: fresh})
    assert Comment.objects.filter(report=report).count() == 2


# --- every create form renders its token ---------------------------------------------------

TEMPLATE_ROOT = Path(ciodispatch.__file__).parent
# The template(s) each decorated view's form is in; a form there posting to the view (its own
# page: no action, or the action is the view's URL or a variable) must render the token.
FORM_TEMPLATES = {
    "progress:win_new": ["progress/win_form.html"],
    "progress:measurement_new": ["progress/measurement_form.html"],
    "progress:plan_comment": ["progress/_comments.html"],
    "progress:report_comment": ["progress/_comments.html"],
    "knowhow:case_new": ["knowhow/case_form.html"],
    "knowhow:case_attach": ["knowhow/case_manage.html"],
    "knowhow:manual_new": ["knowhow/manual_form.html"],
    "outreach:offer_new": ["outreach/offer_form.html"],
    "outreach:request_new": ["outreach/request_form.html"],
    "outreach:event_new": ["outreach/event_form.html"],
    "outreach:event_register": ["outreach/event_detail.html"],
    "incentives:add_evidence": ["incentives/claim_detail.html"],
    "incentives:new_rule": ["incentives/rule_form.html"],
    "incentives:edit_rule": ["incentives/rule_form.html"],
    "dispatches:case_draft": ["dispatches/detail.html"],
    "matchround:run": ["matchround/office_detail.html"],
    "matchround:applicant": ["matchround/applicant.html"],
    "candidates:interview": ["candidates/application_detail.html"],
    "requests:start": ["requests/my_requests.html"],
    "training:session_create": ["training/session_form.html"],
    "localgov:import_start": ["localgov/registry_imports.html"],
}
FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S)


def _decorated(resolver=None, namespace=""):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _decorated(entry, inner)
        elif isinstance(entry, URLPattern) and getattr(entry.callback, "form_token_required", 0):
            yield f"{namespace}{entry.name}"


def _template(name: str) -> str:
    [path] = [p for p in TEMPLATE_ROOT.glob(f"*/templates/{name}")]
    return path.read_text(encoding="utf-8")


def _posting_forms(text: str, url_name: str | None):
    """The POST forms of a template that send to ``url_name`` (None: to the page itself)."""
    for attributes, body in FORM.findall(text):
        if 'method="post"' not in attributes:
            continue
        action = re.search(r'action="([^"]*)"', attributes)
        target = action.group(1) if action else ""
        names_it = url_name is not None and f"'{url_name}'" in target
        own_page = target == "" or target.startswith("{{")
        if names_it or (url_name is None and own_page):
            yield attributes, body


def test_every_create_view_is_listed_with_its_form_template():
    assert set(_decorated()) == set(FORM_TEMPLATES)


@pytest.mark.parametrize("url_name", sorted(FORM_TEMPLATES))
def test_every_create_form_renders_its_token(url_name):
    found = []
    for name in FORM_TEMPLATES[url_name]:
        text = _template(name)
        forms = list(_posting_forms(text, url_name)) or list(_posting_forms(text, None))
        assert forms, f"{name} has no form sending to {url_name}"
        found += [(name, attributes, body) for attributes, body in forms]
        assert "{% load" in text and "core_forms" in text, f"{name} loads core_forms"
    missing = [f"{name}: <form{a}>" for name, a, body in found if "{% form_token %}" not in body]
    assert not missing, "forms without {% form_token %}: " + "; ".join(missing)


def test_no_form_elsewhere_sends_to_a_create_view_without_its_token():
    missing = []
    for path in TEMPLATE_ROOT.glob("*/templates/**/*.html"):
        text = path.read_text(encoding="utf-8")
        for url_name in FORM_TEMPLATES:
            for _attributes, body in _posting_forms(text, url_name):
                if "{% form_token %}" not in body:
                    missing.append(f"{path.name} → {url_name}")
    assert not missing
