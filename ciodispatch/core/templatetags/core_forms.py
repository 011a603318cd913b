"""``{% form_token %}``: the one-time token of a create form (``core.once``)."""

from django import template
from django.utils.html import format_html

from ciodispatch.core.once import FIELD, new_token

register = template.Library()


@register.simple_tag
def form_token():
    """A hidden input with a fresh random token: the form's view runs once per token."""
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, new_token())
