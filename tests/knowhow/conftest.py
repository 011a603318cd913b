import pytest


@pytest.fixture
def knowhow_demo(personas):
    """The demo know-how (study cases, further cases, drafts, manuals, award)."""
    from ciodispatch.demo.knowhow import load_knowhow_demo

    load_knowhow_demo(office=personas.office, people={"host1": personas.host1})
