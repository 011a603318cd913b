"""gunicorn's settings for ``make serve`` (``gunicorn -c python:ciodispatch.core.gunicorn_conf``).

Read from the environment like the rest of the settings (docs/configuration.md, "Serving"):
``HOST`` and ``PORT`` to listen on, ``WEB_CONCURRENCY`` web processes (default 2),
``WEB_TIMEOUT`` seconds a request may take before its process is restarted (default 30),
``FORWARDED_ALLOW_IPS`` the proxies whose X-Forwarded-* headers gunicorn believes (default
127.0.0.1 and ::1, gunicorn's own; docs/operations.md, "Behind a reverse proxy").
"""

from ciodispatch.env import envint, envstr

bind = [f"{envstr('HOST', '127.0.0.1')}:{envint('PORT', 8000, minimum=1)}"]
workers = envint("WEB_CONCURRENCY", 2, minimum=1)
timeout = envint("WEB_TIMEOUT", 30, minimum=1)
graceful_timeout = 30
# A process is replaced after this many requests (spread out), so memory a page leaves behind
# is given back.
max_requests = 2000
max_requests_jitter = 200
forwarded_allow_ips = envstr("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# The application logs each request (ciodispatch.request, with its id and route); gunicorn's
# own access line would repeat it with the full path.
accesslog = None
errorlog = "-"
loglevel = envstr("LOG_LEVEL", "INFO").lower()
# gunicorn's own lines (start, worker restarts, timeouts) in the same shape as the app's.
if envstr("LOG_FORMAT", "json") == "json":
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "ciodispatch.core.logfilters.json_formatter"}},
        "filters": {"request_id": {"()": "ciodispatch.core.logfilters.RequestIdFilter"}},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "filters": ["request_id"],
                "stream": "ext://sys.stderr",
            }
        },
        "loggers": {
            "gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False},
        },
    }
