"""/access/: a signed-in user changes their own password (Django's views, the configured validators,
the current password checked as a sign-in attempt: see passwords.py)."""

from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from arrears.access.passwords import CheckedPasswordChangeView

app_name = "access"

urlpatterns = [
    path(
        "password/",
        CheckedPasswordChangeView.as_view(
            template_name="access/password_change.html",
            success_url=reverse_lazy("access:password-done"),
            extra_context={"nav": "password"},
        ),
        name="password",
    ),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="access/password_change_done.html",
            extra_context={"nav": "password"},
        ),
        name="password-done",
    ),
]
