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
