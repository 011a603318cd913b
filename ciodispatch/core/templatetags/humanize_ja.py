from django import template

register = template.Library()


@register.filter
def yen_grouping(value):
    """Digits grouped by thousands (18,304); empty for None so ``default`` can take over."""
    if value in (None, ""):
        return ""
    return f"{int(value):,}"
