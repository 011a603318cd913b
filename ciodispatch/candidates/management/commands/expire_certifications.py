from django.core.management.base import BaseCommand

from ciodispatch.candidates.services import expire_certifications


class Command(BaseCommand):
    help = "Move certified CIOs past their validity to expired (run daily)."

    def handle(self, *args, **options):
        self.stdout.write(f"{expire_certifications()} certification(s) expired.")
