"""The JSON API (OpenAPI at /api/docs): one router per domain app, found as `<app>.api.router`.

Calls are authenticated by the web session (django_auth checks the CSRF token on unsafe methods) and pass the same
permission and scope checks as the pages.
"""

from __future__ import annotations

from functools import wraps
from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, JsonResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError
from ninja.security import django_auth

from arrears.api_answers import Refused


def docs_for_whom(view):
    """/api/docs and /api/openapi.json: open to all, or to signed-in users only when
    ARREARS_API_DOCS=signed_in (read on every request). A stranger then gets the sign-in page for
    the docs and a bilingual 401 for the schema, as for any other API call."""

    @wraps(view)
    def guarded(request, *args, **kwargs):
        if settings.API_DOCS == "signed_in" and not request.user.is_authenticated:
            if request.path.endswith(".json"):
                from arrears.api_answers import SIGN_IN_FIRST

                return JsonResponse({"error": {"zh": SIGN_IN_FIRST[0], "en": SIGN_IN_FIRST[1]}}, status=401)
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return guarded


api = NinjaAPI(
    title="arrears",
    version="1",
    description="Collections: accounts, work queue, contacts, promises, plans, agencies and visits.",
    auth=django_auth,
    urls_namespace="api",
    docs_decorator=docs_for_whom,
)


def _answer(request, status: int, zh: str, en: str, **extra):
    return api.create_response(request, {"error": {"zh": zh, "en": en}, **extra}, status=status)


@api.exception_handler(Http404)
def _not_found(request, _error):
    """Every 404 of the API in both languages: a missing object and one outside the caller's scope alike."""
    from arrears.api_answers import NOT_FOUND

    return _answer(request, 404, *NOT_FOUND)


@api.exception_handler(OverflowError)
def _no_such_number(request, _error):
    """An id beyond what the database can hold names nothing: the same 404 (SQLite cannot even bind it)."""
    from arrears.api_answers import NOT_FOUND

    return _answer(request, 404, *NOT_FOUND)


@api.exception_handler(Refused)
def _refused(request, refusal: Refused):
    return _answer(request, refusal.status_code, refusal.zh, refusal.en)


@api.exception_handler(ValidationError)
def _invalid(request, invalid: ValidationError):
    """A body, path or query that does not fit the schema: 422, the fields named as the schema's checks found them."""
    from arrears.api_answers import INVALID

    return _answer(request, 422, *INVALID, detail=invalid.errors)


@api.exception_handler(AuthenticationError)
def _not_signed_in(request, _error):
    from arrears.api_answers import SIGN_IN_FIRST

    return _answer(request, 401, *SIGN_IN_FIRST)


def _mount_routers() -> None:
    for config in apps.get_app_configs():
        if not config.name.startswith("arrears."):
            continue
        if find_spec(f"{config.name}.api") is None:
            continue
        router = getattr(import_module(f"{config.name}.api"), "router", None)
        if router is not None:
            api.add_router(f"/{config.label}/", router)


_mount_routers()
