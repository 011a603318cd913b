from pathlib import Path

from django.core.management.base import BaseCommand

from ciodispatch.core.states import diagrams_markdown

DEFAULT = Path(__file__).resolve().parents[4] / "docs" / "state-machines.md"


class Command(BaseCommand):
    help = "Write the diagrams of every state machine (docs/state-machines.md)."

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, default=DEFAULT)

    def handle(self, *args, output: Path, **options):
        output.write_text(diagrams_markdown(), encoding="utf-8")
        self.stdout.write(f"wrote {output}")
