from django.urls import path

from ciodispatch.incentives import views

app_name = "incentives"
urlpatterns = [
    # The host side
    path("dispatches/<int:pk>/", views.dispatch_claims, name="dispatch"),
    path("dispatches/<int:pk>/claims/new/", views.start_claim, name="start"),
    path("claims/<int:pk>/", views.claim_detail, name="claim"),
    path("claims/<int:pk>/costs/", views.edit_costs, name="costs"),
    path("claims/<int:pk>/evidence/", views.add_evidence, name="add_evidence"),
    path("claims/<int:pk>/submit/", views.submit_claim, name="submit"),
    path("evidence/<int:pk>/", views.evidence_file, name="evidence"),
    path("evidence/<int:pk>/remove/", views.remove_evidence, name="remove_evidence"),
    # The office
    path("office/claims/", views.office_claims, name="office_claims"),
    path("claims/<int:pk>/decide/", views.decide_claim, name="decide"),
    path("claims/<int:pk>/paid/", views.record_payment, name="paid"),
    path("office/budget/", views.budget, name="budget"),
    path("office/budget/set/", views.set_budget, name="set_budget"),
    path("office/budget/<int:year>.<str:fmt>", views.budget_export, name="export"),
    path("office/rules/", views.rules, name="rules"),
    path("office/rules/new/", views.new_rule, name="new_rule"),
    path("office/rules/<int:pk>/", views.rule_detail, name="rule"),
    path("office/rules/<int:pk>/new-version/", views.edit_rule, name="edit_rule"),
]
