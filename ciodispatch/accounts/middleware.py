from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse

from ciodispatch.accounts.services import must_enrol_totp

# Paths a signed-in user may reach before passing the second factor.
_OPEN_PREFIXES = ("/static/", "/i18n/")


class SecondFactorRequiredMiddleware:
    """Office accounts reach nothing but the second-factor pages until they pass it.

    Without a confirmed device they are sent to enrol an authenticator app first.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and getattr(user, "requires_second_factor", False)
            and not user.is_verified()
        ):
            allowed = {
                reverse("accounts:verify"),
                reverse("accounts:enrol"),
                reverse("accounts:logout"),
            }
            path = request.path_info
            if path not in allowed and not path.startswith(_OPEN_PREFIXES):
                step = "accounts:enrol" if must_enrol_totp(user) else "accounts:verify"
                query = (
                    urlencode({"next": request.get_full_path()}) if request.method == "GET" else ""
                )
                return redirect(reverse(step) + (f"?{query}" if query else ""))
        return self.get_response(request)
