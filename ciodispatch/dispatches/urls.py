from django.urls import path

from ciodispatch.dispatches import views

app_name = "dispatches"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("office/", views.office, name="office"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/answer/", views.answer, name="answer"),
    path("<int:pk>/appointment/", views.appointment, name="appointment"),
    path("<int:pk>/appointment/confirm/", views.confirm, name="confirm"),
    path("<int:pk>/notice.pdf", views.notice, name="notice"),
    path("<int:pk>/start/", views.start, name="start"),
    path("<int:pk>/complete/", views.complete, name="complete"),
    path("<int:pk>/end-early/", views.end_early, name="end_early"),
    path("<int:pk>/extension/", views.extension, name="extension"),
    path("extensions/<int:pk>/decide/", views.decide_extension, name="decide_extension"),
    path("<int:pk>/fill/", views.fill, name="fill"),
    path("<int:pk>/evaluation/", views.evaluate, name="evaluate"),
    path("<int:pk>/case-draft/", views.case_draft, name="case_draft"),
]
