from django.urls import path

from ciodispatch.outreach import views

app_name = "outreach"

urlpatterns = [
    # Direct support from advanced regions (officials only).
    path("support/", views.support_home, name="support"),
    path("support/office/", views.support_office, name="support_office"),
    path("support/offers/new/", views.offer_new, name="offer_new"),
    path("support/offers/<int:pk>/", views.offer_detail, name="offer"),
    path("support/offers/<int:pk>/edit/", views.offer_edit, name="offer_edit"),
    path("support/offers/<int:pk>/submit/", views.offer_submit, name="offer_submit"),
    path("support/offers/<int:pk>/publish/", views.offer_publish, name="offer_publish"),
    path("support/offers/<int:pk>/return/", views.offer_return, name="offer_return"),
    path("support/offers/<int:pk>/withdraw/", views.offer_withdraw, name="offer_withdraw"),
    path("support/requests/new/", views.request_new, name="request_new"),
    path("support/requests/<int:pk>/", views.request_detail, name="request"),
    path("support/requests/<int:pk>/decide/", views.request_decide, name="request_decide"),
    path("support/requests/<int:pk>/withdraw/", views.request_withdraw, name="request_withdraw"),
    path("support/requests/<int:pk>/cancel/", views.request_cancel, name="request_cancel"),
    path("support/requests/<int:pk>/visit/", views.request_visit, name="request_visit"),
    # Events (public).
    path("events/", views.event_list, name="events"),
    path("events/new/", views.event_new, name="event_new"),
    path("events/<int:pk>/", views.event_detail, name="event"),
    path("events/<int:pk>/register/", views.event_register, name="event_register"),
    path("events/<int:pk>/event.ics", views.event_calendar, name="event_ics"),
    path("events/<int:pk>/publish/", views.event_publish, name="event_publish"),
    path("events/<int:pk>/cancel/", views.event_cancel, name="event_cancel"),
    path("events/<int:pk>/roster/", views.event_roster, name="roster"),
    path(
        "events/registrations/<int:pk>/cancel/",
        views.registration_cancel,
        name="registration_cancel",
    ),
    path("events/cancel/<str:token>/", views.cancel_by_link, name="cancel_by_link"),
    path("events/confirm/<str:token>/", views.confirm_by_link, name="confirm_by_link"),
]
