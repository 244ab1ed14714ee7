"""The access JSON API (mounted at /api/access/): a signed-in user changes their own password.

    POST /api/access/me/password  {"old_password": "…", "new_password": "…"}

The same form and the same password validators as the page; the session stays valid afterwards.
A wrong current password counts as a failed sign-in: after five, the user is locked out (429).
Errors: 400 with `errors` {field: [{message, zh, en, code}]} (`message` in the request's language),
400 for a body that is not JSON, 422 for a body whose fields are not strings, 401 when not signed in.
"""

from __future__ import annotations

from django.contrib.auth import update_session_auth_hash

from arrears.access.passwords import CheckedPasswordChangeForm, current_password_holds
from django.utils import translation
from ninja import Router, Schema, Status

router = Router(tags=["access"])

# the form asks for the new password twice; the API takes it once, so both of the form's fields
# answer to `new_password`
_API_FIELD = {"new_password1": "new_password", "new_password2": "new_password"}


class PasswordChangeIn(Schema):
    old_password: str | None = None
    new_password: str | None = None


def _judged(user, data: dict[str, str], language: str, current_ok: bool) -> tuple[CheckedPasswordChangeForm,
                                                                                   dict[str, list[tuple[str, str]]]]:
    """The bound form validated in `language`, and its errors as (code, text) by API field."""
    # the password validators word their messages when they run, not when shown: each language
    # needs a validation of its own
    with translation.override(language):
        form = CheckedPasswordChangeForm(user, data, current_password_ok=current_ok)
        errors: dict[str, list[tuple[str, str]]] = {}
        for name, error_list in form.errors.as_data().items():
            answered = errors.setdefault(_API_FIELD.get(name, name), [])
            for error in error_list:
                judged = (error.code or "", " ".join(error))
                if judged not in answered:  # "required" would otherwise come twice for new_password
                    answered.append(judged)
    return form, errors


def _in_both_languages(zh_errors: dict, en_errors: dict, asked: str) -> dict[str, list[dict[str, str]]]:
    """{field: [{message, code, zh, en}]}, `message` in the language the request asked for."""
    return {
        field: [
            {"message": en if asked == "en" else zh, "code": code, "zh": zh, "en": en}
            for (code, zh), (_, en) in zip(judged, en_errors.get(field, []))
        ]
        for field, judged in zh_errors.items()
    }


@router.post("/me/password", response={200: dict, 400: dict}, summary="Change one's own password")
def change_own_password(request, payload: PasswordChangeIn):
    new_password = payload.new_password or ""
    data = {"old_password": payload.old_password or "", "new_password1": new_password, "new_password2": new_password}
    asked = "en" if translation.get_language() == "en" else "zh-hans"
    # the current password is checked once, as a sign-in attempt (a wrong one counts towards lockout)
    current_ok = current_password_holds(request, request.user, data["old_password"])
    form, errors = _judged(request.user, data, asked, current_ok)
    if form.is_valid():
        form.save()
        update_session_auth_hash(request, form.user)
        return Status(200, {"changed": True})
    _, other_errors = _judged(request.user, data, "zh-hans" if asked == "en" else "en", current_ok)
    zh_errors, en_errors = (other_errors, errors) if asked == "en" else (errors, other_errors)
    return Status(400, {
        "error": {"zh": "密码未修改，请检查各字段", "en": "The password was not changed; see the fields"},
        "errors": _in_both_languages(zh_errors, en_errors, asked),
    })
