"""A test-only app for a worker process: with CIODISPATCH_TEST_HOLD_SOLVE set, the matching
engine's ``solve`` never returns (the worker's main thread sleeps in it while the run's
heartbeat thread keeps beating), so a test can kill the worker in the middle of a run however
fast the engine has become."""

import time

from django.apps import AppConfig


def _held_solve(*args, **kwargs):
    while True:  # until the test kills the process
        time.sleep(3600)


class HoldSolveConfig(AppConfig):
    name = "tests"
    label = "worker_hold"
    verbose_name = "Test worker: hold the engine"

    def ready(self) -> None:
        from ciodispatch import matching

        matching.solve = _held_solve
