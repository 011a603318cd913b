from django.core.management.base import BaseCommand

from ciodispatch.core.personal_data import markdown_table


class Command(BaseCommand):
    help = (
        "Print the personal-data inventory (core/personal_data.py) as the Markdown table of "
        "docs/security.md."
    )

    def handle(self, *args, **options):
        self.stdout.write(markdown_table(), ending="")
