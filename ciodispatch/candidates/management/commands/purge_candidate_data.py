from django.conf import settings
from django.core.management.base import BaseCommand

from ciodispatch.candidates.services import purge_past_retention


class Command(BaseCommand):
    help = (
        "Erase the personal data of closed candidate files (draft, not selected, expired, "
        "revoked) untouched for longer than CANDIDATE_RETENTION_DAYS (run daily)."
    )

    def handle(self, *args, **options):
        count = purge_past_retention()
        self.stdout.write(
            f"{count} file(s) erased (retention {settings.CANDIDATE_RETENTION_DAYS} days)."
        )
