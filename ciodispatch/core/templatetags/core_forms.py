"""``{% form_token %}``: the one-time token of a create form (``core.once``); ``numbered``: a
row's legend with its number (``"Position %(n)s"|numbered:2``)."""

from django import template
from django.utils.html import format_html

from ciodispatch.core.once import FIELD, new_token

register = template.Library()


@register.simple_tag
def form_token():
    """A hidden input with a fresh random token: the form's view runs once per token."""
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, new_token())


@register.filter
def numbered(legend, n) -> str:
    """``legend`` (a translated text with ``%(n)s``) with the number ``n`` in it."""
    return str(legend) % {"n": n}
