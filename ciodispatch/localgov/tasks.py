from django_tasks import task


@task()
def run_registry_import(run_id: int) -> str:
    from ciodispatch.localgov.services import execute_registry_import

    return execute_registry_import(run_id).status
