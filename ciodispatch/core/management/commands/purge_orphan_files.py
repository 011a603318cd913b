import datetime as dt

from django.core.management.base import BaseCommand

from ciodispatch.core.uploads import orphan_files


class Command(BaseCommand):
    help = (
        "Delete uploaded files that no row refers to (left by a rolled-back upload), older "
        "than a day. Run daily; --dry-run lists them only."
    )

    def add_arguments(self, parser):
        parser.add_argument("--hours", type=int, default=24, help="Minimum age (default 24).")
        parser.add_argument("--dry-run", action="store_true", help="List, do not delete.")

    def handle(self, *args, **options):
        found = orphan_files(older_than=dt.timedelta(hours=max(options["hours"], 1)))
        for path in found:
            self.stdout.write(str(path))
            if not options["dry_run"]:
                path.unlink(missing_ok=True)
        verb = "found" if options["dry_run"] else "deleted"
        self.stdout.write(f"{len(found)} orphan files {verb}")
