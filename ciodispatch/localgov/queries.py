"""Reading the registry: one filter used by the pages and the API alike."""

import unicodedata

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from ciodispatch.localgov.models import LocalGovernment

# Population bands offered on the list page: (key, label, minimum, maximum exclusive).
POPULATION_BANDS = (
    ("lt5k", _("under 5,000"), None, 5_000),
    ("5k-10k", _("5,000 to 9,999"), 5_000, 10_000),
    ("10k-50k", _("10,000 to 49,999"), 10_000, 50_000),
    ("50k-100k", _("50,000 to 99,999"), 50_000, 100_000),
    ("100k-500k", _("100,000 to 499,999"), 100_000, 500_000),
    ("ge500k", _("500,000 or more"), 500_000, None),
    ("unknown", _("unknown"), None, None),
)
_BANDS = {key: (minimum, maximum) for key, _label, minimum, maximum in POPULATION_BANDS}


def hiragana_to_katakana(text: str) -> str:
    return "".join(chr(ord(char) + 0x60) if "\u3041" <= char <= "\u3096" else char for char in text)


def normalise_query(text: str) -> str:
    """NFKC (half-width ｶﾅ and full-width ＡＢＣ become standard forms), trimmed."""
    return unicodedata.normalize("NFKC", text).strip()


def filter_local_governments(
    queryset: QuerySet[LocalGovernment] | None = None,
    *,
    prefecture: str | None = None,
    region: str | None = None,
    kind: str | None = None,
    max_population: int | None = None,
    population_band: str | None = None,
    q: str | None = None,
) -> QuerySet[LocalGovernment]:
    """Filter the registry. Arguments are already validated by the caller's form or schema."""
    queryset = LocalGovernment.objects.all() if queryset is None else queryset
    if prefecture:
        queryset = queryset.filter(prefecture_code=prefecture)
    if region:
        queryset = queryset.filter(region=region)
    if kind:
        queryset = queryset.filter(kind=kind)
    if max_population is not None:
        queryset = queryset.filter(population__lte=max_population)
    if population_band:
        if population_band == "unknown":
            queryset = queryset.filter(population__isnull=True)
        else:
            minimum, maximum = _BANDS[population_band]
            if minimum is not None:
                queryset = queryset.filter(population__gte=minimum)
            if maximum is not None:
                queryset = queryset.filter(population__lt=maximum)
    if q:
        text = normalise_query(q)
        kana = hiragana_to_katakana(text)
        condition = (
            Q(name__contains=text) | Q(prefecture__contains=text) | Q(name_kana__contains=kana)
        )
        if text.isdigit():
            condition |= Q(code__startswith=text)
        queryset = queryset.filter(condition)
    return queryset


def prefecture_choices() -> list[tuple[str, str]]:
    return list(
        LocalGovernment.objects.prefectures()
        .order_by("code")
        .values_list("prefecture_code", "name")
    )
