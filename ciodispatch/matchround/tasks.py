from django_tasks import task


@task()
def run_match(run_id: int) -> str:
    from ciodispatch.matchround.services import execute_run

    return execute_run(run_id).status
