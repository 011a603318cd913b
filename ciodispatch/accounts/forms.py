from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from ciodispatch.accounts.models import Organisation
from ciodispatch.accounts.passwords import demo_password_refused


class LoginForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "The user name or password is not right. Check both (passwords are case-sensitive)."
        ),
        "demo_password": _(
            "The demo password works only on the demo site. Use the password you were given."
        ),
    }

    def clean(self):
        password = self.cleaned_data.get("password")
        if password and demo_password_refused(password):
            raise forms.ValidationError(self.error_messages["demo_password"], code="demo_password")
        return super().clean()


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Code"),
        max_length=16,
        help_text=_("The 6-digit code from your authenticator app, or a backup code."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class OrganisationContactForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["contact_department", "contact_email", "contact_phone"]
        help_texts = {
            "contact_department": _("For example: 総務部 情報政策課"),
            "contact_phone": _("Digits and hyphens, for example 0952-75-2111"),
        }

    def clean_contact_phone(self):
        phone = self.cleaned_data["contact_phone"].strip()
        if phone and not all(char.isdigit() or char == "-" for char in phone):
            raise forms.ValidationError(
                _("Write the number with digits and hyphens only, for example 0952-75-2111.")
            )
        return phone
