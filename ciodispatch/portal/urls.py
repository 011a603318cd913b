from django.urls import path

from ciodispatch.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.landing, name="landing"),
    path("statistics/", views.statistics_page, name="statistics"),
    path("statistics/<slug:table>.csv", views.statistics_csv, name="statistics_csv"),
]
