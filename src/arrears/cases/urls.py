from django.urls import path

from arrears.cases import views

app_name = "cases"

urlpatterns = [
    path("loans/<int:loan_id>/holds/", views.place, name="place-hold"),
    path("holds/<int:hold_id>/release/", views.release, name="release-hold"),
]
