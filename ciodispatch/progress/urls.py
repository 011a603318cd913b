from django.urls import path

from ciodispatch.progress import views

app_name = "progress"
urlpatterns = [
    # A dispatch's progress: plan, reports, wins, KPIs
    path("dispatches/<int:pk>/", views.dispatch_progress, name="dispatch"),
    path("dispatches/<int:pk>/plan/", views.plan_edit, name="plan_edit"),
    path("dispatches/<int:pk>/plan/comment/", views.plan_comment, name="plan_comment"),
    path("dispatches/<int:pk>/report/", views.report_edit, name="report_edit"),
    path("dispatches/<int:pk>/wins/new/", views.win_new, name="win_new"),
    path("dispatches/<int:pk>/kpis/", views.measurement_new, name="measurement_new"),
    path("reports/<int:pk>/", views.report_detail, name="report"),
    path("reports/<int:pk>/comment/", views.report_comment, name="report_comment"),
    path("wins/<int:pk>/publish/", views.win_publish, name="win_publish"),
    path("wins/<int:pk>/picture/", views.win_picture, name="win_picture"),
    # Overviews
    path("mine/", views.mine, name="mine"),
    path("office/", views.office, name="office"),
    # Public
    path("wins/", views.public_wins, name="wins"),
    path("wins/<int:pk>/", views.public_win, name="win"),
    path("outcomes/", views.outcomes, name="outcomes"),
]
