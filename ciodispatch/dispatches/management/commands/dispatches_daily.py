import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from ciodispatch.dispatches.services import run_daily


class Command(BaseCommand):
    help = (
        "Run once a day: start dispatches whose appointment is confirmed on their start date "
        "and complete those whose planned end has passed (audited as the system)."
    )

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
        counts = run_daily(today=today)
        self.stdout.write(f"started {counts['started']}, completed {counts['completed']}")
