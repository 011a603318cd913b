"""The personal-data inventory (core/personal_data.py) is held to the models: every field that
looks personal is listed, or declared not personal with a reason."""

from pathlib import Path

from django.apps import apps
from django.db import models

from ciodispatch.core import personal_data
from ciodispatch.core.personal_data import INVENTORY, LOOKS_PERSONAL, NOT_PERSONAL, Erasure

FILE_OR_CONTACT = (models.FileField, models.EmailField, models.GenericIPAddressField)


def concrete_fields():
    for config in apps.get_app_configs():
        if not config.name.startswith("ciodispatch."):
            continue
        for model in config.get_models():
            for field in model._meta.concrete_fields:
                yield model._meta.label, field


def looks_personal(field) -> bool:
    """The heuristic: a name with name/kana/mail/phone/tel/birth/address/contact/... in it, or
    a file, image or e-mail field. Relations are not checked: they point at a person's row,
    which is itself in the inventory."""
    if field.is_relation:
        return False
    return isinstance(field, FILE_OR_CONTACT) or bool(LOOKS_PERSONAL.search(field.name))


def test_every_field_that_looks_personal_is_in_the_inventory_or_declared_not_personal():
    listed = {(f.model, f.field) for f in INVENTORY}
    missing = [
        f"{label}.{field.name}"
        for label, field in concrete_fields()
        if looks_personal(field) and (label, field.name) not in listed | NOT_PERSONAL.keys()
    ]
    assert not missing, (
        "Add these fields to core/personal_data.py INVENTORY (what erasure does, the "
        f"retention) or to NOT_PERSONAL with the reason: {missing}"
    )


def test_the_heuristic_catches_what_it_says():
    assert looks_personal(models.CharField(name="head_name"))
    assert looks_personal(models.CharField(name="contact_phone"))
    assert looks_personal(models.CharField(name="tel"))
    assert looks_personal(models.DateField(name="date_of_birth"))
    assert looks_personal(models.FileField(name="attachment"))
    assert looks_personal(models.ImageField(name="photo"))
    assert looks_personal(models.EmailField(name="reply_to"))
    assert not looks_personal(models.CharField(name="title"))
    assert not looks_personal(models.TextField(name="authority_statement"))


def test_the_inventory_names_only_fields_that_exist():
    fields = {(label, field.name) for label, field in concrete_fields()}
    unknown = [f"{f.model}.{f.field}" for f in INVENTORY if (f.model, f.field) not in fields] + [
        f"{m}.{f}" for m, f in NOT_PERSONAL if (m, f) not in fields
    ]
    assert not unknown
    assert all(reason.strip() for reason in NOT_PERSONAL.values())
    assert not {(f.model, f.field) for f in INVENTORY} & NOT_PERSONAL.keys()


def test_every_file_field_of_the_candidate_is_deleted_on_erasure():
    for label, field in concrete_fields():
        if isinstance(field, models.FileField) and label.startswith("candidates."):
            entry = next(f for f in INVENTORY if (f.model, f.field) == (label, field.name))
            assert entry.erasure == Erasure.DELETE_FILE


def test_the_security_page_shows_the_inventory_as_it_is_in_the_code():
    page = (Path(__file__).parent.parent / "docs" / "security.md").read_text(encoding="utf-8")
    assert personal_data.markdown_table() in page, (
        "docs/security.md is out of date: paste `ciodispatch personal_data_inventory` into it"
    )
