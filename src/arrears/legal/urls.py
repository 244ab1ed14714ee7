"""/legal/: the legal reviews and a legal officer's decision on one; the legal cases, one case, opening a
case from a referred review, and moving a case on."""

from django.urls import path

from arrears.legal import case_views, views

app_name = "legal"

urlpatterns = [
    path("", views.reviews, name="reviews"),
    path("<int:pk>/decide/", views.decide_review, name="decide"),
    path("<int:pk>/case/", case_views.open_from_review, name="open-case"),
    path("cases/", case_views.cases, name="cases"),
    path("cases/<int:pk>/", case_views.case, name="case"),
    path("cases/<int:pk>/advance/", case_views.advance_case, name="advance"),
]
