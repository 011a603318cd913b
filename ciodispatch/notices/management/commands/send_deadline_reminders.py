from ciodispatch.core.management.daily import DailyCommand
from ciodispatch.notices.reminders import send_deadline_reminders


class Command(DailyCommand):
    help = (
        "Run once a day: remind each user of their work due in 7 days, due tomorrow and due "
        "yesterday (a notice, and a mail unless they turned it off), once per deadline and stage."
    )

    def run(self, today):
        counts = send_deadline_reminders(today=today)
        return f"reminders sent {counts['sent']}, already sent {counts['skipped']}"
