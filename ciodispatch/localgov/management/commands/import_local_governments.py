from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ciodispatch.localgov.services import (
    BUNDLED_REGISTRY,
    RegistryImportError,
    import_local_governments,
)


class Command(BaseCommand):
    help = "Import the local-government registry (all rows or none). Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument(
            "--file",
            type=Path,
            default=BUNDLED_REGISTRY,
            help="CSV file in the registry's format (default: the bundled 総務省 data).",
        )

    def handle(self, *args, file: Path, **options):
        if not file.is_file():
            raise CommandError(f"{file} is not a file.")
        try:
            result = import_local_governments(file, actor=None)
        except RegistryImportError as exc:
            for error in exc.errors:
                self.stderr.write(f"{file}:{error.line}: {error.column}: {error.message}")
            raise CommandError(
                f"{len(exc.errors)} problem(s) in {file}; nothing was imported."
            ) from exc
        self.stdout.write(
            f"Local governments: {result.created} created, {result.updated} updated, "
            f"{result.unchanged} unchanged."
        )
