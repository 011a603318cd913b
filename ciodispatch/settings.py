"""Settings, read strictly from the environment (ciodispatch/env.py; docs/configuration.md)."""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from ciodispatch.env import envbool, envint, envlist, envstr

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(envstr("CIODISPATCH_VAR_DIR", str(BASE_DIR.parent / "var")))

DEBUG = envbool("DEBUG", False)
# Demo mode: the demo accounts and their shared password work, office accounts may pass
# two-factor authentication with the documented backup code. Never on in production.
DEMO_MODE = envbool("DEMO_MODE", False)

SECRET_KEY = envstr("SECRET_KEY", "") or None
if SECRET_KEY is None:
    if not (DEBUG or DEMO_MODE):
        raise ImproperlyConfigured(
            "SECRET_KEY (or SECRET_KEY_FILE) is required unless DEBUG or DEMO_MODE is true."
        )
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
# The site's public address, for links in e-mails (sent where there is no request).
SITE_URL = envstr("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
if not SITE_URL.startswith(("http://", "https://")) or SITE_URL.count("/") != 2:
    raise ImproperlyConfigured(
        f"SITE_URL={SITE_URL!r} is not a site address; use e.g. https://cio.example.jp "
        "(scheme and host, no path)."
    )
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "ninja",
    # core before django_tasks_db: its db_worker command (which also beats the worker's own
    # heartbeat, core/workers.py) is the one Django finds.
    "ciodispatch.core",
    "django_tasks",
    "django_tasks_db",
    "ciodispatch.audit",
    "ciodispatch.notices",
    "ciodispatch.localgov",
    "ciodispatch.accounts",
    "ciodispatch.training",
    "ciodispatch.candidates",
    "ciodispatch.readiness",
    "ciodispatch.requests",
    "ciodispatch.outreach",
    "ciodispatch.portal",
    "ciodispatch.matchround",
    "ciodispatch.dispatches",
    "ciodispatch.progress",
    "ciodispatch.incentives",
    "ciodispatch.knowhow",
    "ciodispatch.demo",
]

MIDDLEWARE = [
    # First: a load balancer's probes are answered before host checks, the https redirect,
    # sessions, CSRF, sign-in, the rate limits and the request log (core/probes.py).
    "ciodispatch.core.probes.ProbeMiddleware",
    "ciodispatch.core.middleware.RequestIdMiddleware",
    "ciodispatch.core.middleware.ForwardedClientAddressMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "ciodispatch.core.middleware.JapaneseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "ciodispatch.accounts.middleware.SecondFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "ciodispatch.core.middleware.WorkCountsMiddleware",
    "ciodispatch.accounts.sessions.IdleTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
    # Innermost but one: still before anything reads the body (CSRF reads it in process_view).
    "ciodispatch.core.middleware.RequestSizeLimitMiddleware",
    "ciodispatch.core.middleware.NoStoreMiddleware",
]

ROOT_URLCONF = "ciodispatch.urls"
WSGI_APPLICATION = "ciodispatch.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ciodispatch.core.context_processors.site",
                "ciodispatch.notices.context_processors.notices",
            ],
        },
    },
]

# Databases: SQLite unless DATABASE_URL names another (PostgreSQL 15 in production).
_database_url = envstr("DATABASE_URL", "")
if _database_url:
    try:
        _default_db = dj_database_url.parse(_database_url, conn_max_age=60)
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL cannot be parsed: {exc}") from exc
    if _default_db["ENGINE"] not in (
        "django.db.backends.postgresql",
        "django.db.backends.sqlite3",
    ):
        raise ImproperlyConfigured("DATABASE_URL must be a postgres:// or sqlite:// URL.")
    if _default_db["ENGINE"] == "django.db.backends.postgresql":
        # A database that does not answer fails a request (and /readyz) in seconds rather
        # than holding a web process until gunicorn's timeout (?connect_timeout= overrides).
        _default_db.setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
else:
    _default_db = {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(VAR_DIR / "ciodispatch.sqlite3"),
        # A worker and the web server share the file: wait for locks, use WAL.
        "OPTIONS": {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
    }
DATABASES = {"default": _default_db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "ciodispatch.accounts.passwords.DemoPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:home"
OTP_TOTP_ISSUER = "CIO Dispatch"

# Login throttling: five failures for one user name from one address lock it for 30 minutes.
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
# Failed sign-ins from one address over every user name before that address waits the same
# 30 minutes (password spraying); far above what one office's staff mistype.
SIGN_IN_ADDRESS_FAILURE_LIMIT = envint("SIGN_IN_ADDRESS_FAILURE_LIMIT", 20, minimum=1)
# Minutes without a request before one must sign in again: the office's people (those who
# pass a second factor: officers, administrators, reviewers), and everyone else.
OFFICE_IDLE_TIMEOUT_MINUTES = envint("OFFICE_IDLE_TIMEOUT_MINUTES", 30, minimum=1)
IDLE_TIMEOUT_MINUTES = envint("IDLE_TIMEOUT_MINUTES", 120, minimum=1)

# Anonymous forms (event registration, candidate sign-up): posts allowed per client address
# (REMOTE_ADDR; see core/ratelimit.py behind a proxy) and per e-mail address in a window;
# mail that such a form sets off goes at most once per address and kind per interval.
ANONYMOUS_POSTS_PER_CLIENT = envint("ANONYMOUS_POSTS_PER_CLIENT", 20, minimum=1)
ANONYMOUS_POSTS_PER_EMAIL = envint("ANONYMOUS_POSTS_PER_EMAIL", 5, minimum=1)
ANONYMOUS_POST_WINDOW_MINUTES = envint("ANONYMOUS_POST_WINDOW_MINUTES", 60, minimum=1)
MAIL_REPEAT_MINUTES = envint("MAIL_REPEAT_MINUTES", 60, minimum=1)
# A public event registration holds no place until its address confirms by the mailed link.
EVENT_CONFIRMATION_HOURS = envint("EVENT_CONFIRMATION_HOURS", 24, minimum=1)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", not (DEBUG or DEMO_MODE))
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_AGE = 60 * 60 * 8
# HTTPS in production (docs/configuration.md "Production outline"): HSTS, the redirect to
# https, and the proxy's X-Forwarded-Proto trusted only when it is switched on.
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", False)
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", False)
if envbool("TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many reverse proxies stand in front of the app servers and append to X-Forwarded-For:
# the visitor's address (for sign-in throttling and rate limits) is then read from it
# (core.middleware.ForwardedClientAddressMiddleware). 0: the header is ignored.
TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", 0, minimum=0)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Content-Security-Policy: nothing inline, nothing from elsewhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", _("Japanese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Tokyo"
USE_TZ = True

STATIC_URL = "static/"
# Production runs collectstatic and sets STATIC_MANIFEST=true for hashed, compressed files;
# the demo and the tests serve straight from the apps' static folders.
STATIC_MANIFEST = envbool("STATIC_MANIFEST", False)
STATIC_ROOT = VAR_DIR / "static" if STATIC_MANIFEST else None
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST

TASKS = {
    "default": {
        "BACKEND": envstr("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
# A background run whose worker has not shown a sign of life for this long is marked failed
# (the worker beats four times in this interval; see core/heartbeat.py).
TASK_STALE_AFTER_SECONDS = envint("TASK_STALE_AFTER_SECONDS", 120, minimum=1)
# /readyz wants a polling worker that beat within this many seconds (each worker beats four
# times in the interval; core/workers.py).
WORKER_SEEN_WITHIN_SECONDS = envint("WORKER_SEEN_WITHIN_SECONDS", 60, minimum=1)

# Uploaded documents live outside the web root and are served only through views that ask
# the policy (never by URL).
PRIVATE_MEDIA_ROOT = Path(envstr("PRIVATE_MEDIA_ROOT", str(VAR_DIR / "private")))
MEDIA_ROOT = PRIVATE_MEDIA_ROOT
MAX_UPLOAD_MB = envint("MAX_UPLOAD_MB", 5, minimum=1)
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_UPLOAD_MB * 1024 * 1024 + 1024 * 1024
# A request body beyond this is refused before it is read (core.middleware): one upload and
# its form.
MAX_REQUEST_BYTES = DATA_UPLOAD_MAX_MEMORY_SIZE
# Candidates: certification validity, retention of personal data after a file closes.
CERTIFICATION_VALID_YEARS = envint("CERTIFICATION_VALID_YEARS", 3, minimum=1)
CANDIDATE_RETENTION_DAYS = envint("CANDIDATE_RETENTION_DAYS", 5 * 365, minimum=30)
PERSONAL_DATA_CONSENT_VERSION = "2026-04"

EMAIL_BACKEND = envstr("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
# The folder of Django's file backend (EMAIL_BACKEND=django.core.mail.backends.filebased...).
EMAIL_FILE_PATH = envstr("EMAIL_FILE_PATH", "") or None
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "no-reply@ciodispatch.example.jp")

# Logs: one JSON object a line in production (LOG_FORMAT=json, the default when DEBUG is off),
# readable lines for the demo and development (LOG_FORMAT=line, the default with DEBUG).
# Every line carries the request id (core/logfilters.py); "ciodispatch.request" logs one line
# per request with its route (the URL pattern, never the path: no ids, tokens or search words).
LOG_FORMAT = envstr("LOG_FORMAT", "line" if DEBUG else "json")
if LOG_FORMAT not in ("json", "line"):
    raise ImproperlyConfigured(f"LOG_FORMAT={LOG_FORMAT!r} is not one of: json, line.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "ciodispatch.core.logfilters.RequestIdFilter"},
        "one_line_refusal": {"()": "ciodispatch.core.logfilters.OneLineRefusalFilter"},
    },
    "formatters": {
        "line": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "ciodispatch.core.logfilters.json_formatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": LOG_FORMAT,
        }
    },
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's own console handler would print every django.* line a second time.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.request": {"filters": ["one_line_refusal"]},
        # Every sign-in is in axes' own tables; its INFO lines only repeat them.
        "axes": {"level": "WARNING"},
    },
}
