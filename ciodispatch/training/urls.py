from django.urls import path

from ciodispatch.training import views

app_name = "training"
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("mine/", views.my_training, name="mine"),
    path("calendar/reset/", views.calendar_reset, name="calendar_reset"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("courses/new/", views.course_create, name="course_create"),
    path("sessions/new/", views.session_create, name="session_create"),
    path("sessions/<int:pk>/", views.session_detail, name="session"),
    path("sessions/<int:pk>/enrol/", views.enrol, name="enrol"),
    path("sessions/<int:pk>/roster/", views.roster, name="roster"),
    path("sessions/<int:pk>/enrol-person/", views.enrol_person, name="enrol_person"),
    path("enrolments/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("enrolments/<int:pk>/attendance/", views.attendance, name="attendance"),
    path("enrolments/<int:pk>/completion/", views.completion, name="completion"),
    path("enrolments/<int:pk>/certificate.pdf", views.certificate, name="certificate"),
]
