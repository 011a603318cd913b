"""The registry: validating and importing 1,788 rows, and the list query behind page and API.

Baseline: reading the same CSV file with csv.DictReader and nothing else.
"""

import csv
import io

from bench.timing import Case, best_of, table


def run() -> str:
    from ciodispatch.localgov.models import LocalGovernment
    from ciodispatch.localgov.queries import filter_local_governments
    from ciodispatch.localgov.services import (
        BUNDLED_REGISTRY,
        _parse_rows,
        import_local_governments,
        read_registry_file,
    )

    text = read_registry_file(BUNDLED_REGISTRY)
    baseline = Case(
        "csv.DictReader over the file", best_of(lambda: list(csv.DictReader(io.StringIO(text))))
    )

    def wipe():
        LocalGovernment.objects.all().delete()

    cases = [
        Case(
            "parse and validate every row (check digits, kinds, numbers)",
            best_of(lambda: _parse_rows(text)),
        ),
        Case(
            "first import into an empty registry",
            best_of(
                lambda: import_local_governments(BUNDLED_REGISTRY, actor=None), setup=wipe, repeat=3
            ),
        ),
        Case(
            "re-import, nothing changed",
            best_of(lambda: import_local_governments(BUNDLED_REGISTRY, actor=None), repeat=3),
        ),
        Case(
            "search 'たく' and read the first page (50)",
            best_of(lambda: list(filter_local_governments(q="たく")[:50]), repeat=20),
        ),
        Case(
            "prefecture 41, population ≤ 50,000 (all rows)",
            best_of(
                lambda: list(filter_local_governments(prefecture="41", max_population=50_000)),
                repeat=20,
            ),
        ),
    ]
    return table("Local-government registry (1,788 rows)", baseline, cases)
