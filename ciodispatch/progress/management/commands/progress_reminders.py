import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from ciodispatch.progress.services import send_reminders


class Command(BaseCommand):
    help = (
        "Run once a day: mail overdue action plans and monthly reports to the CIO, the host "
        "side and the office (at most once a week per item)."
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
        counts = send_reminders(today=today)
        self.stdout.write(
            f"overdue {counts['overdue']}, reminded {counts['sent']}, "
            f"already reminded this week {counts['skipped']}"
        )
