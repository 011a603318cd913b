from django.urls import path, re_path

from ciodispatch.readiness import views

app_name = "readiness"
urlpatterns = [
    path("", views.own, name="own"),
    path("start/", views.start, name="start"),
    path("local-governments/", views.office_list, name="list"),
    re_path(
        r"^local-governments/(?P<code>[0-9]{6})/$", views.local_government, name="local_government"
    ),
    path("assessments/<int:pk>/", views.result, name="result"),
    path("assessments/<int:pk>/edit/", views.tasks, name="tasks"),
    path("assessments/<int:pk>/edit/challenges/", views.challenges, name="challenges"),
    path("assessments/<int:pk>/edit/<str:dimension>/", views.dimension, name="dimension"),
    path("assessments/<int:pk>/check/", views.check, name="check"),
]
