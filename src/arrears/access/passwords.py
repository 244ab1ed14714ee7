"""Changing one's own password with the current one checked by sign-in's own path, lockout included.

Django's PasswordChangeForm checks the current password with `check_password`, which django-axes
does not see: anyone holding a signed-in session could guess it without limit. Here the current
password goes through `authenticate()` with the request, so each wrong guess counts as a failed
sign-in for that user name and address, and after AXES_FAILURE_LIMIT of them the user is locked
out of both, as at the sign-in page.
"""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.views import PasswordChangeView
from django.core.exceptions import ValidationError


def current_password_holds(request, user, password: str) -> bool:
    """Whether `password` is `user`'s, asked as a sign-in is (a wrong one is a failed attempt)."""
    if not password:
        return False
    found = authenticate(request, username=user.get_username(), password=password)
    return found is not None and found.pk == user.pk


class CheckedPasswordChangeForm(PasswordChangeForm):
    """PasswordChangeForm whose current-password check is a sign-in attempt (see the module).

    current_password_ok: the answer of an earlier check of the same request, so that validating
    the form again (the API validates once per language) does not count a second attempt.
    """

    def __init__(self, user, *args, request=None, current_password_ok: bool | None = None, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.request = request
        self.current_password_ok = current_password_ok

    def clean_old_password(self):
        old_password = self.cleaned_data["old_password"]
        if self.current_password_ok is None:
            self.current_password_ok = current_password_holds(self.request, self.user, old_password)
        if not self.current_password_ok:
            raise ValidationError(self.error_messages["password_incorrect"], code="password_incorrect")
        return old_password


class CheckedPasswordChangeView(PasswordChangeView):
    form_class = CheckedPasswordChangeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}
