"""The candidate's application as a multi-page form: one page per section of
``services.sections()``, each with its form and the service that saves it."""

from django.conf import settings

from ciodispatch.candidates import forms, services
from ciodispatch.core.forms import row_field_names, used_rows
from ciodispatch.core.wizard import Page, Wizard

APPLICATION: Wizard = Wizard(
    lambda: [(s.key, s.title) for s in services.sections()],
    status=services.section_status,
    template="candidates/section.html",
)


def _yes_no(value):
    return None if value is None else ("yes" if value else "no")


APPLICATION.fields_page("identity", forms.IdentityForm, services.save_identity)


@APPLICATION.page("career")
class Career(Page):
    def form(self, app, data, files):
        return forms.CareerIntroForm(
            data,
            initial={"has_public_sector_experience": _yes_no(app.has_public_sector_experience)},
        )

    def formset(self, app, data):
        return forms.CareerFormSet(
            data,
            prefix="career",
            initial=list(app.career.values(*row_field_names(services.CareerInput))),
        )

    def save(self, app, form, formset, *, actor):
        services.save_career(
            app,
            actor=actor,
            entries=used_rows(formset, services.CareerInput),
            has_public_sector_experience=form.cleaned_data["has_public_sector_experience"] == "yes",
        )


@APPLICATION.page("skills")
class Skills(Page):
    def form(self, app, data, files):
        initial = {}
        for claim in app.skills.all():
            initial[f"{claim.role}_level"] = claim.level
            initial[f"{claim.role}_evidence"] = claim.evidence
        return forms.SkillsForm(data, initial=initial)

    def save(self, app, form, formset, *, actor):
        services.save_skills(app, actor=actor, claims=form.cleaned_data["claims"])


@APPLICATION.page("domains")
class Domains(Page):
    def form(self, app, data, files):
        return forms.DomainsForm(data, initial={"domains": app.domains, "other": app.domains_other})

    def save(self, app, form, formset, *, actor):
        data = form.cleaned_data
        services.save_domains(app, actor=actor, domains=data["domains"], other=data["other"])


APPLICATION.fields_page("availability", forms.AvailabilityForm, services.save_availability)


@APPLICATION.page("vendors")
class Vendors(Page):
    def form(self, app, data, files):
        return forms.VendorIntroForm(data, initial={"none": app.no_vendor_affiliations})

    def formset(self, app, data):
        return forms.AffiliationFormSet(
            data,
            prefix="vendors",
            initial=list(
                app.vendor_affiliations.values(*row_field_names(services.AffiliationInput))
            ),
        )

    def save(self, app, form, formset, *, actor):
        services.save_vendor_affiliations(
            app,
            actor=actor,
            none=form.cleaned_data["none"],
            affiliations=used_rows(formset, services.AffiliationInput),
        )


@APPLICATION.page("motivation")
class Motivation(Page):
    def form(self, app, data, files):
        return forms.MotivationForm(data, initial={"motivation": app.motivation})

    def save(self, app, form, formset, *, actor):
        services.save_motivation(app, actor=actor, motivation=form.cleaned_data["motivation"])


@APPLICATION.page("documents")
class Documents(Page):
    def form(self, app, data, files):
        return forms.DocumentsForm(data, files)

    def save(self, app, form, formset, *, actor):
        services.upload_cv(app, actor=actor, upload=form.cleaned_data["cv"])


@APPLICATION.page("consent")
class Consent(Page):
    def form(self, app, data, files):
        return forms.ConsentForm(data, initial={"agree": bool(app.consent_version)})

    def save(self, app, form, formset, *, actor):
        services.give_consent(app, actor=actor, version=settings.PERSONAL_DATA_CONSENT_VERSION)
