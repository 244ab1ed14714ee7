from django.urls import path

from arrears.plans import views

app_name = "plans"

urlpatterns = [
    path("loan/<int:loan_id>/", views.loan_plans, name="loan"),
    path("<int:plan_id>/approve/", views.decide, {"decision": "approve"}, name="approve"),
    path("<int:plan_id>/reject/", views.decide, {"decision": "reject"}, name="reject"),
    path("awaiting/", views.awaiting, name="awaiting"),
]
