"""Settings for a worker process that a test starts: the project's settings, on the test's
database (pytest-django's test database, passed as JSON in CIODISPATCH_TEST_DATABASE)."""

import json
import os

from ciodispatch.settings import *  # noqa: F403

DATABASES = {"default": json.loads(os.environ["CIODISPATCH_TEST_DATABASE"])}

if os.environ.get("CIODISPATCH_TEST_HOLD_SOLVE"):
    INSTALLED_APPS = [*INSTALLED_APPS, "tests.worker_hold.HoldSolveConfig"]  # noqa: F405
