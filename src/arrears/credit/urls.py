"""/credit/: the credit-report objections, recorded and answered by staff."""

from django.urls import path

from arrears.credit import views

app_name = "credit"

urlpatterns = [
    path("objections/", views.objections, name="objections"),
    path("objections/record/", views.record, name="record"),
    path("objections/<int:pk>/answer/", views.answer, name="answer"),
]
