from django.urls import include, path
from django.views.i18n import set_language

from ciodispatch.accounts.api import router as accounts_router
from ciodispatch.api_support import build_api
from ciodispatch.knowhow.api import router as knowhow_router
from ciodispatch.localgov.api import router as localgov_router
from ciodispatch.portal.api import router as portal_router

api = build_api(localgov_router, knowhow_router, portal_router, accounts_router)

urlpatterns = [
    path("", include("ciodispatch.core.urls")),
    path("accounts/", include("ciodispatch.accounts.urls")),
    path("local-governments/", include("ciodispatch.localgov.urls")),
    path("audit/", include("ciodispatch.audit.urls")),
    path("notices/", include("ciodispatch.notices.urls")),
    path("training/", include("ciodispatch.training.urls")),
    path("candidates/", include("ciodispatch.candidates.urls")),
    path("readiness/", include("ciodispatch.readiness.urls")),
    path("requests/", include("ciodispatch.requests.urls")),
    path("", include("ciodispatch.outreach.urls")),
    path("portal/", include("ciodispatch.portal.urls")),
    path("matching/", include("ciodispatch.matchround.urls")),
    path("dispatches/", include("ciodispatch.dispatches.urls")),
    path("progress/", include("ciodispatch.progress.urls")),
    path("incentives/", include("ciodispatch.incentives.urls")),
    path("knowhow/", include("ciodispatch.knowhow.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/", api.urls),
]

handler403 = "ciodispatch.core.errors.permission_denied"
handler404 = "ciodispatch.core.errors.page_not_found"
handler500 = "ciodispatch.core.errors.server_error"
