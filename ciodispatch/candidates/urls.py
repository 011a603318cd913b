from django.urls import path

from ciodispatch.candidates import views

app_name = "candidates"

urlpatterns = [
    # candidate
    path("register/", views.register, name="register"),
    path("application/", views.application, name="application"),
    path("application/check/", views.check_answers, name="check_answers"),
    path("application/<slug:section>/", views.edit_section, name="section"),
    path("my-data/", views.my_data, name="my_data"),
    path("my-data/data.json", views.my_data_json, name="my_data_json"),
    path("my-data/data.pdf", views.my_data_pdf, name="my_data_pdf"),
    path("my-data/delete/", views.request_deletion, name="request_deletion"),
    # reviewer
    path("reviews/", views.review_list, name="reviews"),
    path("reviews/<int:pk>/", views.review, name="review"),
    # office
    path("applications/", views.application_list, name="applications"),
    path("applications/<int:pk>/", views.application_detail, name="application_detail"),
    path("applications/<int:pk>/cv/", views.download_cv, name="cv"),
    path("applications/<int:pk>/assign/", views.assign_reviewer, name="assign"),
    path("applications/<int:pk>/decide/", views.decide, name="decide"),
    path("applications/<int:pk>/interview/", views.schedule_interview, name="interview"),
    path("applications/<int:pk>/certify/", views.certify, name="certify"),
    path("applications/<int:pk>/certification/", views.change_certification, name="certification"),
    path("pool/", views.pool, name="pool"),
    path("deletions/", views.deletion_requests, name="deletions"),
    path("deletions/<int:pk>/complete/", views.complete_deletion, name="complete_deletion"),
    path("rounds/", views.rounds, name="rounds"),
    path("rounds/<int:year>/criteria/", views.criteria, name="criteria"),
]
