from django.urls import path

from ciodispatch.knowhow import views

app_name = "knowhow"

urlpatterns = [
    # Public (no sign-in): published cases, manuals, awards, open data.
    path("cases/", views.case_list, name="case_list"),
    path("cases.csv", views.case_csv, name="case_csv"),
    path("cases/<int:pk>/", views.case_detail, name="case_detail"),
    path("cases/<int:pk>/versions/<int:number>/", views.case_version, name="case_version"),
    path("manuals/", views.manual_list, name="manual_list"),
    path("manuals/<int:pk>/", views.manual_detail, name="manual_detail"),
    path("manuals/<int:pk>/pdf/", views.manual_pdf, name="manual_pdf"),
    path("awards/", views.award_list, name="awards"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
    # Authors and the office.
    path("workspace/", views.workspace, name="workspace"),
    path("workspace/new/", views.case_new, name="case_new"),
    path("workspace/<int:pk>/", views.case_manage, name="case_manage"),
    path("workspace/<int:pk>/edit/", views.case_edit, name="case_edit"),
    path("workspace/<int:pk>/submit/", views.case_submit, name="case_submit"),
    path("workspace/<int:pk>/decide/", views.case_decide, name="case_decide"),
    path("workspace/<int:pk>/attach/", views.case_attach, name="case_attach"),
    path(
        "workspace/attachments/<int:pk>/remove/",
        views.attachment_remove,
        name="attachment_remove",
    ),
    path("manuals/manage/", views.manual_manage_list, name="manual_manage_list"),
    path("manuals/manage/new/", views.manual_new, name="manual_new"),
    path("manuals/manage/<int:pk>/", views.manual_manage, name="manual_manage"),
    path("manuals/manage/<int:pk>/decide/", views.manual_decide, name="manual_decide"),
    path("awards/record/", views.award_record, name="award_record"),
    path("recommendations/", views.recommended, name="recommendations"),
]
