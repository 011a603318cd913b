from django.urls import path

from ciodispatch.localgov import views

app_name = "localgov"

urlpatterns = [
    path("", views.local_government_list, name="list"),
    path("imports/", views.registry_imports, name="imports"),
    path("imports/start/", views.registry_import_start, name="import_start"),
    path("groups/", views.group_list, name="groups"),
    path("groups/new/", views.group_create, name="group_create"),
    path("groups/<int:pk>/", views.group_detail, name="group"),
    path("<str:code>/", views.local_government_detail, name="detail"),
]
