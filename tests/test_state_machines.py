from pathlib import Path

import pytest

from ciodispatch.audit.models import AuditEvent
from ciodispatch.core.states import TransitionRefused, diagrams_markdown
from ciodispatch.localgov.models import REGISTRY_IMPORT_STATES, RegistryImport

DOC = Path(__file__).resolve().parents[1] / "docs" / "state-machines.md"


def test_docs_show_the_current_tables():
    assert DOC.read_text(encoding="utf-8") == diagrams_markdown(), (
        "docs/state-machines.md is out of date: run `ciodispatch state_diagrams`"
    )


def test_a_transition_in_the_table_is_applied_and_audited(personas):
    run = RegistryImport.objects.create(source="x", requested_by=personas.office)
    REGISTRY_IMPORT_STATES.apply(run, RegistryImport.Status.RUNNING, actor=personas.office)
    run.refresh_from_db()
    assert run.status == RegistryImport.Status.RUNNING
    event = AuditEvent.objects.get(action="localgov.registryimport.running")
    assert event.changes["status"] == ["queued", "running"] and event.actor == personas.office


@pytest.mark.parametrize(
    ("start", "target"),
    [
        ("queued", "succeeded"),
        ("succeeded", "running"),
        ("failed", "queued"),
        ("running", "queued"),
    ],
)
def test_a_transition_outside_the_table_is_refused(personas, start, target):
    run = RegistryImport.objects.create(source="x", status=start)
    with pytest.raises(TransitionRefused, match=f"“{start}” to “{target}”"):
        REGISTRY_IMPORT_STATES.apply(run, target, actor=personas.office)
    run.refresh_from_db()
    assert run.status == start
