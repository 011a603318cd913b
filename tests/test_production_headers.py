"""Production headers and logs: HSTS behind the proxy, no-store for personal data, request ids,
one line per refusal, and a clean `check --deploy` with the documented production settings."""

import logging
import os
import subprocess
import sys

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from tests.conftest import verified_client

# The production settings docs/configuration.md documents (with a real secret key).
PRODUCTION_ENV = {
    "DEBUG": "false",
    "DEMO_MODE": "false",
    "SECRET_KEY": "k3y-" + "a1B2c3D4e5F6g7H8i9J0" * 3,
    "ALLOWED_HOSTS": "cio.example.jp",
    "SITE_URL": "https://cio.example.jp",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "true",
    "SECURE_HSTS_PRELOAD": "true",
    "SECURE_SSL_REDIRECT": "true",
    "TRUST_X_FORWARDED_PROTO": "true",
    "STATIC_MANIFEST": "true",
}


def _run(code: str, env: dict) -> subprocess.CompletedProcess:
    test_only = {*PRODUCTION_ENV, "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL"}
    clean = {k: v for k, v in os.environ.items() if k not in test_only}
    clean.update(env, DJANGO_SETTINGS_MODULE="ciodispatch.settings")
    return subprocess.run(
        [sys.executable, "-c", code], env=clean, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_with_the_documented_production_settings():
    check = "import django; from django.core.management import call_command; django.setup(); "
    check += "call_command('check', deploy=True, fail_level='WARNING')"
    clean = _run(check, PRODUCTION_ENV)
    assert clean.returncode == 0, clean.stderr
    # Without HSTS and the redirect the same check fails: it is really looking.
    lax = _run(check, {**PRODUCTION_ENV, "SECURE_HSTS_SECONDS": "", "SECURE_SSL_REDIRECT": ""})
    assert lax.returncode != 0
    assert "security.W004" in lax.stderr and "security.W008" in lax.stderr


def test_the_environment_switches_hsts_and_the_proxy_header():
    show = "import ciodispatch.settings as s; print(s.SECURE_HSTS_SECONDS, "
    show += "s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD, "
    show += "getattr(s, 'SECURE_PROXY_SSL_HEADER', None), s.SESSION_COOKIE_SECURE)"
    on = _run(show, PRODUCTION_ENV)
    assert on.stdout.split() == [
        "31536000",
        "True",
        "True",
        "('HTTP_X_FORWARDED_PROTO',",
        "'https')",
        "True",
    ], on.stderr
    off = _run(show, {"SECRET_KEY": "x"})
    assert off.stdout.split() == ["0", "False", "False", "None", "True"], off.stderr
    bad = _run(show, {"SECRET_KEY": "x", "TRUST_X_FORWARDED_PROTO": "maybe"})
    assert bad.returncode != 0 and "TRUST_X_FORWARDED_PROTO" in bad.stderr


@pytest.mark.django_db
@override_settings(
    SECURE_HSTS_SECONDS=31536000,
    SECURE_HSTS_INCLUDE_SUBDOMAINS=True,
    SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"),
)
def test_hsts_is_sent_when_the_proxy_says_https_and_only_then():
    client = Client()
    secure = client.get(reverse("core:home"), HTTP_X_FORWARDED_PROTO="https")
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    plain = client.get(reverse("core:home"))
    assert "Strict-Transport-Security" not in plain


@pytest.mark.django_db
def test_signed_in_pages_are_not_stored_and_public_pages_may_be(personas):
    client = Client()
    public = client.get(reverse("core:home"))
    assert "no-store" not in public.get("Cache-Control", "")
    verified_client(client, personas.office)
    page = client.get(reverse("core:home"))
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]


@pytest.mark.django_db
def test_every_download_is_not_stored_even_anonymous_open_data():
    response = Client().get(reverse("portal:statistics_csv", args=["regions"]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_a_refusal_is_one_log_line_with_the_request_id_and_no_traceback(caplog, personas):
    client = Client()
    client.force_login(personas.candidate1)
    with caplog.at_level(logging.INFO):
        response = client.get(reverse("dispatches:office"))
    assert response.status_code == 403
    request_id = response["X-Request-ID"]
    assert len(request_id) == 12
    assert request_id in response.content.decode()  # the page shows the number to quote
    refusals = [r for r in caplog.records if getattr(r, "status_code", None) == 403]
    assert len(refusals) == 1
    (record,) = refusals
    assert record.exc_info is None and record.exc_text is None
    assert "Forbidden" in record.getMessage() and "(user " in record.getMessage()
    # Only the root handler prints django.* lines (Django's own console handler is removed),
    # and it stamps each line with the request id.
    assert logging.getLogger("django").handlers == []
    (handler,) = logging.getLogger().handlers[:1]
    stamped = logging.LogRecord("django.request", logging.WARNING, "", 0, "x", (), None)
    for log_filter in handler.filters:
        log_filter.filter(stamped)
    assert stamped.request_id == "-"  # outside a request
