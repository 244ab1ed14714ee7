"""The one settings module, driven by the environment.

DATABASE_URL     default: a SQLite file under var/ (WAL); postgres://… for PostgreSQL
ARREARS_SECRET   signing and encryption key; a development key is used when unset
ARREARS_DEBUG    "1" for debug pages
ARREARS_VAR      where the SQLite file, feeds' rejects and exports live (default ./var)
ARREARS_DUCKDB_MEMORY  the in-process engine's memory limit before it spills to disk (default 2GB)
ARREARS_PROFILE  the compliance jurisdiction: cn (default) or us-regf, or a profile file
ARREARS_POLICY   the lender's policy file on top of it, which may only tighten (none by default)
ARREARS_FEEDS_DIR where `arrears nightly` finds each day's files: <dir>/<YYYY-MM-DD>/payments.csv … (none by default)
ARREARS_TEST_TAG a suffix for the test database's name, so that two test runs on one machine do not share it
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("ARREARS_VAR", Path.cwd() / "var")).resolve()

SECRET_KEY = os.environ.get("ARREARS_SECRET", "arrears-development-key-change-me-in-production-0123456789")
DEBUG = os.environ.get("ARREARS_DEBUG", "") == "1"
ARREARS_DUCKDB_MEMORY = os.environ.get("ARREARS_DUCKDB_MEMORY", "2GB")
ARREARS_PROFILE = os.environ.get("ARREARS_PROFILE", "cn")
ARREARS_POLICY = os.environ.get("ARREARS_POLICY") or None
ARREARS_FEEDS_DIR = os.environ.get("ARREARS_FEEDS_DIR") or None
ALLOWED_HOSTS = [host for host in os.environ.get("ARREARS_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if host]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "arrears.access.apps.SignInProtectionConfig",  # django-axes, named in both languages
    "ninja",  # installed so that /api/docs serves Swagger UI from local static files, not a CDN
    "arrears.ledger",
    "arrears.cycle",
    "arrears.cases",
    "arrears.contact",
    "arrears.strategy",
    "arrears.access",
    "arrears.outbox",
    "arrears.messaging",
    "arrears.workbench",
    "arrears.promises",
    "arrears.plans",
    "arrears.agencies",
    "arrears.visits",
    "arrears.legal",
    "arrears.nightly",
    "arrears.audit",
    "arrears.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "arrears.audit.actor.ActorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "arrears.urls"
WSGI_APPLICATION = "arrears.wsgi.application"

# Form widgets drawn by Django's own Jinja2 widget templates: the same HTML, at a fraction of the
# cost of the template language on pages with many fields (the account page has five forms).
FORM_RENDERER = "django.forms.renderers.Jinja2"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


_TEST_TAG = "".join(char for char in os.environ.get("ARREARS_TEST_TAG", "") if char.isalnum() or char == "_")


def _database() -> dict:
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'arrears.sqlite3'}"
    config = dj_database_url.parse(url, conn_max_age=60)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        VAR_DIR.mkdir(parents=True, exist_ok=True)  # the embedded default works in a fresh clone
        config["CONN_MAX_AGE"] = 0
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000;",
        }
        # a file, not memory: the bulk (ADBC) connection must see the same test database
        config["TEST"] = {"NAME": str(VAR_DIR / f"test-arrears{_TEST_TAG}.sqlite3")}
    else:
        config["TEST"] = {"NAME": f"test_{config['NAME']}{_TEST_TAG}"}
    return config


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_TEMPLATE = "web/locked_out.html"
AXES_LOCKOUT_CALLABLE = "arrears.access.lockout.locked_out"  # JSON under /api/, the page elsewhere
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"  # the lender's zone: business dates are dates here
USE_TZ = True  # stored in UTC

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "portfolio"
LOGOUT_REDIRECT_URL = "login"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("ARREARS_LOG_LEVEL", "WARNING")},
}
