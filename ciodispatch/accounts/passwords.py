from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# The shared password of the demo accounts (README). Refused unless DEMO_MODE is on.
DEMO_PASSWORD = "cio-demo-2026"
# The documented backup code with which demo office accounts pass two-factor authentication.
DEMO_BACKUP_CODE = "20261126"


def demo_password_refused(password: str) -> bool:
    return password == DEMO_PASSWORD and not settings.DEMO_MODE


class DemoPasswordValidator:
    def validate(self, password, user=None):
        if password == DEMO_PASSWORD:
            raise ValidationError(
                _("This is the published demo password; choose a password of your own."),
                code="demo_password",
            )

    def get_help_text(self):
        return _("Your password cannot be the published demo password.")
