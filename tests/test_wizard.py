"""Multi-page forms declared once: the wizard joins the service's sections to their pages, and
the views read it for the task list, the page shown and the page saved."""

import pytest
from django import forms
from django.core.exceptions import ImproperlyConfigured
from django.http import Http404
from django.utils import translation

from ciodispatch.candidates import services as candidates
from ciodispatch.candidates.pages import APPLICATION
from ciodispatch.core.wizard import Page, Wizard
from ciodispatch.requests import services as requests
from ciodispatch.requests.models import DispatchRequest
from ciodispatch.requests.pages import REQUEST
from tests.requests.helpers import open_round

# --- the mechanism, on a small wizard ---------------------------------------------------------


class NameForm(forms.Form):
    name = forms.CharField()


def _toy():
    saved = []
    wizard = Wizard(
        lambda: [("name", "Your name"), ("rows", "Your rows")],
        status=lambda obj, name: "completed" if name in obj else "not_started",
        template="toy/section.html",
    )

    @wizard.page("name")
    class Name(Page):
        def form(self, obj, data, files):
            return NameForm(data, initial={"name": obj.get("name", "")})

        def save(self, obj, form, formset, *, actor):
            saved.append((self.name, form.cleaned_data["name"], actor))

    @wizard.page("rows")
    class Rows(Page):
        template = "toy/rows.html"

    return wizard, saved


def test_a_page_comes_with_its_name_title_and_the_wizards_template():
    wizard, _saved = _toy()
    page = wizard.page_for("name")
    assert (page.name, page.title, page.template) == ("name", "Your name", "toy/section.html")


def test_a_page_may_have_its_own_template():
    wizard, _saved = _toy()
    assert wizard.page_for("rows").template == "toy/rows.html"


def test_a_name_of_no_section_is_not_found():
    wizard, _saved = _toy()
    with pytest.raises(Http404):
        wizard.page_for("nothing")


def test_the_same_page_builds_the_form_shown_and_the_form_posted():
    wizard, saved = _toy()
    page = wizard.page_for("name")
    shown = page.form({"name": "Hanako"}, None, None)
    assert not shown.is_bound and shown.initial == {"name": "Hanako"}
    posted = page.form({}, {"name": "Taro"}, None)
    assert page.is_valid(posted, page.formset({}, {"name": "Taro"}))
    page.save({}, posted, None, actor="officer")
    assert saved == [("name", "Taro", "officer")]


def test_a_page_with_an_invalid_form_is_not_valid():
    wizard, _saved = _toy()
    page = wizard.page_for("name")
    assert not page.is_valid(page.form({}, {"name": ""}, None), None)


def test_the_task_list_follows_the_sections_in_order_with_each_status():
    wizard, _saved = _toy()
    assert wizard.task_list({"rows": []}) == [
        {"key": "name", "title": "Your name", "status": "not_started"},
        {"key": "rows", "title": "Your rows", "status": "completed"},
    ]


def test_a_page_declared_twice_is_refused():
    wizard, _saved = _toy()
    with pytest.raises(ImproperlyConfigured, match="declared twice"):

        @wizard.page("name")
        class Again(Page):
            pass


def test_a_section_without_a_page_is_refused():
    wizard = Wizard(lambda: [("a", "A"), ("b", "B")], status=lambda o, n: "", template="t.html")

    @wizard.page("a")
    class A(Page):
        pass

    with pytest.raises(ImproperlyConfigured, match="do not match"):
        wizard.task_list(None)


def test_a_page_of_no_section_is_refused():
    wizard = Wizard(lambda: [("a", "A")], status=lambda o, n: "", template="t.html")
    for name in ("a", "b"):
        wizard.page(name)(type(name.upper(), (Page,), {}))
    with pytest.raises(ImproperlyConfigured, match="do not match"):
        wizard.page_for("a")


# --- the two wizards ----------------------------------------------------------------------------


def test_every_section_of_the_application_has_its_page_in_order():
    assert APPLICATION.names() == candidates.SECTION_KEYS
    assert APPLICATION.titles() == {s.key: s.title for s in candidates.sections()}


def test_every_section_of_a_request_has_its_page_in_order():
    assert REQUEST.names() == list(requests.SECTIONS)
    assert {k: str(v) for k, v in REQUEST.titles().items()} == {
        k: str(v) for k, v in requests.SECTION_TITLES.items()
    }


def test_the_candidates_pages_show_every_section_of_the_wizard(client, personas):
    client.force_login(personas.candidate1)
    tasks = client.get("/candidates/application/").content.decode()
    with translation.override("ja"):  # the pages' language
        sections = [(name, str(title)) for name, title in APPLICATION.sections()]
    for name, title in sections:
        assert f'href="/candidates/application/{name}/"' in tasks
        page = client.get(f"/candidates/application/{name}/")
        assert page.status_code == 200 and f"<h1>{title}</h1>" in page.content.decode()
    assert client.get("/candidates/application/nothing/").status_code == 404


def test_the_request_pages_show_every_section_of_the_wizard(client, personas):
    open_round()
    client.force_login(personas.host1)
    assert client.post("/requests/start/").status_code == 302
    req = DispatchRequest.objects.get()
    detail = client.get(f"/requests/{req.pk}/").content.decode()
    with translation.override("ja"):
        sections = [(name, str(title)) for name, title in REQUEST.sections()]
    for name, title in sections:
        assert f'href="/requests/{req.pk}/{name}/"' in detail
        page = client.get(f"/requests/{req.pk}/{name}/")
        assert page.status_code == 200 and f"<h1>{title}</h1>" in page.content.decode()
    assert client.get(f"/requests/{req.pk}/nothing/").status_code == 404


def test_a_refused_kpi_page_lists_the_refusal_above_its_rows(client, personas):
    open_round()
    client.force_login(personas.host1)
    client.post("/requests/start/")
    req = DispatchRequest.objects.get()
    empty = {"kpis-TOTAL_FORMS": "1", "kpis-INITIAL_FORMS": "0", "kpis-MIN_NUM_FORMS": "0"}
    response = client.post(f"/requests/{req.pk}/kpis/", {**empty, "kpis-MAX_NUM_FORMS": "20"})
    with translation.override("ja"):
        refusal = translation.gettext(
            "Give at least one KPI with its baseline, so progress can be measured."
        )
    body = response.content.decode()
    assert response.status_code == 200 and 'class="error-summary"' in body and refusal in body
    assert not req.kpis.exists()
