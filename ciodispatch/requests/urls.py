from django.urls import path

from ciodispatch.requests import views

app_name = "requests"

urlpatterns = [
    path("", views.my_requests, name="mine"),
    path("start/", views.start, name="start"),
    path("office/", views.office_list, name="office"),
    path("rounds/", views.rounds, name="rounds"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/commitment/", views.commit, name="commit"),
    path("<int:pk>/confirm/", views.confirm, name="confirm"),
    path("<int:pk>/reevaluate/", views.reevaluate, name="reevaluate"),
    path("<int:pk>/decide/", views.decide, name="decide"),
    path("<int:pk>/<slug:section>/", views.section, name="section"),
]
