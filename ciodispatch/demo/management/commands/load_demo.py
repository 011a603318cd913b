from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from ciodispatch.demo.services import DemoRefused, load_demo

# The national scale's size relative to the programme (issue #18): 1.0 is 10,000 candidates,
# about 1,000 requests, 5,000 dispatches and 100,000 search documents; "small" is for tests.
SCALES = {"demo": None, "national": 1.0, "small": 0.01}


class Command(BaseCommand):
    help = (
        "Load the demo data and accounts (DEMO_MODE=true only). Safe to run again. "
        "--scale national adds national-size data on top (bulk writes; see docs/demo-data.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(SCALES), default="demo")
        parser.add_argument(
            "--factor",
            type=float,
            default=None,
            help="Size relative to national (1.0); overrides the scale's own (e.g. 0.1).",
        )

    def handle(self, *args, scale: str, factor: float | None, **options):
        if factor is not None and not 0 < factor <= 1:
            raise CommandError("--factor is between 0 (exclusive) and 1.")
        if factor is not None and scale == "demo":
            scale = "national"
        try:
            # The notifications of the simulated past (acceptances, reports…) are not sent.
            with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
                for line in load_demo():
                    self.stdout.write(line)
                if scale != "demo":
                    from ciodispatch.demo.national import load_national

                    load_national(
                        factor=factor if factor is not None else SCALES[scale],
                        log=self.stdout.write,
                    )
        except DemoRefused as exc:
            raise CommandError(str(exc)) from exc
