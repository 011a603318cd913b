"""Rows of a formset that may be left empty (core/forms.OptionalRowForm)."""

from django.utils import translation

from ciodispatch.candidates.forms import AffiliationForm, CareerEntryForm
from ciodispatch.core.forms import row_field_names, used_rows
from ciodispatch.requests.forms import KPIForm, KPIFormSet
from ciodispatch.requests.services import KPIInput


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


def test_the_used_rows_become_the_rows_the_service_takes():
    assert row_field_names(KPIInput) == ["name", "unit", "baseline", "target"]
    data = {
        "kpis-TOTAL_FORMS": "3",
        "kpis-INITIAL_FORMS": "0",
        "kpis-0-name": "電子申請率",
        "kpis-0-unit": "%",
        "kpis-0-baseline": "10",
        "kpis-0-target": "40",
        "kpis-2-name": "窓口待ち時間",
        "kpis-2-unit": "分",
        "kpis-2-baseline": "30",
        "kpis-2-target": "0",
    }
    formset = KPIFormSet(data, prefix="kpis")
    assert formset.is_valid(), formset.errors
    rows = used_rows(formset, KPIInput)
    assert [(r.name, r.unit, str(r.baseline), str(r.target)) for r in rows] == [
        ("電子申請率", "%", "10", "40"),
        ("窓口待ち時間", "分", "30", "0"),
    ]
