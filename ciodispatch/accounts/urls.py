from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from ciodispatch.accounts import views

app_name = "accounts"

password_change = views.PasswordChangeView.as_view(
    template_name="accounts/password_change.html",
    success_url=reverse_lazy("accounts:password_changed"),
)
password_change.policy_action = "signed-in: own password"
password_changed = auth_views.PasswordChangeDoneView.as_view(
    template_name="accounts/password_changed.html"
)
password_changed.policy_action = "signed-in: own password"
logout = auth_views.LogoutView.as_view()
logout.policy_action = "public"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", logout, name="logout"),
    path("two-factor/", views.verify, name="verify"),
    path("two-factor/setup/", views.enrol, name="enrol"),
    path("me/", views.account, name="account"),
    path("me/password/", password_change, name="password_change"),
    path("me/password/done/", password_changed, name="password_changed"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation"),
    path("organisations/<int:pk>/edit/", views.organisation_edit, name="organisation_edit"),
]
