from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from ciodispatch.demo.services import DemoRefused, load_demo


class Command(BaseCommand):
    help = "Load the demo data and accounts (DEMO_MODE=true only). Safe to run again."

    def handle(self, *args, **options):
        try:
            # The notifications of the simulated past (acceptances, reports…) are not sent.
            with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
                for line in load_demo():
                    self.stdout.write(line)
        except DemoRefused as exc:
            raise CommandError(str(exc)) from exc
