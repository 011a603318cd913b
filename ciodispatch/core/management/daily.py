"""The shape of the periodic jobs (run once a day by cron or a systemd timer)."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from ciodispatch.core.joblocks import exclusive_job


class DailyCommand(BaseCommand):
    """A command that acts for one day: today, or the day given with ``--date``. Two runs of
    the same command at once (two app servers' cron) take turns (``core.joblocks``), so the
    second finds the first's work done instead of doing it again."""

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Act as if today were this ISO date (YYYY-MM-DD).")

    def handle(self, *args, **options):
        today = None
        if options["date"]:
            try:
                today = dt.date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError(
                    f"--date {options['date']!r} is not a date like 2027-04-01."
                ) from exc
        with exclusive_job(self._job_name()):
            self.stdout.write(self.run(today))

    def _job_name(self) -> str:
        return type(self).__module__.rsplit(".", 1)[-1]

    def run(self, today: dt.date | None) -> str:
        """Do the day's work and say what was done, in one line."""
        raise NotImplementedError
