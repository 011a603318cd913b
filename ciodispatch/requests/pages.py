"""A dispatch request as a multi-page form: one page per section of ``services.SECTIONS``,
each with its form (the KPIs: rows) and the service that saves it."""

from ciodispatch.core.forms import row_field_names, used_rows
from ciodispatch.core.wizard import Page, Wizard
from ciodispatch.requests import forms, services

REQUEST: Wizard = Wizard(
    lambda: [(key, services.SECTION_TITLES[key]) for key in services.SECTIONS],
    status=services.section_status,
    template="requests/section.html",
)


REQUEST.fields_page("basics", forms.BasicsForm, services.save_basics)
REQUEST.fields_page("cio", forms.CioWantedForm, services.save_cio_wanted)


@REQUEST.page("budget")
class Budget(Page):
    def form(self, req, data, files):
        return forms.BudgetForm(
            data,
            initial={
                "budget_yen": req.budget_yen,
                "pay_yen_per_month": req.pay_yen_per_month,
                "no_vendors": req.no_vendors,
                "vendors": "\n".join(req.vendors),
            },
        )

    def save(self, req, form, formset, *, actor):
        services.save_budget(req, actor=actor, **form.cleaned_data)


@REQUEST.page("people")
class People(Page):
    def form(self, req, data, files):
        return forms.PeopleForm(
            data,
            staff=services.staff_of(req),
            initial={
                "authority_statement": req.authority_statement,
                "liaison": req.liaison_id,
                "counterpart": req.counterpart_id,
            },
        )

    def save(self, req, form, formset, *, actor):
        services.save_people(req, actor=actor, **form.cleaned_data)


@REQUEST.page("kpis")
class KPIs(Page):
    """Rows only: no form above them."""

    def formset(self, req, data):
        return forms.KPIFormSet(
            data,
            prefix="kpis",
            initial=list(req.kpis.values(*row_field_names(services.KPIInput))),
        )

    def save(self, req, form, formset, *, actor):
        services.save_kpis(req, actor=actor, kpis=used_rows(formset, services.KPIInput))
