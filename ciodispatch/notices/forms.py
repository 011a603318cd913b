from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class PreferencesForm(forms.Form):
    """One box per kind of notice that may come by mail, and the language of the mails."""

    language = forms.ChoiceField(label=_("Language of mail"), choices=settings.LANGUAGES)

    def __init__(self, *args, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.kinds = kinds
        for kind in kinds:
            self.fields[self.field_name(kind.key)] = forms.BooleanField(
                label=kind.label, required=False
            )

    @staticmethod
    def field_name(key: str) -> str:
        return "mail_" + key.replace(".", "__")

    def mail_choices(self) -> dict[str, bool]:
        return {k.key: self.cleaned_data[self.field_name(k.key)] for k in self.kinds}

    def kind_fields(self):
        return [self[self.field_name(k.key)] for k in self.kinds]
