from ciodispatch.core.management.daily import DailyCommand
from ciodispatch.dispatches.services import run_daily


class Command(DailyCommand):
    help = (
        "Run once a day: start dispatches whose appointment is confirmed on their start date "
        "and complete those whose planned end has passed (audited as the system)."
    )

    def run(self, today):
        counts = run_daily(today=today)
        return (
            f"started {counts['started']}, completed {counts['completed']}, "
            f"skipped {counts['skipped']} (see the log)"
        )
