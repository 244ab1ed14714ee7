"""The project's URLs: every arrears app that has a `urls` module is mounted at /<app label>/, the web app at /."""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from arrears.api import api


def _app_urls() -> list:
    mounted = []
    for config in apps.get_app_configs():
        if not config.name.startswith("arrears.") or config.label == "web":
            continue
        if find_spec(f"{config.name}.urls") is not None:
            mounted.append(path(f"{config.label}/", include(import_module(f"{config.name}.urls"))))
    return mounted


urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("my/", include("arrears.borrower.routes")),
    path("v", RedirectView.as_view(pattern_name="my:verify", http_method_names=["get", "head"]), name="verify-short"),  # the short link in every SMS footer
    *_app_urls(),
    path("", include("arrears.web.urls")),
]
