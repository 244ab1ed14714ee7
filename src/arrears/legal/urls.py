"""/legal/: the legal reviews, and a legal officer's decision on one."""

from django.urls import path

from arrears.legal import views

app_name = "legal"

urlpatterns = [
    path("", views.reviews, name="reviews"),
    path("<int:pk>/decide/", views.decide_review, name="decide"),
]
