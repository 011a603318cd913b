from django.urls import path

from ciodispatch.notices import views

app_name = "notices"
urlpatterns = [
    path("", views.notice_list, name="list"),
    path("read-all/", views.mark_all_read, name="mark_all_read"),
    path("preferences/", views.preferences, name="preferences"),
    path("<int:pk>/open/", views.open_notice, name="open"),
    path("<int:pk>/read/", views.mark_read, name="mark_read"),
]
