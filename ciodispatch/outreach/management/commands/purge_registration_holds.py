from django.core.management.base import BaseCommand

from ciodispatch.outreach.services import purge_expired_pending


class Command(BaseCommand):
    help = (
        "Delete public event registrations whose confirmation link expired unconfirmed (they "
        "never held a place). Run daily."
    )

    def handle(self, *args, **options):
        count = purge_expired_pending()
        self.stdout.write(f"{count} unconfirmed registrations deleted")
