from django import forms
from django.utils.translation import gettext_lazy as _

from ciodispatch.core.forms import filter_choice, with_all
from ciodispatch.localgov.models import Kind, LocalGovernment
from ciodispatch.localgov.queries import POPULATION_BANDS, prefecture_choices
from ciodispatch.localgov.regions import Region


class LocalGovernmentFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Name or reading"),
        required=False,
        max_length=40,
        help_text=_("Kanji, hiragana or katakana, e.g. 多久, たく or タク"),
    )
    prefecture = forms.ChoiceField(label=_("Prefecture"), required=False)
    region = filter_choice(_("Region"), Region.choices)
    kind = filter_choice(_("Kind"), Kind.choices)
    population = filter_choice(
        _("Population"), [(key, label) for key, label, _min, _max in POPULATION_BANDS]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["prefecture"].choices = with_all(prefecture_choices())


class GroupForm(forms.Form):
    name = forms.CharField(
        label=_("Group name"),
        max_length=100,
        help_text=_("For example: 佐賀県東部 自治体DX共同推進"),
    )
    members = forms.ModelMultipleChoiceField(
        label=_("Member municipalities"),
        queryset=LocalGovernment.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose at least two."),
        error_messages={"required": _("Choose at least two member municipalities.")},
    )

    def __init__(self, *args, prefecture_code: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = LocalGovernment.objects.municipalities().filter(
            prefecture_code=prefecture_code
        )
