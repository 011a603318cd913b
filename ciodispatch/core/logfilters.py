"""Log filters: every line says which request caused it, and a refusal is one line."""

import logging

from ciodispatch.core.middleware import current_request_id


class RequestIdFilter(logging.Filter):
    """Add ``request_id`` to every record (``-`` outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id.get()
        return True


class OneLineRefusalFilter(logging.Filter):
    """A refused request (403) is expected behaviour, not a fault: log one line with the user,
    not the traceback of the PermissionDenied that carried it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
            request = getattr(record, "request", None)
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                record.msg = f"{record.msg} (user {user.pk})"
        return True


def json_formatter():
    """One JSON object a line: time, level, logger, request id, message, and the record's
    extra fields, except the request object Django's loggers attach (its repr carries the
    full path with its query string, which may hold what someone searched for)."""
    from pythonjsonlogger.core import RESERVED_ATTRS
    from pythonjsonlogger.json import JsonFormatter

    return JsonFormatter(
        "%(levelname)s %(name)s %(request_id)s %(message)s",
        rename_fields={"levelname": "level", "name": "logger"},
        timestamp="time",  # ISO 8601 in UTC
        reserved_attrs=[*RESERVED_ATTRS, "request", "server_time", "taskName"],
        json_ensure_ascii=False,
    )
