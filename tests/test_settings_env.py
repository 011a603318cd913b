import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from ciodispatch.env import envbool, envint, envlist, envstr


def test_envbool_refuses_a_value_it_does_not_know(monkeypatch):
    monkeypatch.setenv("SOME_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="SOME_FLAG.*true, false"):
        envbool("SOME_FLAG", False)


@pytest.mark.parametrize(("raw", "value"), [("true", True), ("0", False), ("YES", True)])
def test_envbool_reads_common_spellings(monkeypatch, raw, value):
    monkeypatch.setenv("SOME_FLAG", raw)
    assert envbool("SOME_FLAG", not value) is value


def test_envint_refuses_text_and_values_below_minimum(monkeypatch):
    monkeypatch.setenv("SOME_NUMBER", "ten")
    with pytest.raises(ImproperlyConfigured, match="whole number"):
        envint("SOME_NUMBER", 1)
    monkeypatch.setenv("SOME_NUMBER", "0")
    with pytest.raises(ImproperlyConfigured, match="minimum"):
        envint("SOME_NUMBER", 1, minimum=1)


def test_envlist_refuses_empty_items(monkeypatch):
    monkeypatch.setenv("SOME_LIST", "a,,b")
    with pytest.raises(ImproperlyConfigured, match="empty item"):
        envlist("SOME_LIST", [])


def test_secrets_can_come_from_a_file(monkeypatch, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("from-a-file\n")
    monkeypatch.delenv("MY_SECRET", raising=False)
    monkeypatch.setenv("MY_SECRET_FILE", str(secret))
    assert envstr("MY_SECRET") == "from-a-file"
    monkeypatch.setenv("MY_SECRET", "also-set")
    with pytest.raises(ImproperlyConfigured, match="not both"):
        envstr("MY_SECRET")


def _import_settings(**env):
    clean = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG", "DEMO_MODE")}
    clean.update(env)
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import ciodispatch.settings as s; print(s.DATABASES['default']['ENGINE'])",
        ],
        env=clean,
        capture_output=True,
        text=True,
    )


def test_production_start_without_a_secret_key_fails_clearly():
    result = _import_settings()
    assert result.returncode != 0
    assert "SECRET_KEY (or SECRET_KEY_FILE) is required" in result.stderr


def test_sqlite_when_database_url_is_unset_and_a_bad_url_fails():
    assert "sqlite3" in _import_settings(SECRET_KEY="x", DATABASE_URL="").stdout
    bad = _import_settings(SECRET_KEY="x", DATABASE_URL="mysql://root@localhost/x")
    assert bad.returncode != 0 and "DATABASE_URL" in bad.stderr


def _site_url(value: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "SITE_URL"} | {"SECRET_KEY": "x"}
    if value:
        env["SITE_URL"] = value
    return subprocess.run(
        [sys.executable, "-c", "import ciodispatch.settings as s; print(s.SITE_URL)"],
        env=env,
        capture_output=True,
        text=True,
    )


def test_site_url_defaults_to_the_demo_and_refuses_a_value_that_is_no_address():
    assert _site_url("").stdout.strip() == "http://127.0.0.1:8000"
    assert _site_url("https://cio.example.jp/").stdout.strip() == "https://cio.example.jp"
    for bad in ("cio.example.jp", "https://cio.example.jp/portal"):
        result = _site_url(bad)
        assert result.returncode != 0 and "SITE_URL" in result.stderr
