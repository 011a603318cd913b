"""Run the benchmarks: ``make bench`` (or ``python -m bench [name ...]``).

Each benchmark times its cases against a baseline measured in the same run and prints a
Markdown table of ratios (docs/benchmarks.md keeps the latest table). Timings are the best
of several repeats, so a busy machine inflates them less.
"""

import argparse
import importlib
import os
import sys
import tempfile

BENCHMARKS = ["registry", "matching", "knowhow", "round", "pages"]
# Run when no name is given; "pages" reads an already loaded database, so it runs only by name.
DEFAULT = ["registry", "matching", "knowhow", "round"]
# These write into the database (the know-how one empties the search index).
WRITING = {"registry", "knowhow", "round"}


def setup_django(tmp: str) -> None:
    os.environ.setdefault("SECRET_KEY", "benchmark-only")
    os.environ.setdefault("CIODISPATCH_VAR_DIR", tmp)
    os.environ["DJANGO_SETTINGS_MODULE"] = "ciodispatch.settings"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("names", nargs="*", help=f"some of: {', '.join(BENCHMARKS)}")
    args = parser.parse_args(argv)
    unknown = set(args.names) - set(BENCHMARKS)
    if unknown:
        parser.error(f"unknown benchmark(s) {sorted(unknown)}; choose from {BENCHMARKS}")
    args.names = args.names or DEFAULT
    writing = sorted(WRITING.intersection(args.names))
    if writing and "DATABASE_URL" in os.environ and not os.environ.get("BENCH_SCRATCH_DATABASE"):
        parser.error(
            f"{', '.join(writing)} write into the database DATABASE_URL names; point it at a "
            "scratch database and set BENCH_SCRATCH_DATABASE=1 (or unset DATABASE_URL for a "
            "temporary SQLite file)"
        )
    with tempfile.TemporaryDirectory() as tmp:
        if "DATABASE_URL" not in os.environ:
            os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
        setup_django(tmp)
        for name in args.names:
            module = importlib.import_module(f"bench.{name}.run")
            print(module.run())
    return 0


if __name__ == "__main__":
    sys.exit(main())
