from django.urls import path

from ciodispatch.matchround import views

app_name = "matchround"
urlpatterns = [
    # The office
    path("office/", views.office_list, name="office_list"),
    path("office/setup/<int:request_round>/", views.configure, name="configure"),
    path("office/rounds/<int:pk>/", views.office_detail, name="office_detail"),
    path("office/rounds/<int:pk>/phase/", views.advance, name="advance"),
    path("office/rounds/<int:pk>/run/", views.run, name="run"),
    path("office/rounds/<int:pk>/publish/", views.publish, name="publish"),
    path("office/posts/<int:pk>/capacity/", views.post_capacity, name="post_capacity"),
    path("office/runs/<int:pk>/", views.run_detail, name="run_detail"),
    path("office/runs/<int:pk>/status/", views.run_status, name="run_status"),
    path("office/runs/<int:pk>/export/", views.export, name="export"),
    path("office/runs/<int:pk>/snapshot.json", views.snapshot, name="snapshot"),
    # Candidates
    path("rank/", views.candidate_rank, name="candidate_rank"),
    path("posts/<int:pk>/", views.post_detail, name="post_detail"),
    # Hosts
    path("host/", views.host_posts, name="host_posts"),
    path("host/posts/<int:pk>/", views.host_rank, name="host_rank"),
    path(
        "host/posts/<int:pk>/candidates/<int:application>/",
        views.applicant,
        name="applicant",
    ),
    # Results
    path("rounds/<int:pk>/my-result/", views.my_result, name="my_result"),
    path("results/", views.public_list, name="public_list"),
    path("results/<int:fiscal_year>/", views.public_summary, name="public_summary"),
]
