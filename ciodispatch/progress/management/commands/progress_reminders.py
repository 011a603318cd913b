from ciodispatch.core.management.daily import DailyCommand
from ciodispatch.progress.services import send_reminders


class Command(DailyCommand):
    help = (
        "Run once a day: mail overdue action plans and monthly reports to the host side and "
        "the office (at most once a week per item); the CIO is reminded by "
        "send_deadline_reminders."
    )

    def run(self, today):
        counts = send_reminders(today=today)
        return (
            f"overdue {counts['overdue']}, reminded {counts['sent']}, "
            f"already reminded this week {counts['skipped']}"
        )
