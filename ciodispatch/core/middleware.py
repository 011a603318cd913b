import logging
import time
import uuid
from contextvars import ContextVar

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import render
from django.utils import translation

request_log = logging.getLogger("ciodispatch.request")

# The id of the request being served ("-" outside a request: commands, the worker).
current_request_id: ContextVar[str] = ContextVar("current_request_id", default="-")


class JapaneseFirstLocaleMiddleware(LocaleMiddleware):
    """Japanese unless the visitor chose another language (the language cookie).

    The browser's Accept-Language is not followed: officials share machines set up in many
    ways, and the service speaks Japanese first, like other Japanese government services.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class RequestIdMiddleware:
    """Give every request a short id: in the log lines it causes (core/logfilters.py), in the
    ``X-Request-ID`` response header and on the error pages, so a user who quotes it to the
    office points at exactly their request. Each request is logged in one line with its
    route (the URL pattern: no ids, calendar tokens or query strings), status and duration."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = uuid.uuid4().hex[:12]
        token = current_request_id.set(request.request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            match = getattr(request, "resolver_match", None)
            route = "/" + match.route if match is not None else "-"
            duration_ms = round((time.perf_counter() - started) * 1000, 1)
            request_log.info(
                "%s %s %s %sms", request.method, route, response.status_code, duration_ms,
                extra={"method": request.method, "route": route,
                       "status": response.status_code, "duration_ms": duration_ms},
            )  # fmt: skip
        finally:
            current_request_id.reset(token)
        response["X-Request-ID"] = request.request_id
        return response


class NoStoreMiddleware:
    """``Cache-Control: no-store`` on every response to a signed-in user and on every download,
    so that no shared cache or browser history keeps pages and files with personal data. A
    response that declares itself public (published pictures, open data) keeps its header."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        declared = response.get("Cache-Control", "")
        if "public" in declared:
            return response
        user = getattr(request, "user", None)
        download = response.get("Content-Disposition", "").startswith("attachment")
        if download or (user is not None and user.is_authenticated):
            response["Cache-Control"] = "private, no-store"
        return response


class RequestSizeLimitMiddleware:
    """Refuse a request whose body is larger than the largest upload allowed, before any of it
    is read (Django reads no more than ``Content-Length``, so the header is what counts), for
    anonymous visitors too. The page says the limit in words."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.MAX_REQUEST_BYTES:
            # (The server, not the application, closes the connection with the unread body:
            # WSGI forbids hop-by-hop headers such as Connection.)
            return render(
                request, "core/413.html", {"limit_mb": settings.MAX_UPLOAD_MB}, status=413
            )
        return self.get_response(request)


class ForwardedClientAddressMiddleware:
    """Behind ``TRUSTED_PROXY_COUNT`` reverse proxies, the visitor's address is the one the
    outermost of them appended to X-Forwarded-For (counting from the right: what comes before
    it was written by the client and proves nothing). It replaces ``REMOTE_ADDR`` (the nearest
    proxy's), so sign-in throttling (axes) and the rate limits (core/ratelimit.py), which read
    ``REMOTE_ADDR`` only, count visitors and not the proxy. With 0 (the default) the header is
    ignored. A request that came through fewer proxies than configured keeps ``REMOTE_ADDR``."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.proxies = settings.TRUSTED_PROXY_COUNT

    def __call__(self, request):
        if self.proxies:
            hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
            hops = [h for h in hops if h]
            if len(hops) >= self.proxies:
                request.META["REMOTE_ADDR"] = hops[-self.proxies]
        return self.get_response(request)


class WorkCountsMiddleware:
    """A POST may do some of the user's work: the menu counts it again on the next page
    (core/menu.py)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method == "POST":
            # Imported here: the logging configuration imports this module before the apps
            # are loaded, and the menu reads the apps' links.
            from ciodispatch.core.menu import forget_counts

            forget_counts(request)
        return response
