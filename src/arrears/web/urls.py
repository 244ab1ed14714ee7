from django.contrib.auth import views as auth_views
from django.urls import path

from arrears.web import views

urlpatterns = [
    path("", views.portfolio, name="portfolio"),
    path("roll-rates/", views.roll_rates, name="roll-rates"),
    path("accounts/", views.account_search, name="account-search"),
    path("accounts/<path:loan_external_id>/", views.account, name="account"),
    path("tour/", views.tour, name="tour"),
    path("tour/<slug:slug>/", views.tour_stop, name="tour-stop"),
    path(
        "login/",
        auth_views.LoginView.as_view(template_name="web/login.html", redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
]
