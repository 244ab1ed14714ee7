"""The JSON API (OpenAPI at /api/docs): one router per domain app, found as `<app>.api.router`.

Calls are authenticated by the web session (django_auth checks the CSRF token on unsafe methods) and pass the same
permission and scope checks as the pages.
"""

from __future__ import annotations

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from ninja import NinjaAPI
from ninja.security import django_auth

api = NinjaAPI(
    title="arrears",
    version="1",
    description="Collections: accounts, work queue, contacts, promises, plans, agencies and visits.",
    auth=django_auth,
    urls_namespace="api",
)


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
