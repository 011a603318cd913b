import time

from django.core.management.base import BaseCommand, CommandError

from ciodispatch.demo.invariants import CHECKS


class Command(BaseCommand):
    help = "Check the whole database against the rules the services enforce (read only)."

    def add_arguments(self, parser):
        parser.add_argument("--sample", type=int, default=3000, help="search entries re-indexed")

    def handle(self, *args, sample: int, **options):
        from ciodispatch.demo.invariants import check_search_index

        problems = []
        for check in CHECKS:
            started = time.perf_counter()
            found = check(sample=sample) if check is check_search_index else check()
            self.stdout.write(
                f"{check.__name__}: {len(found)} problem(s) ({time.perf_counter() - started:.1f} s)"
            )
            problems += found
        for problem in problems:
            self.stdout.write(problem)
        if problems:
            raise CommandError(f"{len(problems)} invariant(s) broken")
