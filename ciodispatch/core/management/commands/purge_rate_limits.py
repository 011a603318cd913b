from django.core.management.base import BaseCommand

from ciodispatch.core.ratelimit import purge_expired


class Command(BaseCommand):
    help = (
        "Delete the rate-limit windows (anonymous forms, repeated mail) that have ended. Run daily."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"{purge_expired()} ended rate-limit windows deleted")
