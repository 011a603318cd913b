"""``ciodispatch db_worker``: django-tasks-db's worker, which also beats its own heartbeat
(``core.workers``) while it polls, for ``/readyz``. (core is listed before django_tasks_db
in INSTALLED_APPS so that this command is the one Django finds.)"""

from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

from ciodispatch.core.workers import beating_worker


class Command(DatabaseWorkerCommand):
    help = (
        "Run a database background worker; while it polls it records a sign of life every "
        "quarter of WORKER_SEEN_WITHIN_SECONDS (see /readyz)."
    )

    def handle(self, *args, **options):
        # A --batch run works off the queue and exits: it is not a worker to wait for (and
        # tests run it inside their own transaction, which a second connection must not see).
        if options["batch"]:
            return super().handle(*args, **options)
        with beating_worker(options["worker_id"]):
            return super().handle(*args, **options)
