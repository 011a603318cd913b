from django.core.management.base import BaseCommand

from ciodispatch.core.once import purge_sent


class Command(BaseCommand):
    help = "Delete the form tokens (double-submission guard) sent more than a day ago. Run daily."

    def handle(self, *args, **options):
        self.stdout.write(f"{purge_sent()} form tokens sent more than a day ago deleted")
