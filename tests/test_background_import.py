from ciodispatch.audit.models import AuditEvent
from ciodispatch.localgov.models import LocalGovernment, RegistryImport
from ciodispatch.localgov.services import request_registry_import
from tests.conftest import run_task_queue as run_queue
from tests.conftest import verified_client


def test_import_runs_in_the_background_after_commit(personas, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run = request_registry_import(actor=personas.office)
    run.refresh_from_db()
    assert run.status == RegistryImport.Status.QUEUED and run.task_id
    run_queue()
    run.refresh_from_db()
    assert run.status == RegistryImport.Status.SUCCEEDED
    assert (run.created, run.updated, run.unchanged) == (0, 0, 1788)
    assert run.finished_at is not None
    assert AuditEvent.objects.filter(
        action="localgov.registryimport.succeeded", object_id=str(run.pk)
    )


def test_a_failed_import_is_recorded_and_changes_nothing(
    personas, django_capture_on_commit_callbacks, monkeypatch, tmp_path
):
    broken = tmp_path / "broken.csv"
    broken.write_text("code,name\n412040,多久市\n", encoding="utf-8")
    monkeypatch.setattr("ciodispatch.localgov.services.BUNDLED_REGISTRY", broken)
    with django_capture_on_commit_callbacks(execute=True):
        run = request_registry_import(actor=personas.office)
    run_queue()
    run.refresh_from_db()
    assert run.status == RegistryImport.Status.FAILED
    assert run.errors[0]["line"] == 1
    assert LocalGovernment.objects.count() == 1788


def test_office_starts_an_import_from_the_page(
    client, personas, django_capture_on_commit_callbacks
):
    verified_client(client, personas.office)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/local-governments/imports/start/")
    assert response.status_code == 302
    run_queue()
    page = client.get("/local-governments/imports/").content.decode()
    assert "tag--succeeded" in page


def test_hosts_cannot_start_an_import(client, personas):
    client.force_login(personas.host1)
    assert client.post("/local-governments/imports/start/").status_code == 403
    assert not RegistryImport.objects.exists()


def test_an_unexpected_error_fails_the_run_instead_of_leaving_it_running(
    personas, django_capture_on_commit_callbacks, monkeypatch
):
    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("ciodispatch.localgov.services.import_local_governments", explode)
    with django_capture_on_commit_callbacks(execute=True):
        run = request_registry_import(actor=personas.office)
    run_queue()
    run.refresh_from_db()
    assert run.status == RegistryImport.Status.FAILED
    assert "disk full" in run.errors[0]["message"]
