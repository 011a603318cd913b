"""Multi-page forms, declared once.

A long application is a task list of sections, each a page with its own form, saved by one
service. The service layer owns the sections (their names and titles, in order: it names them
in its refusals, "complete every section: ..."); a ``Wizard`` joins each section to its
``Page``: how the page builds its form (and formset) from the object, and which service saves
it. The views read the wizard for the task list, for the page shown (GET) and for the page
saved (POST), so a section is never described twice. candidates/pages.py declares the
application's wizard this way: ``APPLICATION = Wizard(services.sections, ...)``, then one
``@APPLICATION.page("motivation")`` class a section, with its ``form`` and its ``save``.
"""

from collections.abc import Callable, Iterable
from typing import Any, Generic, TypeVar

from django.core.exceptions import ImproperlyConfigured
from django.forms import BaseForm, Form
from django.forms.formsets import BaseFormSet
from django.http import Http404

Obj = TypeVar("Obj")

# (name, title) of each section, in order; the title may be a lazy translation.
Sections = Callable[[], Iterable[tuple[str, Any]]]


class Page(Generic[Obj]):
    """One page of a wizard: its form (and formset, if any) and the service that saves it.

    The wizard sets ``name``, ``title`` (from the service's sections) and ``template`` (the
    page's own, else the wizard's) on the instance it hands to a view.
    """

    template: str | None = None

    def __init__(self, name: str, title: Any, template: str):
        self.name = name
        self.title = title
        self.template = template

    def form(self, obj: Obj, data, files) -> BaseForm | None:
        """The page's form, bound to ``data`` on a post, with the saved values as initial."""
        return None

    def formset(self, obj: Obj, data) -> BaseFormSet | None:
        """The page's rows (career positions, KPIs), when it has them."""
        return None

    def is_valid(self, form: BaseForm | None, formset: BaseFormSet | None) -> bool:
        return (form is None or form.is_valid()) and (formset is None or formset.is_valid())

    def save(self, obj: Obj, form: Any, formset: Any, *, actor) -> None:
        """Save the cleaned data through the section's service (which may refuse)."""
        raise NotImplementedError


class Wizard(Generic[Obj]):
    """The pages of one multi-page form, one per section of the service's list."""

    def __init__(self, sections: Sections, *, status: Callable[[Obj, str], str], template: str):
        self._sections = sections
        self._status = status
        self.template = template
        self._pages: dict[str, type[Page[Obj]]] = {}

    def page(self, name: str) -> Callable[[type[Page[Obj]]], type[Page[Obj]]]:
        """Register the page of section ``name`` (a class decorator)."""

        def register(cls: type[Page[Obj]]) -> type[Page[Obj]]:
            if name in self._pages:
                raise ImproperlyConfigured(f"The page {name!r} is declared twice.")
            self._pages[name] = cls
            return cls

        return register

    def fields_page(
        self, name: str, form_class: type[Form], service: Callable[..., Any]
    ) -> type[Page[Obj]]:
        """Register the page of section ``name`` whose form's fields are named as the object's
        attributes: the form starts from their values, and ``service(obj, actor=...,
        **cleaned_data)`` saves it."""

        class FieldsPage(Page[Obj]):
            def form(self, obj: Obj, data, files) -> BaseForm:
                initial = {field: getattr(obj, field) for field in form_class.base_fields}
                return form_class(data, initial=initial)

            def save(self, obj: Obj, form: Any, formset: Any, *, actor) -> None:
                service(obj, actor=actor, **form.cleaned_data)

        FieldsPage.__name__ = FieldsPage.__qualname__ = f"{form_class.__name__}Page"
        return self.page(name)(FieldsPage)

    def sections(self) -> list[tuple[str, Any]]:
        """The sections in order, each with its title; every one must have a page."""
        sections = list(self._sections())
        names = [name for name, _title in sections]
        if set(names) != set(self._pages) or len(names) != len(set(names)):
            raise ImproperlyConfigured(
                f"Sections {sorted(names)} and pages {sorted(self._pages)} do not match."
            )
        return sections

    def names(self) -> list[str]:
        return [name for name, _title in self.sections()]

    def titles(self) -> dict[str, Any]:
        return dict(self.sections())

    def page_for(self, name: str) -> Page[Obj]:
        """The page of section ``name``, ready for a view; 404 for a name of no section."""
        titles = self.titles()
        if name not in titles:
            raise Http404
        cls = self._pages[name]
        return cls(name, titles[name], cls.template or self.template)

    def task_list(self, obj: Obj) -> list[dict[str, Any]]:
        """Each section's name (``key``), title and status (completed, in progress, ...)."""
        return [
            {"key": name, "title": title, "status": self._status(obj, name)}
            for name, title in self.sections()
        ]
