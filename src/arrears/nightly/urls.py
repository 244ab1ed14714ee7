"""/nightly/: the record of the last nights, for administrators and compliance officers."""

from django.urls import path

from arrears.nightly import views

app_name = "nightly"

urlpatterns = [
    path("", views.nights, name="nights"),
]
