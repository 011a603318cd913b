from django.core.management.base import BaseCommand

from ciodispatch.core.heartbeat import fail_all_stalled


class Command(BaseCommand):
    help = (
        "Mark failed the background runs (match runs, registry imports) whose worker stopped "
        "showing signs of life for TASK_STALE_AFTER_SECONDS, so the office can run them "
        "again. Run it before starting a worker and every few minutes from cron."
    )

    def handle(self, *args, **options):
        counts = fail_all_stalled()
        self.stdout.write(", ".join(f"{label}: {n} failed" for label, n in sorted(counts.items())))
