"""``python -m bench.pages [--requests N] [--clients N] ...`` on ``DATABASE_URL``.

``python -m bench pages`` runs the same with the defaults (and migrates first, as every
benchmark there does); this entry point takes the options and leaves the database's schema
alone.
"""

import os
import sys


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    from bench.pages.run import options

    options(argv)  # --help and bad options answer before Django starts
    if not os.environ.get("DATABASE_URL"):
        print("Set DATABASE_URL to an already-loaded database (the demo or national data).")
        return 2
    os.environ.setdefault("SECRET_KEY", "benchmark-only")
    os.environ["DJANGO_SETTINGS_MODULE"] = "ciodispatch.settings"
    import django

    django.setup()
    from bench.pages.run import run

    print(run(argv))
    return 0


if __name__ == "__main__":
    sys.exit(main())
