"""Rows of a formset that may be left empty (core/forms.OptionalRowForm)."""

from django.utils import translation

from ciodispatch.candidates.forms import AffiliationForm, CareerEntryForm
from ciodispatch.requests.forms import KPIForm


def test_an_empty_row_is_valid_and_not_used():
    for form_class in (CareerEntryForm, AffiliationForm, KPIForm):
        form = form_class(data={})
        assert form.is_valid(), form_class
        assert form.cleaned_data["used"] is False


def test_a_started_row_names_what_is_missing():
    with translation.override("en"):
        career = CareerEntryForm(data={"description": "基幹系の刷新"})
        assert not career.is_valid()
        assert set(career.errors) == {"organisation", "role", "start_year"}
        assert career.errors["role"] == ["Fill this in, or empty the whole position."]

        affiliation = AffiliationForm(data={"end_date": "2024-03-31"})
        assert not affiliation.is_valid()
        assert affiliation.errors["vendor"] == ["Enter the vendor's name, or empty the whole row."]
        assert affiliation.errors["kind"] == ["Fill this in, or empty the whole row."]
        assert "end_date" not in affiliation.errors


def test_a_zero_fills_a_kpi_field_in():
    form = KPIForm(data={"name": "電子申請率", "unit": "%", "baseline": "0", "target": "40"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["used"] is True
    partial = KPIForm(data={"baseline": "0"})
    assert not partial.is_valid()
    assert set(partial.errors) == {"name", "unit", "target"}
