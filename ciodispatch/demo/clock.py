"""A simulated clock for the demo: records of past rounds are made through the real services
as they would have been made on their dates (deadlines checked, timestamps and audit records
dated then).

Used only while the demo is being loaded (a management command, or a test); never in a
running server.
"""

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

from django.utils import timezone


class Clock:
    def __init__(self, start: dt.datetime):
        self.current = start

    def now(self) -> dt.datetime:
        # Every reading moves on a little, so records keep their order.
        self.current += dt.timedelta(milliseconds=1)
        return self.current

    def set(self, when: dt.datetime | dt.date) -> None:
        if not isinstance(when, dt.datetime):
            when = dt.datetime.combine(when, dt.time(9, 0), tzinfo=timezone.get_current_timezone())
        self.current = when


@contextmanager
def simulated_clock(start: dt.datetime | dt.date) -> Iterator[Clock]:
    clock = Clock(timezone.now())
    clock.set(start)
    with mock.patch("django.utils.timezone.now", clock.now):
        yield clock
